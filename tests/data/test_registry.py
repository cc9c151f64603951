"""Fetching the recorded vintages of the official series: mirror, HTTP, checksum refusal, status."""

from __future__ import annotations

import csv
import json
import time

import pytest

from briefs.cli.main import main
from briefs.data.official import registry
from briefs.data.official.pull import PullFailed, pull
from briefs.errors import DataError, FetchFailed, UsageError, exit_code
from snapshot_helpers import REPO, http_server, leftovers, make_mirror, make_project, replace_line, sha256, shared_data

OHSS = "ohss_enforcement_monthly"
SEX_AGE = "mx_irregular_events_by_sex_age"
# The file of each series' recorded vintage, as the committed description names it.
FILES = {r["name"]: r["path"] for r in json.loads((REPO / "data" / "external.json").read_text(encoding="utf-8"))["resources"]}


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.delenv("BRIEFS_EXTERNAL", raising=False)
    monkeypatch.delenv("BRIEFS_MIRROR", raising=False)
    for proxy in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(proxy, raising=False)  # the local test server must be reached directly
    return make_project(tmp_path)


@pytest.fixture
def mirror(tmp_path):
    return make_mirror(tmp_path)


def dest(root, name):
    return root / "data" / "external" / FILES[name]


def described(root, name):
    doc = json.loads((root / "data" / "external.json").read_text(encoding="utf-8"))
    return next(r for r in doc["resources"] if r["name"] == name)


# --- the description --------------------------------------------------------------


