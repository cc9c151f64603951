"""An edition's data archive: refused when it is not one, and never run on other series than it used.

The archive of two real editions, and `briefs check --package` on it, are tested with the
editions themselves in test_release.py; these are the refusals, which need no brief to run.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from briefs.cli.main import main
from briefs.errors import UsageError
from briefs.publish import archive


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "files, says",
    [
        ({"README.txt": b"x"}, "expected one folder holding data/ and outputs/"),
        ({"a/data/datapackage.json": b"{}", "b/outputs/x/claims.csv": b"id\n"}, "expected one folder"),
        ({"top/data/datapackage.json": b"{}"}, "no data/datapackage.json or no outputs/"),
        ({"top/data/datapackage.json": b"{}", "top/outputs/x.csv": b"", "top/../evil": b""}, "unsafe path"),
    ],
)
def test_what_is_not_an_edition_archive_is_refused_in_one_line(tmp_path, files, says):
    path = _zip(tmp_path / "a.zip", files)
    with pytest.raises(UsageError) as err:
        archive.read(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value) and says in str(err.value)


def test_a_file_that_is_no_zip_exits_2_naming_it(tmp_path, project, monkeypatch, capsys):
    bad = tmp_path / "data.zip"
    bad.write_text("not a zip", encoding="utf-8")
    monkeypatch.chdir(project)
    assert main(["check", "--package", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err.replace("\n", "") and "not a readable zip archive" in err


def _edition_archive(tmp_path: Path, series_sha: str) -> Path:
    inputs = {"b": {"data/datapackage.json": "0" * 64, "data/external/s.csv": series_sha}}
    return archive.write(
        tmp_path / "e.zip",
        "1.0",
        {
            "data/datapackage.json": b"{}",
            "outputs/b/claims.csv": b"id\n",
            "inputs.json": json.dumps(inputs).encode(),
        },
    )


def test_the_check_refuses_to_run_on_another_vintage_of_a_series_than_the_edition_read(tmp_path, project):
    series = b"month,n\n2024-01,1\n"
    (project / "data" / "external").mkdir(exist_ok=True)
    (project / "data" / "external" / "s.csv").write_bytes(series)
    sha = hashlib.sha256(series).hexdigest()
    # Recorded in the project under another hash: a later vintage. The check stops before running anything.
    description = json.loads((project / "data" / "external.json").read_text(encoding="utf-8"))
    description["resources"].append({"name": "s", "path": "s.csv", "hash": "sha256:" + "f" * 64})
    (project / "data" / "external.json").write_text(json.dumps(description), encoding="utf-8")
    with pytest.raises(UsageError, match=f"read official series file s.csv with sha256 {sha}, but this project's"):
        archive.check(_edition_archive(tmp_path, sha), project)
    # Recorded with its hash but not on disk: it says where to get it.
    description["resources"][-1]["hash"] = "sha256:" + "a" * 64
    (project / "data" / "external.json").write_text(json.dumps(description), encoding="utf-8")
    with pytest.raises(UsageError, match="no such file in .*: fetch it with `briefs data pull`"):
        archive.check(_edition_archive(tmp_path, "a" * 64), project)
