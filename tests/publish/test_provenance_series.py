"""Provenance names every official series a brief read: its vintage, months and sha256, or its absence."""

from __future__ import annotations

import json

import pytest

from briefs.data.official import registry
from briefs.execute.run import run_brief
from briefs.project import catalog
from briefs.publish import provenance
from conftest import copy_project
from snapshot_helpers import shared_data

BRIEF = """---
jupytext:
  text_representation: {extension: .md, format_name: myst}
kernelspec: {name: python3, display_name: Python 3, language: python}
briefs: {title: Series reader, document: "000", order: 1, summary: Reads two official series.}
---
# Series reader

```{code-cell} ipython3
:tags: [parameters]
data_package = ""
```

```{code-cell} ipython3
from briefs.page import claims, sources
from briefs.data.package import load_package
from briefs.data.official import series
pkg = load_package(data_package or None)
ohss = series.load("ohss_enforcement_monthly")
events = series.load("mx_irregular_events_by_sex_age")
ledger = claims.Ledger("series-reader")
ledger.glue("rows", len(ohss))
ledger.show()
sources.show(pkg, "000")
```
"""


@pytest.mark.slow
def test_provenance_and_manifest_list_the_series_read_with_their_vintage(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "project")
    for path in (root / "notebooks").glob("*.md"):
        path.unlink()
    (root / "notebooks" / "series-reader.md").write_text(BRIEF)
    external = tmp_path / "external"
    external.mkdir()
    ohss = registry.snapshot("ohss_enforcement_monthly", root)
    (external / ohss.file).write_bytes((shared_data() / ohss.file).read_bytes())  # the other series stays absent
    monkeypatch.setenv("BRIEFS_EXTERNAL", str(external))

    result = run_brief("series-reader", root=root)
    facts = provenance.brief_facts(catalog.get("series-reader", root), result.notebook)

    by_name = {s["name"]: s for s in facts["series"]}
    assert set(by_name) == {"ohss_enforcement_monthly", "mx_irregular_events_by_sex_age"}
    read = by_name["ohss_enforcement_monthly"]
    assert read["state"] == "read" and read["file"] == ohss.file and read["sha256"] == ohss.sha256
    assert read["months"] == ["2013-10", "2024-08"] and read["taken"] == "2026-11-23" and read["from"] == "../shared/data"
    assert by_name["mx_irregular_events_by_sex_age"]["state"] == "absent"

    html = provenance.block_html(facts, {"name": "2026.12", "date": "2026-12-01", "code": {"commit": None}})
    assert f"vintage <code>{ohss.file}</code>, 2013-10 to 2024-08, taken 2026-11-23 from ../shared/data" in html
    assert f"sha256 <code>{ohss.sha256}</code>" in html
    assert "(<code>mx_irregular_events_by_sex_age</code>): not available in this build" in html

    manifest = provenance.manifest(
        {"name": "2026.12", "date": "2026-12-01", "date_source": "given", "code": {}},
        [facts],
        root / "data" / "datapackage.json",
        root,
    )
    assert json.loads(json.dumps(manifest))["briefs"][0]["series"] == facts["series"]
