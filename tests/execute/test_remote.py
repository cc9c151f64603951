"""Briefs on a Dask cluster that shares no disk: each worker gets the brief's text and the data as
bytes and works in its own folder; the notebooks that come back are the bytes local runs give.
One brief swept over two parameter sets, or over two vintages of the data kept in the project,
gives two results, each kept under its own name."""

from __future__ import annotations

import json

import pytest

from briefs.errors import UsageError
from briefs.execute.sweep import expand, run_sweep
from briefs.execute.variants import set_id
from conftest import copy_project, slow_fixture

BRIEF = "imumi-factsheet"
# Windows that still hold the 2023 declaration's (12 May to 30 September), as the brief requires.
WINDOWS = [{"start": "2023-05-11", "end": "2023-10-31"}, {"start": "2023-05-01", "end": "2023-10-31"}]
# What names each run: the parameters that differ from the brief's defaults (start 2023-05-11, end 2023-11-24).
OWN = [{"end": "2023-10-31"}, {"start": "2023-05-01", "end": "2023-10-31"}]


@pytest.fixture(scope="module")
@slow_fixture
def cluster(tmp_path_factory):
    distributed = pytest.importorskip("distributed", reason="LOUD SKIP: dask.distributed is not installed")
    elsewhere = tmp_path_factory.mktemp("workers")  # the workers' own disk
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", local_directory=str(elsewhere)
    ) as local:
        yield local.scheduler_address, elsewhere


def test_a_cluster_without_the_project_builds_the_book_with_local_bytes(cluster, built_project, tmp_path):
    from briefs.book.build import build_book

    address, elsewhere = cluster
    root = copy_project(tmp_path / "project")  # the same inputs as built_project, which ran here
    result = build_book(root, scheduler=address, pdf=False)
    assert result.ok, result.failures
    local = built_project.root / "build" / "runs"
    names = sorted(p.name for p in local.glob("*.ipynb"))
    assert names and sorted(p.name for p in (root / "build" / "runs").glob("*.ipynb")) == names
    for name in names:
        assert (root / "build" / "runs" / name).read_bytes() == (local / name).read_bytes(), f"{name} differs from a local run"
    assert (root / "build" / "html" / "briefs" / f"{BRIEF}.html").exists()
    # The briefs ran in the workers' own folders, from the bytes they were sent.
    # (A worker's folder keeps only the brief it ran last, whichever that was.)
    worked_in = {p.parent.parent for p in elsewhere.rglob("briefs-*/project/notebooks/*.md")}
    assert worked_in and all(str(root) not in str(p) for p in worked_in)
    # And the cache took them as local runs: nothing runs again.
    again = build_book(root, scheduler=address, pdf=False)
    assert again.runs == [] and len(again.unchanged) == len(names)


def test_a_sweep_keeps_one_result_per_parameter_set(cluster, tmp_path):
    address, _ = cluster
    root = copy_project(tmp_path / "project")
    result = run_sweep(BRIEF, WINDOWS, root, scheduler=address)
    assert result.ok, result.failures
    ids = [f"{BRIEF}@{set_id(p)}" for p in OWN]
    assert sorted(result.runs) == sorted(ids)
    notebooks = [root / "build" / "variants" / f"{ident}.ipynb" for ident in ids]
    first, second = (path.read_bytes() for path in notebooks)
    assert first != second
    for path, own in zip(notebooks, OWN):
        assert json.loads(path.read_text())["metadata"]["briefs"]["parameters"] == own
    index = json.loads((root / "build" / "variants" / "index.json").read_text())
    assert {ident: index[ident]["parameters"] for ident in ids} == dict(zip(ids, OWN))
    assert not (root / "build" / "runs" / f"{BRIEF}.ipynb").exists()  # the book's run is another one
    # Each set has its own cache record: a second sweep runs nothing, a new set runs alone.
    again = run_sweep(BRIEF, [*WINDOWS, {"start": "2023-06-01", "end": "2023-10-31"}], root, workers=1)
    assert sorted(again.unchanged) == sorted(ids) and len(again.runs) == 1