def test_description_records_the_shared_snapshots_exactly():
    """The committed hashes, sizes, months and columns are those of the mirror's files, for every series."""
    doc = json.loads((REPO / "data" / "external.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in doc["resources"]}
    assert set(resources) == {
        "us_sw_border_encounters",
        "cbp_sw_land_border_encounters",
        OHSS,
        "mx_irregular_events_by_nationality",
        SEX_AGE,
        "mx_deportations_and_returns",
    }
    for name, res in resources.items():
        path = shared_data() / res["path"]
        assert res["hash"] == f"sha256:{sha256(path)}", name
        assert res["bytes"] == path.stat().st_size, name
        with open(path, newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert [f["name"] for f in res["schema"]["fields"]] == header, name
        assert res["publisher"] and res["licenses"], name
        publisher_pages = [s["path"] for s in res["sources"] if s.get("role") == "publisher"]
        origins = [s for s in res["sources"] if s.get("role") != "publisher"]
        assert publisher_pages and all(p.startswith("https://") for p in publisher_pages), name
        assert origins and all(s.get("commit") and s["path"].startswith("https://github.com/") for s in origins), name
        snap = registry.snapshot(name, REPO)
        assert snap.names_a_vintage(res["path"]) and snap.patterns, name  # the recorded name fits its own patterns
        assert snap.taken and snap.origin, name  # the vintage says when and where it was taken
        assert (res["coverage"]["start"], res["coverage"]["end"]) == registry.coverage_of(
            registry.read_snapshot(path, snap), snap
        ), name
    # No file name fits two series: a mirror's file belongs to one series at most.
    snaps = registry.snapshots(REPO).values()
    for res in resources.values():
        assert [s.name for s in snaps if s.names_a_vintage(res["path"])] == [res["name"]]


# --- pulling from a mirror folder ---------------------------------------------------


def test_pull_from_mirror_places_every_snapshot_verified(root, mirror):
    report = pull(mirror=mirror, root=root)

    assert set(report.outcomes) == set(FILES) and not report.failures
    for name, file in FILES.items():
        assert dest(root, name).read_bytes() == (mirror / file).read_bytes()
    assert leftovers(root / "data" / "external") == []
    states = {s.name: (s.state, s.coverage) for s in registry.status(root)}
    # Coverage as the shared README states it, found from the files' own months.
    assert states["us_sw_border_encounters"] == ("verified", ("2017-10", "2024-12"))
    assert states[OHSS] == ("verified", ("2013-10", "2024-08"))
    assert states["cbp_sw_land_border_encounters"] == ("verified", ("2021-10", "2024-12"))
    assert states["mx_deportations_and_returns"] == ("verified", ("2015-01", "2024-12"))


def test_status_tells_a_newer_snapshot_from_a_damaged_one(root, mirror):
    pull([SEX_AGE, OHSS], mirror=mirror, root=root)
    with open(dest(root, SEX_AGE), "a", encoding="utf-8", newline="") as handle:
        handle.write("2025-01,male,18+,4000\n")
    replace_line(dest(root, OHSS), 5, lambda line: line.replace("3550", "-3550", 1))

    found = {s.name: s for s in registry.status(root)}

    assert (found[SEX_AGE].state, found[SEX_AGE].coverage) == ("checksum differs", ("2018-01", "2025-01"))
    assert found[OHSS].state == "invalid" and "row 6, column Repatriations:Administrative Returns" in found[OHSS].problem
    assert found["us_sw_border_encounters"].state == "absent"


def test_a_verified_file_is_not_fetched_again(root, mirror):
    pull([OHSS], mirror=mirror, root=root)
    before = dest(root, OHSS).stat().st_mtime_ns
    time.sleep(0.01)
    (mirror / FILES[OHSS]).unlink()  # a second fetch would now fail

    report = pull([OHSS], mirror=mirror, root=root)

    assert report.outcomes[OHSS] == "already verified"
    assert dest(root, OHSS).stat().st_mtime_ns == before


def test_checksum_mismatch_is_refused_and_the_existing_file_kept(root, mirror):
    pull([OHSS], mirror=mirror, root=root)
    good = dest(root, OHSS).read_bytes()
    replace_line(mirror / FILES[OHSS], 5, lambda line: line.replace("3550", "3560", 1))
    tampered = sha256(mirror / FILES[OHSS])

    with pytest.raises(DataError) as caught:
        pull([OHSS], mirror=mirror, root=root, force=True)

    message = str(caught.value)
    assert "\n" not in message
    assert FILES[OHSS] in message and "same months as the recorded vintage (2013-10 to 2024-08) but other bytes" in message
    assert f"sha256 {tampered[:12]}" in message and f"recorded {sha256(shared_data() / FILES[OHSS])[:12]}" in message
    assert "left untouched" in message
    assert dest(root, OHSS).read_bytes() == good
    assert leftovers(dest(root, OHSS).parent) == [] and not list(dest(root, OHSS).parent.glob(".incoming-*"))
    assert exit_code(caught.value) == 2


def test_checksum_mismatch_writes_nothing_when_the_file_was_absent(root, mirror):
    replace_line(mirror / FILES[SEX_AGE], 1, lambda line: line.replace(",273", ",274"))

    with pytest.raises(DataError, match="nothing written"):
        pull([SEX_AGE], mirror=mirror, root=root)

    assert not dest(root, SEX_AGE).exists()
    assert leftovers(dest(root, SEX_AGE).parent) == []


def test_a_file_missing_from_the_mirror_is_named_and_the_rest_pulled(root, mirror):
    (mirror / FILES[SEX_AGE]).unlink()

    with pytest.raises(DataError) as caught:
        pull(mirror=mirror, root=root)

    assert f"{FILES[SEX_AGE]}: not in the mirror" in str(caught.value)
    assert exit_code(caught.value) == 2
    present = {name for name in FILES if dest(root, name).is_file()}
    assert present == set(FILES) - {SEX_AGE}


def test_several_failures_are_all_listed(root, mirror):
    (mirror / FILES[SEX_AGE]).unlink()
    replace_line(mirror / FILES[OHSS], 5, lambda line: line.replace("3550", "3560", 1))

    with pytest.raises(PullFailed) as caught:
        pull(mirror=mirror, root=root)

    assert set(caught.value.report.failures) == {SEX_AGE, OHSS}
    assert FILES[SEX_AGE] in str(caught.value) and FILES[OHSS] in str(caught.value)
    assert exit_code(caught.value) == 2


def test_unknown_names_and_missing_mirror_are_usage_errors(root, mirror, tmp_path):
    with pytest.raises(UsageError, match="no official series named 'nope'"):
        pull(["nope"], mirror=mirror, root=root)
    with pytest.raises(UsageError, match="does not exist"):
        pull(mirror=tmp_path / "nowhere", root=root)


def test_a_series_without_an_address_asks_for_a_mirror(root):
    with pytest.raises(DataError, match=r"no download address .*--mirror"):
        pull([SEX_AGE], root=root)
    assert not dest(root, SEX_AGE).exists()


# --- pulling over HTTP ----------------------------------------------------------------


def test_download_from_a_local_http_server(root, mirror):
    with http_server(mirror) as base:
        urls = {name: f"{base}{file}" for name, file in FILES.items()}
        report = pull(root=root, urls=urls, timeout=10)

    assert set(report.outcomes) == set(FILES)
    for name, file in FILES.items():
        assert sha256(dest(root, name)) == sha256(mirror / file)
    assert all(s.state == "verified" for s in registry.status(root))


def test_an_http_mirror_and_an_http_error(root, mirror):
    with http_server(mirror) as base:
        pull([OHSS], mirror=base, root=root, timeout=10)
        with pytest.raises(FetchFailed) as caught:
            pull([SEX_AGE], root=root, urls={SEX_AGE: f"{base}missing.csv"}, timeout=10)

    assert dest(root, OHSS).read_bytes() == (mirror / FILES[OHSS]).read_bytes()
    assert "HTTP 404" in str(caught.value) and str(caught.value).startswith(f"{SEX_AGE}: {base}missing.csv")
    assert exit_code(caught.value) == 1
    assert not dest(root, SEX_AGE).exists()


def test_an_unreachable_server_fails_without_writing(root):
    with http_server(root) as base:  # learn a free port, then close the server
        pass
    with pytest.raises(FetchFailed, match="nothing replaced"):
        pull([OHSS], root=root, urls={OHSS: f"{base}x.csv"}, timeout=5)
    assert not dest(root, OHSS).exists() and leftovers(dest(root, OHSS).parent) == []


# --- the command line -----------------------------------------------------------------------


def test_cli_pull_and_status(root, mirror, monkeypatch, capsys):
    monkeypatch.setenv("BRIEFS_ROOT", str(root))

    assert main(["data", "pull", "--mirror", str(mirror), "--only", OHSS]) == 0
    assert main(["data", "status"]) == 0
    out = capsys.readouterr().out
    assert f"  {OHSS}: verified, 2013-10 to 2024-08\n    {FILES[OHSS]}, taken 2026-11-23 from ../shared/data\n" in out
    assert "  us_sw_border_encounters: absent, 2017-10 to 2024-12\n" in out

    replace_line(mirror / FILES[OHSS], 5, lambda line: line.replace("3550", "3560", 1))
    assert main(["data", "pull", "--mirror", str(mirror), "--only", OHSS, "--force"]) == 2
    assert "same months as the recorded vintage" in capsys.readouterr().err
    assert main(["data", "pull", "--mirror", str(root / "nowhere")]) == 2


def test_cli_mirror_defaults_to_the_environment(root, mirror, monkeypatch):
    monkeypatch.setenv("BRIEFS_ROOT", str(root))
    monkeypatch.setenv("BRIEFS_MIRROR", str(mirror))
    external = root / "elsewhere"
    monkeypatch.setenv("BRIEFS_EXTERNAL", str(external))

    assert main(["data", "pull", "--only", SEX_AGE]) == 0
    assert (external / FILES[SEX_AGE]).is_file()
    assert not (root / "data" / "external").exists()
