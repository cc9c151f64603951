"""`briefs validate`: every resource through the same loader a brief uses, all problems reported."""

from __future__ import annotations

import json
import shutil

import pytest

from briefs.cli.main import main
from briefs.data.package import load_package
from briefs.errors import DataError
from briefs.data.verdicts import validate


def test_every_committed_resource_is_valid(repo):
    verdicts = validate(package=repo / "data")
    assert [v.resource for v in verdicts] == load_package(repo / "data" / "datapackage.json").resource_names()
    assert all(v.ok and v.rows > 0 for v in verdicts), [v for v in verdicts if not v.ok]


def test_a_bad_cell_is_reported_and_the_others_still_checked(project, capsys, monkeypatch):
    csv = project / "data" / "inm_returns_by_sex.csv"
    csv.write_text(csv.read_text().replace("Men,", "Hombres,", 1))
    monkeypatch.chdir(project)
    verdicts = {v.resource: v for v in validate()}
    assert not verdicts["inm_returns_by_sex"].ok
    assert (
        "inm_returns_by_sex.csv: row 2, column sex: 'Hombres' is not a known category" in verdicts["inm_returns_by_sex"].problem
    )
    assert all(v.ok for name, v in verdicts.items() if name != "inm_returns_by_sex")

    assert main(["validate"]) == 2
    captured = capsys.readouterr()
    assert "invalid inm_returns_by_sex:" in captured.err and "\n" not in captured.err.strip()
    assert "documents: " in captured.out and "inm_returns_by_sex" not in captured.out


def test_only_the_named_resources_are_read(project, monkeypatch):
    (project / "data" / "inm_returns_by_age.csv").write_text("")
    monkeypatch.chdir(project)
    assert [v.resource for v in validate(["documents", "imumi_figures"])] == ["documents", "imumi_figures"]
    assert main(["validate", "imumi_figures"]) == 0
    assert main(["validate", "inm_returns_by_age"]) == 2


def test_an_unknown_resource_is_refused_before_anything_is_read(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    with pytest.raises(DataError, match="no resource named 'nope'"):
        validate(["documents", "nope"])
    assert main(["validate", "nope"]) == 2
    assert "known: documents" in capsys.readouterr().err


def test_a_package_elsewhere_can_be_checked(project, tmp_path, monkeypatch):
    candidate = tmp_path / "candidate"
    shutil.copytree(project / "data", candidate)
    descriptor = json.loads((candidate / "datapackage.json").read_text())
    for res in descriptor["resources"]:
        if res["name"] == "documents":
            res["hash"] = "sha256:" + "0" * 64
    (candidate / "datapackage.json").write_text(json.dumps(descriptor))
    monkeypatch.chdir(project)
    assert all(v.ok for v in validate())  # the project's own data are untouched
    bad = {v.resource: v for v in validate(package=candidate)}
    assert "but the data package declares" in bad["documents"].problem
    assert main(["validate", "--package", str(candidate), "imumi_figures"]) == 0