def test_sweep_values_make_every_combination():
    sets = expand({"strict": "false"}, ["start=2023-06-01,2023-07-01", "end=2023-10-31"])
    assert sets == [
        {"strict": "false", "start": "2023-06-01", "end": "2023-10-31"},
        {"strict": "false", "start": "2023-07-01", "end": "2023-10-31"},
    ]
    assert set_id(sets[0]) != set_id(sets[1]) and set_id(dict(reversed(list(sets[0].items())))) == set_id(sets[0])


@pytest.mark.parametrize("spec", ["start", "start=", "start=a,,b", "=x", "strict=true"])
def test_a_malformed_sweep_is_refused(spec):
    with pytest.raises(UsageError, match="--sweep"):
        expand({"strict": "false"}, [spec])


def test_unknown_parameters_are_refused_before_anything_runs(project):
    with pytest.raises(UsageError, match="no parameter 'colour'"):
        run_sweep(BRIEF, [{"colour": "red"}], project)
    assert not (project / "build").exists()


def test_a_sweep_over_two_vintages_of_the_data_gives_two_results(cluster, tmp_path):
    """The data as published, and a later vintage of it kept beside it in the project (one figure
    revised), each run on the cluster's workers: two results, each from its own bytes."""
    import shutil

    address, _ = cluster
    root = copy_project(tmp_path / "project")
    later = shutil.copytree(root / "data", root / "vintages" / "later", ignore=shutil.ignore_patterns("external"))
    revised = later / "inm_returns_by_sex.csv"
    text = revised.read_text(encoding="utf-8")
    assert "Men,2150" in text
    revised.write_text(text.replace("Men,2150", "Men,2151", 1), encoding="utf-8")
    sets = [{"data_package": "data/datapackage.json"}, {"data_package": "vintages/later/datapackage.json"}]
    result = run_sweep(BRIEF, sets, root, scheduler=address)
    assert result.ok, result.failures
    ids = [f"{BRIEF}@{set_id(p)}" for p in sets]
    assert sorted(result.runs) == sorted(ids) and len(set(ids)) == 2
    published, revision = (root / "build" / "variants" / f"{ident}.ipynb" for ident in ids)
    assert published.read_bytes() != revision.read_bytes()
    assert "2,151" in revision.read_text() and "2,151" not in published.read_text()
    # Named by its absolute path, the package would not be found on a worker, whose copy of the
    # project is elsewhere: refused, saying how to name it.
    with pytest.raises(UsageError, match="relative to the project folder"):
        run_sweep(BRIEF, [{"data_package": str(later / "datapackage.json")}], root, scheduler=address, force=True)


def test_the_folder_sent_for_a_data_package_is_its_own_inside_the_project(tmp_path):
    import os

    from briefs.execute.remote import package_folder

    root = tmp_path / "project"
    for folder in ("data", "vintages/later"):
        (root / folder).mkdir(parents=True)
        (root / folder / "datapackage.json").write_text("{}")
    (root / "datapackage.json").write_text("{}")
    os.symlink("later", root / "vintages" / "current")
    assert package_folder(root, "data/datapackage.json") is None  # sent with data/ already
    assert package_folder(root, "vintages/later/datapackage.json") == "vintages/later"
    assert package_folder(root, "vintages/later") == "vintages/later"
    assert package_folder(root, "vintages/current/datapackage.json") == "vintages/current"  # where the brief opens it
    for refused, why in [
        ("datapackage.json", "not in a folder of its own"),  # would send the whole project
        ("data/../datapackage.json", "not in a folder of its own"),
        (str(root / "vintages" / "later"), "relative to the project folder"),
        (str(tmp_path / "elsewhere" / "datapackage.json"), "outside the project"),
    ]:
        with pytest.raises(UsageError, match=why):
            package_folder(root, refused)
