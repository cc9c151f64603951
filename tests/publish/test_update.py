"""`briefs data update`: newer vintages from a local HTTP server, exactly the affected briefs re-run, a report.

The project holds three small briefs (fast to run): one reads the OHSS table,
one reads UPM's events by sex and age, one reads no series. Its recorded
vintages are the mirror's files cut after June 2024, under the names an earlier
release had; the server on 127.0.0.1 holds the mirror's full files, which are
therefore newer (see `vintage_helpers`: no number here is made up). The OHSS
brief claims the table reaches August 2024: contradicted on the recorded
vintage, holding on the new one, so bringing in that vintage flips an argument.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from briefs.cli.main import main
from briefs.data.official import registry
from briefs.publish.update import update
from briefs.errors import UPDATE_CHANGED, UPDATE_FLIPPED, UPDATE_NOTHING_NEW
from briefs.project.paths import run_path as output_path
from briefs.media import SOURCES_MIME
from conftest import copy_project
from snapshot_helpers import http_server
from vintage_helpers import isolate, newer_mirror, record_older

OHSS = "ohss_enforcement_monthly"
SEX_AGE = "mx_irregular_events_by_sex_age"
OLD_OHSS = "ohss_enforcement_monthly_fy2014_2024jun.csv"

BRIEF = """---
jupytext:
  text_representation: {{extension: .md, format_name: myst}}
kernelspec: {{name: python3, display_name: Python 3, language: python}}
briefs: {{title: {title}, document: "000", order: {order}, summary: A small brief for the update tests.}}
---
# {title}

```{{code-cell}} ipython3
:tags: [parameters]
data_package = ""
```

```{{code-cell}} ipython3
from briefs.page import claims, sources
from briefs.data.package import load_package
from briefs.data.official import series
pkg = load_package(data_package or None)
ledger = claims.Ledger("{name}")
ledger.claim("documents", "Five documents", len(pkg.table("documents")), claims.equal(), published=5)
{body}
ledger.show()
sources.show(pkg, "000")
```
"""

READS_OHSS = """frame = series.load("ohss_enforcement_monthly")
last = series.months("ohss_enforcement_monthly", frame).max()
ledger.claim("reaches_august", "The table reaches August 2024", last.year * 100 + last.month, claims.at_least(202408), fmt="{:.0f}")"""
READS_SEX_AGE = """frame = series.load("mx_irregular_events_by_sex_age")
ledger.glue("events", int(frame["events"].sum()))"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    isolate(monkeypatch)
    root = copy_project(tmp_path / "project")
    for path in (root / "notebooks").glob("*.md"):
        path.unlink()
    for order, (name, body) in enumerate([("reads-ohss", READS_OHSS), ("reads-sex-age", READS_SEX_AGE), ("reads-none", "")], 1):
        (root / "notebooks" / f"{name}.md").write_text(BRIEF.format(name=name, title=name, order=order, body=body))
    record_older(root, [OHSS, SEX_AGE], renamed={OHSS: OLD_OHSS})
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def server(tmp_path):
    with http_server(newer_mirror(tmp_path / "publisher", [OHSS, SEX_AGE])) as base:
        yield base


def series_read(root, brief):
    nb = nbformat.read(output_path(brief, root), as_version=4)
    record = next(
        o["data"][SOURCES_MIME] for c in nb.cells if c.cell_type == "code" for o in c.outputs if SOURCES_MIME in o.get("data", {})
    )
    return {s["name"]: s for s in record["series"]}


@pytest.mark.slow
def test_update_reruns_exactly_the_affected_briefs_and_reports(project, server, monkeypatch):
    root = project
    # 1. One series, published under a new name: its reader (only) runs again, and its argument flips.
    result = update([OHSS], mirror=server, root=root, workers=1, timeout=10, today="2026-12-01")

    assert result.new_vintages == [OHSS]
    assert result.rerun == ["reads-ohss"] and result.not_rerun == ["reads-none", "reads-sex-age"]
    assert [(f.brief, f.claim, f.old, f.new) for f in result.flips] == [("reads-ohss", "reaches_august", "contradicted", "holds")]
    assert result.exit_status == UPDATE_FLIPPED
    assert series_read(root, "reads-ohss")[OHSS]["file"] == "ohss_enforcement_monthly_fy2014_2024aug.csv"  # the new file is read
    assert series_read(root, "reads-ohss")[OHSS]["months"] == ["2013-10", "2024-08"]
    report = result.report.read_text(encoding="utf-8")
    assert report == result.markdown and result.report == root / "build" / "update" / "report.md"
    assert (
        f"| `{OHSS}` | `{OLD_OHSS}`, 2013-10 to 2024-06 | `ohss_enforcement_monthly_fy2014_2024aug.csv`, 2013-10 to 2024-08 |"
        in report
    )
    assert "**1 claim(s) changed verdict**" in report and "## Claims that changed verdict" in report
    assert "| `reads-ohss` | `reaches_august` | The table reaches August 2024 | contradicted | **holds** |" in report
    assert f"- `{OHSS}`: no revision." in report
    assert "Ran again: `reads-ohss`." in report and "`reads-none`, `reads-sex-age`" in report

    # 2. The other series, through the command line: numbers move, no argument flips.
    monkeypatch.setenv("BRIEFS_ROOT", str(root))
    assert main(["data", "update", "--mirror", server, "--jobs", "1", "--report", "pr.md"]) == UPDATE_CHANGED
    report = (root / "pr.md").read_text(encoding="utf-8")
    assert "Ran again: `reads-sex-age`." in report and "Numbers on the pages changed; no claim changed verdict." in report
    assert "Glued value events" in report, report  # the glued total moved (no paragraph shows it), and the report says so
    assert "Claims that changed verdict" not in report

    # 3. Nothing newer: nothing runs, nothing is written.
    description = registry.description_path(root).read_bytes()
    assert main(["data", "update", "--mirror", server, "--jobs", "1"]) == UPDATE_NOTHING_NEW
    assert registry.description_path(root).read_bytes() == description
    doc = json.loads(description)
    assert {r["name"]: r["vintage"]["taken"] for r in doc["resources"] if r["name"] in (OHSS, SEX_AGE)}[OHSS] == "2026-12-01"


def test_update_without_running_only_records(project, server):
    result = update(mirror=server, root=project, run=False, timeout=10)
    assert sorted(result.new_vintages) == sorted([OHSS, SEX_AGE]) and not result.ran and result.rerun == []
    assert "The briefs were not run" in result.markdown
    assert not output_path("reads-ohss", project).exists()
    assert result.exit_status == UPDATE_CHANGED
