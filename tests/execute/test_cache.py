"""The data-aware cache and parallel runs: only briefs whose inputs changed are executed."""

from __future__ import annotations

import os

import pytest

from briefs.execute import cache
from briefs.project import catalog
from briefs.execute.schedule import run_briefs

pytestmark = pytest.mark.slow  # every test here runs briefs

TINY = '''---
jupytext:
  formats: md:myst
  text_representation: {extension: .md, format_name: myst}
kernelspec: {name: python3, display_name: Python 3, language: python}
briefs: {title: Tiny, document: "000", order: 9, summary: A brief that reads only the documents list.}
---
# Tiny

```{code-cell} ipython3
:tags: [parameters]
data_package = ""
```

```{code-cell} ipython3
from briefs.page import claims, sources
from briefs.data.package import load_package
pkg = load_package(data_package or None)
docs = pkg.table("documents")
ledger = claims.Ledger("tiny")
ledger.claim("documents", "Five documents", len(docs), claims.equal(), published=5)
ledger.show()
sources.show(pkg, "000")
```
'''


SEX = TINY.replace("tiny", "sexes").replace("Tiny", "Sexes").replace(
    'docs = pkg.table("documents")', 'docs = pkg.table("documents")\nsex = pkg.table("inm_returns_by_sex")')


@pytest.fixture()
def two_briefs(tmp_path):
    """Two small briefs (fast to run) with different data inputs: one reads more than the other."""
    from conftest import copy_project

    root = copy_project(tmp_path / "project")
    for path in (root / "notebooks").glob("*.md"):
        path.unlink()
    (root / "notebooks" / "tiny.md").write_text(TINY)
    (root / "notebooks" / "sexes.md").write_text(SEX)
    return root


def run(root, **kwargs):
    states = {}
    runs, failures, unchanged = run_briefs(catalog.discover(root), root, progress=states.__setitem__, **kwargs)
    return sorted(r.brief for r in runs), failures, sorted(unchanged)


def test_cache_reruns_only_what_changed(two_briefs):
    root = two_briefs
    assert run(root) == (["sexes", "tiny"], {}, [])
    # Nothing changed: nothing executes.
    assert run(root) == ([], {}, ["sexes", "tiny"])
    # A touched but identical file is not a change (content hashes, not mtimes).
    data = root / "data" / "inm_returns_by_sex.csv"
    os.utime(data, (1, 1))
    assert run(root)[0] == []
    # A data file only one brief reads re-runs only that brief.
    data.write_text(data.read_text().replace("Men,2150", "Men,2151"))
    assert run(root)[0] == ["sexes"]
    # A file both read re-runs both.
    docs = root / "data" / "documents.csv"
    docs.write_text(docs.read_text().replace("Migration Policy Institute,2025", "Migration Policy Institute (MPI),2025"))
    assert run(root)[0] == ["sexes", "tiny"]
    # Editing a notebook re-runs that brief.
    nb = root / "notebooks" / "tiny.md"
    nb.write_text(nb.read_text().replace("Five documents", "Five source documents"))
    assert run(root)[0] == ["tiny"]
    # --force re-runs everything.
    assert run(root, force=True)[0] == ["sexes", "tiny"]


def test_fetching_an_absent_series_reruns_the_briefs_that_wanted_it(two_briefs, monkeypatch):
    root = two_briefs
    external = root / "external"
    external.mkdir()
    monkeypatch.setenv("BRIEFS_EXTERNAL", str(external))
    nb = root / "notebooks" / "tiny.md"
    nb.write_text(nb.read_text().replace('docs = pkg.table("documents")', 'docs = pkg.table("documents")\nfrom briefs.data.official import series\nohss = series.load("ohss_enforcement_monthly")'))
    assert run(root)[0] == ["sexes", "tiny"]
    assert run(root)[0] == []
    from conftest import SHARED_DATA
    import shutil

    if not SHARED_DATA.is_dir():
        pytest.skip(f"SERIES CHECK NOT TESTED: no mirror of the official series at {SHARED_DATA}")

    shutil.copyfile(SHARED_DATA / "ohss_enforcement_monthly_fy2014_2024aug.csv", external / "ohss_enforcement_monthly_fy2014_2024aug.csv")
    assert run(root)[0] == ["tiny"]


def test_changing_the_helper_library_reruns_all(two_briefs, monkeypatch):
    root = two_briefs
    run(root)
    monkeypatch.setattr(cache, "library_digest", lambda: "another library")
    assert run(root)[0] == ["sexes", "tiny"]


def test_a_failed_brief_is_rerun_next_time_and_others_finish(two_briefs):
    root = two_briefs
    run(root)
    nb = root / "notebooks" / "tiny.md"
    good = nb.read_text()
    nb.write_text(good.replace('docs = pkg.table("documents")', 'docs = pkg.table("documents")\nraise RuntimeError("boom")'))
    runs, failures, _ = run(root)
    assert runs == [] and list(failures) == ["tiny"] and "RuntimeError: boom" in failures["tiny"]
    nb.write_text(good)  # back to the text of the last successful run
    assert run(root)[0] == ["tiny"], "a brief whose last run failed must run again"


def test_dask_distributed_executor_runs_the_briefs(two_briefs):
    distributed = pytest.importorskip("distributed", reason="LOUD SKIP: dask.distributed is not installed")
    root = two_briefs
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            runs, failures, _ = run(root, executor=client.get_executor())
    assert runs == ["sexes", "tiny"] and failures == {}
