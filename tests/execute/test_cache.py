"""The data-aware cache and parallel runs: only briefs whose inputs changed are executed."""

from __future__ import annotations

import os

import pytest

from briefs.execute import cache, readback
from briefs.project import catalog
from briefs.execute.schedule import run_briefs

pytestmark = pytest.mark.slow  # every test here runs briefs

TINY = """---
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
"""


SEX = (
    TINY.replace("tiny", "sexes")
    .replace("Tiny", "Sexes")
    .replace('docs = pkg.table("documents")', 'docs = pkg.table("documents")\nsex = pkg.table("inm_returns_by_sex")')
)


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
    """Which briefs run is decided before any is handed out, so by default they run here, one after
    the other in this process's warm kernel, rather than in a pool that starts a process and a
    kernel per core on every call; a test about the pool asks for one (`workers=2`)."""
    states = {}
    kwargs.setdefault("workers", 1)
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
    nb.write_text(
        nb.read_text().replace(
            'docs = pkg.table("documents")',
            'docs = pkg.table("documents")\nfrom briefs.data.official import series\nohss = series.load("ohss_enforcement_monthly")',
        )
    )
    assert run(root)[0] == ["sexes", "tiny"]
    assert run(root)[0] == []
    from conftest import SHARED_DATA
    import shutil

    if not SHARED_DATA.is_dir():
        pytest.skip(f"SERIES CHECK NOT TESTED: no mirror of the official series at {SHARED_DATA}")

    shutil.copyfile(
        SHARED_DATA / "ohss_enforcement_monthly_fy2014_2024aug.csv", external / "ohss_enforcement_monthly_fy2014_2024aug.csv"
    )
    assert run(root)[0] == ["tiny"]


def test_changing_the_helper_library_reruns_all(two_briefs, monkeypatch):
    root = two_briefs
    run(root)
    monkeypatch.setattr(cache, "library_digest", lambda: "another library")
    assert run(root)[0] == ["sexes", "tiny"]


def test_a_failed_brief_is_rerun_next_time_and_others_finish(two_briefs):
    """In a pool of two workers, as a build runs them: a brief that fails leaves the other to finish."""
    root = two_briefs
    run(root, workers=2)
    nb = root / "notebooks" / "tiny.md"
    good = nb.read_text()
    nb.write_text(good.replace('docs = pkg.table("documents")', 'docs = pkg.table("documents")\nraise RuntimeError("boom")'))
    runs, failures, _ = run(root, workers=2)
    assert runs == [] and list(failures) == ["tiny"] and "RuntimeError: boom" in failures["tiny"]
    nb.write_text(good)  # back to the text of the last successful run
    assert run(root)[0] == ["tiny"], "a brief whose last run failed must run again"


def test_dask_distributed_executor_runs_the_briefs(two_briefs):
    distributed = pytest.importorskip("distributed", reason="LOUD SKIP: dask.distributed is not installed")
    root = two_briefs
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as client:
            runs, failures, _ = run(root, executor=client.get_executor())
    assert runs == ["sexes", "tiny"] and failures == {}


# --- precise inputs: one figures file, one series entry ------------------------------------------


def quoting(name: str, title: str, figure: str) -> str:
    return (
        TINY.replace("tiny", name)
        .replace("Tiny", title)
        .replace('docs = pkg.table("documents")', f'docs = pkg.table("documents")\nfigure = pkg.figure("{figure}")')
    )


@pytest.fixture()
def figure_readers(tmp_path):
    """Two small briefs, each quoting one figure from a different figures file."""
    from conftest import copy_project

    root = copy_project(tmp_path / "project")
    for path in (root / "notebooks").glob("*.md"):
        path.unlink()
    (root / "notebooks" / "quotes-imumi.md").write_text(quoting("quotes-imumi", "Quotes IMUMI", "inm_returns_total_text"))
    (root / "notebooks" / "quotes-mpi.md").write_text(quoting("quotes-mpi", "Quotes MPI", "mpi_new_reality_since"))
    return root


def test_a_brief_depends_only_on_the_figures_files_it_read(figure_readers):
    import nbformat

    root = figure_readers
    assert run(root)[0] == ["quotes-imumi", "quotes-mpi"]
    inputs = readback.inputs(nbformat.read(root / "build" / "runs" / "quotes-mpi.ipynb", as_version=4))
    figures = sorted(p for p in inputs if p.endswith("_figures.csv"))
    assert figures == ["data/mpi_figures.csv"]
    # Editing one figures file re-runs its reader only; a file neither reads re-runs nobody.
    mpi = root / "data" / "mpi_figures.csv"
    mpi.write_text(mpi.read_text().replace("Year from which", "The year from which", 1))
    assert run(root)[0] == ["quotes-mpi"]
    cilp = root / "data" / "cilp_colmex_figures.csv"
    cilp.write_text(cilp.read_text().replace("moving migration control outward", "moving migration controls outward", 1))
    assert run(root) == ([], {}, ["quotes-imumi", "quotes-mpi"])
    imumi = root / "data" / "imumi_figures.csv"
    imumi.write_text(imumi.read_text().replace("INM answer to", "INM's answer to", 1))
    assert run(root)[:2] == (["quotes-imumi"], {})


def test_a_new_vintage_of_one_series_reruns_only_its_readers(two_briefs, monkeypatch):
    """Each reader depends on its series' entry in data/external.json, not on the whole file."""
    import json

    root = two_briefs
    monkeypatch.setenv("BRIEFS_EXTERNAL", str(root / "external"))  # absent series: the entry still counts
    for name, series_name in (("tiny", "ohss_enforcement_monthly"), ("sexes", "mx_irregular_events_by_sex_age")):
        nb = root / "notebooks" / f"{name}.md"
        nb.write_text(
            nb.read_text().replace(
                'docs = pkg.table("documents")',
                f'docs = pkg.table("documents")\nfrom briefs.data.official import series\nx = series.load("{series_name}")',
            )
        )
    assert run(root)[0] == ["sexes", "tiny"]
    description = root / "data" / "external.json"
    doc = json.loads(description.read_text())
    res = next(r for r in doc["resources"] if r["name"] == "ohss_enforcement_monthly")
    res["path"] = "ohss_enforcement_monthly_fy2014_2024sep.csv"  # a vintage under a new name, not fetched here
    description.write_text(json.dumps(doc, indent=2))
    assert run(root)[0] == ["tiny"]
    res = next(r for r in doc["resources"] if r["name"] == "us_sw_border_encounters")
    res["title"] = "Another title"  # a series neither brief reads
    description.write_text(json.dumps(doc, indent=2))
    assert run(root)[0] == []


def test_a_book_with_pdfs_is_not_the_book_without(repo):
    """Pages link their PDFs only when they are printed: a build with PDFs after one without recompiles."""
    assert cache.book_key(repo, {}, pdf=True) != cache.book_key(repo, {}, pdf=False)
    assert cache.book_key(repo, {}, pdf=True) == cache.book_key(repo, {}, pdf=True)
