"""Newer vintages of the official series: found under new names, checked, compared, recorded all or nothing.

No test here invents a number. A *newer* vintage is the shared mirror's file as
it is; the project first records an *older* one, which is that same file cut
after June 2024 (`vintage_helpers.record_older`), so that bringing in the mirror's
file moves the series from 2024-06 to its real last month. A revision is made by
editing one cell of the newer copy, which is what a publisher's revision is.
"""

from __future__ import annotations

import json
import re

import pytest

from briefs.cli.main import main
from briefs.data.official import registry, series, vintage
from briefs.data.official.pull import PullFailed, pull
from briefs.errors import DataError, UsageError, exit_code
from snapshot_helpers import http_server, make_project, replace_line, sha256, shared_data
from vintage_helpers import THROUGH, isolate, newer_mirror, record_older

CBP = "cbp_sw_land_border_encounters"
OHSS = "ohss_enforcement_monthly"
SEX_AGE = "mx_irregular_events_by_sex_age"
OLD_CBP = "cbp_sw_land_border_encounters_fy22_fy24jun.csv"  # the name an earlier CBP release would have had
NEW_CBP = "cbp_sw_land_border_encounters_fy22_fy25dec.csv"  # the mirror's file: the publisher renamed it


@pytest.fixture
def root(tmp_path, monkeypatch):
    isolate(monkeypatch)
    root = make_project(tmp_path)
    record_older(root, [CBP, OHSS, SEX_AGE], renamed={CBP: OLD_CBP})
    return root


@pytest.fixture
def mirror(tmp_path):
    return newer_mirror(tmp_path / "newer", [CBP, OHSS, SEX_AGE])


def described(root, name):
    doc = json.loads(registry.description_path(root).read_text(encoding="utf-8"))
    return next(r for r in doc["resources"] if r["name"] == name)


def external(root):
    return root / "data" / "external"


# --- a newer vintage under a new name ---------------------------------------------------


def test_the_older_vintages_are_recorded_and_verified(root):
    states = {s.name: (s.state, s.declared, s.file) for s in registry.status(root)}
    assert states[CBP] == ("verified", ("2021-10", THROUGH), OLD_CBP)
    assert states[OHSS] == ("verified", ("2013-10", THROUGH), "ohss_enforcement_monthly_fy2014_2024aug.csv")


def test_a_renamed_newer_vintage_is_brought_in_with_one_command_and_read(root, mirror, monkeypatch):
    monkeypatch.setenv("BRIEFS_ROOT", str(root))
    old_cbp_bytes = (external(root) / OLD_CBP).read_bytes()

    assert main(["data", "update", "--mirror", str(mirror), "--only", CBP, "--no-run"]) == 4

    res = described(root, CBP)
    assert res["path"] == NEW_CBP
    assert res["hash"] == f"sha256:{sha256(mirror / NEW_CBP)}" and res["bytes"] == (mirror / NEW_CBP).stat().st_size
    assert (res["coverage"]["start"], res["coverage"]["end"]) == ("2021-10", "2024-12")
    assert res["vintage"]["from"] == "../newer" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", res["vintage"]["taken"])
    assert res["url"] is None and all(s["role"] == "publisher" for s in res["sources"])  # the old copy's record is gone
    # The series is read from its new file, under the name data/external.json gives it.
    assert series.path_of(CBP, root).name == NEW_CBP
    frame = series.load(CBP, root)
    assert series.months(CBP, frame, root).max().strftime("%Y-%m") == "2024-12"
    # The superseded file is archived, not left beside the new one; status is clean.
    assert not (external(root) / OLD_CBP).exists()
    assert (registry.superseded_dir(root) / OLD_CBP).read_bytes() == old_cbp_bytes
    assert registry.strays(root) == []
    assert {s.name: s.state for s in registry.status(root)}[CBP] == "verified"
    # The other series were not touched.
    assert described(root, OHSS)["coverage"]["end"] == THROUGH


def test_the_same_vintage_again_is_nothing_new(root, mirror):
    vintage.bring_in([OHSS], mirror=mirror, root=root, today="2026-12-01")
    before = registry.description_path(root).read_bytes()

    plan = vintage.bring_in([OHSS], mirror=mirror, root=root, today="2026-12-02")

    assert plan.changes == {} and plan.kept[OHSS] == "already the recorded vintage"
    assert registry.description_path(root).read_bytes() == before


def test_the_newest_of_several_files_is_taken(root, mirror, tmp_path):
    """A folder holding an older and a newer file of the same series: the one reaching the latest month wins."""
    (mirror / OLD_CBP).write_bytes((external(root) / OLD_CBP).read_bytes())
    plan = vintage.bring_in([CBP], mirror=mirror, root=root, today="2026-12-01")
    assert plan.changes[CBP].file == NEW_CBP


def test_a_file_named_on_the_command_line_is_taken_whatever_its_name(root, mirror, tmp_path):
    renamed = tmp_path / "download.csv"
    renamed.write_bytes((mirror / "ohss_enforcement_monthly_fy2014_2024aug.csv").read_bytes())

    plan = vintage.bring_in(files={OHSS: str(renamed)}, root=root, today="2026-12-01")

    assert list(plan.changes) == [OHSS] and described(root, OHSS)["path"] == "download.csv"
    assert series.load(OHSS, root) is not None
    with pytest.raises(UsageError, match="no such file"):
        vintage.bring_in(files={OHSS: str(tmp_path / "nope.csv")}, root=root)


# --- all or nothing ---------------------------------------------------------------------


def test_a_failed_update_leaves_the_description_byte_identical(root, mirror, monkeypatch):
    """One good newer vintage and one that breaks its schema: neither is recorded, nothing moves."""
    replace_line(mirror / "mx_irregular_events_by_sex_age_monthly.csv", 3, lambda line: line.replace("female", "femme"))
    description = registry.description_path(root).read_bytes()
    folder = sorted((p.name, p.read_bytes()) for p in external(root).iterdir())

    with pytest.raises(vintage.VintageRefused) as caught:
        vintage.bring_in(mirror=mirror, root=root)

    message = str(caught.value)
    assert "\n" not in message and "data/external.json unchanged" in message
    assert re.search(r"mx_irregular_events_by_sex_age_monthly\.csv: row 4, column sex: 'femme' is not a known category", message)
    assert exit_code(caught.value) == 2
    assert registry.description_path(root).read_bytes() == description
    assert sorted((p.name, p.read_bytes()) for p in external(root).iterdir()) == folder  # no staging left, nothing moved

    monkeypatch.setenv("BRIEFS_ROOT", str(root))
    assert main(["data", "update", "--mirror", str(mirror), "--no-run"]) == 2
    assert registry.description_path(root).read_bytes() == description


def test_a_failure_while_recording_puts_everything_back(root, mirror, monkeypatch):
    """A crash between moving files in and writing the description: the folder is as it was."""
    description = registry.description_path(root).read_bytes()
    folder = sorted((p.name, p.read_bytes()) for p in external(root).iterdir() if p.is_file())

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(vintage.atomic, "write_text", broken)
    with pytest.raises(OSError, match="disk full"):
        vintage.bring_in(mirror=mirror, root=root)

    assert registry.description_path(root).read_bytes() == description
    assert sorted((p.name, p.read_bytes()) for p in external(root).iterdir() if p.is_file()) == folder
    assert [s.state for s in registry.status(root) if s.name in (CBP, OHSS, SEX_AGE)] == ["verified"] * 3


# --- revisions ---------------------------------------------------------------------------


def test_a_revised_month_is_reported_as_a_finding(root, mirror):
    # OHSS's March 2024 row (calendar year 2024, month 3) as the newer vintage revises it: one cell changed.
    path = mirror / "ohss_enforcement_monthly_fy2014_2024aug.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("2024,2024,3,"))
    cells = lines[index].split(",")
    header = lines[0].split(",")
    column = header.index("Repatriations:Removals")
    old_value = cells[column]
    new_value = str(int(old_value) + 10)
    replace_line(path, index, lambda line: ",".join(cells[:column] + [new_value] + cells[column + 1 :]))

    plan = vintage.bring_in([OHSS, SEX_AGE], mirror=mirror, root=root, today="2026-12-01")

    (revision,) = plan.changes[OHSS].revisions
    assert (revision.series, revision.month, revision.column) == (OHSS, "2024-03", "Repatriations:Removals")
    assert (str(revision.old), str(revision.new)) == (old_value, new_value)
    assert revision.text() == f"{OHSS} 2024-03, Repatriations:Removals: {old_value} -> {new_value}"
    assert plan.changes[SEX_AGE].revisions == []  # untouched months are not findings
    assert plan.changes[OHSS].summary().endswith("1 revised value(s) in months already recorded")


def test_rows_added_or_removed_in_old_months_are_revisions(root, mirror):
    path = mirror / "mx_irregular_events_by_sex_age_monthly.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines[1]  # 2018-01,female,12-17,...
    path.write_text("".join([lines[0]] + lines[2:]), encoding="utf-8")

    plan = vintage.bring_in([SEX_AGE], mirror=mirror, root=root, today="2026-12-01")

    (revision,) = plan.changes[SEX_AGE].revisions
    assert (revision.month, revision.column) == ("2018-01", vintage.ROW_REMOVED)
    assert revision.key == "sex=female, age=12-17" and first.startswith("2018-01,female,12-17,")


# --- an older mirror ---------------------------------------------------------------------


def test_an_older_mirror_gets_one_line_saying_so(tmp_path, monkeypatch):
    """The description records the December vintages; the mirror holds June ones (an older snapshot)."""
    monkeypatch.delenv("BRIEFS_EXTERNAL", raising=False)
    root = make_project(tmp_path)
    monkeypatch.chdir(root)  # as the command runs: paths are shown from the project folder
    older = tmp_path / "older-mirror"
    snap = registry.snapshot(OHSS, root)
    from vintage_helpers import cut

    cut(shared_data() / snap.file, older / snap.file, snap)

    with pytest.raises(DataError) as caught:
        pull([OHSS], mirror=older, root=root)

    message = str(caught.value)
    assert "\n" not in message and not re.search(r"[0-9a-f]{64}", message)  # no long sha256 lines
    assert message.startswith(f"{OHSS}: the mirror holds an older vintage than data/external.json records")
    assert (
        f"has months 2013-10 to {THROUGH}" in message
        and "the recorded vintage ohss_enforcement_monthly_fy2014_2024aug.csv has 2013-10 to 2024-08" in message
    )
    assert "download the recorded file with `briefs data pull --only ohss_enforcement_monthly`" in message  # OHSS has an address
    assert exit_code(caught.value) == 2
    # A series with no address is told to refresh the mirror instead.
    sex = registry.snapshot(SEX_AGE, root)
    cut(shared_data() / sex.file, older / sex.file, sex)
    with pytest.raises(DataError, match=rf"copy the recorded file {sex.file} into the mirror"):
        pull([SEX_AGE], mirror=older, root=root)
    # And an update from it keeps the recorded vintage, saying why.
    plan = vintage.bring_in([OHSS], mirror=older, root=root)
    assert plan.changes == {} and "older than the recorded vintage" in plan.kept[OHSS]


def test_a_mirror_older_for_every_series_is_said_once(tmp_path, monkeypatch):
    """The situation after someone else recorded newer vintages: each series gets its months, in one line."""
    monkeypatch.delenv("BRIEFS_EXTERNAL", raising=False)
    root = make_project(tmp_path)
    older = tmp_path / "older-mirror"
    from vintage_helpers import cut

    for snap in registry.snapshots(root).values():
        cut(shared_data() / snap.file, older / snap.file, snap)

    with pytest.raises(PullFailed) as caught:
        pull(mirror=older, root=root)

    message = str(caught.value)
    assert "\n" not in message and not re.search(r"[0-9a-f]{64}", message) and message.count("older vintage") == 1
    assert message.startswith("6 snapshots not pulled: the mirror holds older vintages than data/external.json records for ")
    assert f"{OHSS} (2013-10 to {THROUGH}, recorded 2013-10 to 2024-08)" in message
    assert f"{SEX_AGE} (2018-01 to {THROUGH}, recorded 2018-01 to 2024-12)" in message
    assert exit_code(caught.value) == 2


def test_a_mirror_with_a_newer_vintage_points_to_update(root, mirror):
    with pytest.raises(DataError) as caught:
        pull([OHSS], mirror=mirror, root=root, force=True)
    message = str(caught.value)
    assert message.startswith(f"{OHSS}: the mirror holds a newer vintage than")
    assert (
        f"has months 2013-10 to 2024-08; the recorded vintage ohss_enforcement_monthly_fy2014_2024aug.csv has 2013-10 to {THROUGH}"
        in message
    )
    assert re.search(rf"bring it in with `briefs data update --mirror \S*newer --only {OHSS}`", message)
    assert "left untouched" in message


def test_pull_does_not_ignore_a_newer_file_in_silence(root, mirror):
    """The recorded vintage is in place, and pull takes nothing else; but it says the mirror has another one."""
    report = pull([CBP, SEX_AGE], mirror=mirror, root=root)
    assert report.outcomes[CBP].startswith(f"already verified; the mirror also holds {NEW_CBP}, another vintage: ")
    assert report.outcomes[SEX_AGE].startswith(
        "already verified; the mirror also holds mx_irregular_events_by_sex_age_monthly.csv"
    )
    assert f"--only {CBP}` compares it and brings it in if newer" in report.outcomes[CBP]
    assert described(root, CBP)["path"] == OLD_CBP


def test_pull_finds_the_recorded_vintage_under_another_name(root, tmp_path):
    """A mirror that kept the recorded bytes under a publisher's other name still serves them."""
    copy = tmp_path / "renamed-mirror"
    copy.mkdir()
    (copy / "sbo-encounters-fy22-fy24-jun.csv").write_bytes((external(root) / OLD_CBP).read_bytes())
    (external(root) / OLD_CBP).unlink()

    report = pull([CBP], mirror=copy, root=root)

    assert report.outcomes[CBP] == "pulled and verified (named sbo-encounters-fy22-fy24-jun.csv in the mirror)"
    assert (external(root) / OLD_CBP).is_file()


# --- status ------------------------------------------------------------------------------


def test_status_names_stray_files(root, monkeypatch, capsys):
    (external(root) / NEW_CBP).write_bytes((shared_data() / NEW_CBP).read_bytes())
    (external(root) / "notes.txt").write_text("mine")

    strays = {s.file: s for s in registry.strays(root)}

    assert set(strays) == {NEW_CBP, "notes.txt"}
    assert strays[NEW_CBP].series == CBP and strays["notes.txt"].series is None
    monkeypatch.setenv("BRIEFS_ROOT", str(root))
    assert main(["data", "status"]) == 0
    err = capsys.readouterr().err
    assert (
        f"stray: {NEW_CBP} fits the names of {CBP} but is not its recorded vintage; bring it in with `briefs data update --file {CBP}="
        in err
    )
    assert "stray: notes.txt is not a file of any official series" in err


# --- over HTTP ---------------------------------------------------------------------------


def test_an_http_mirror_is_listed_and_its_renamed_file_found(root, mirror):
    with http_server(mirror) as base:
        plan = vintage.bring_in([CBP, OHSS], mirror=base, root=root, today="2026-12-01", timeout=10)

    assert plan.changes[CBP].file == NEW_CBP
    res = described(root, CBP)
    assert res["url"] == f"{base}{NEW_CBP}" and res["vintage"]["from"] == f"{base}{NEW_CBP}"
    assert series.load(CBP, root) is not None


def test_pull_downloads_through_pooch_with_the_recorded_hash(root, mirror):
    """After an update from an address, `pull` on a fresh folder downloads the recorded bytes from it."""
    with http_server(mirror) as base:
        vintage.bring_in([OHSS], files={OHSS: f"{base}ohss_enforcement_monthly_fy2014_2024aug.csv"}, root=root, timeout=10)
        (external(root) / "ohss_enforcement_monthly_fy2014_2024aug.csv").unlink()
        report = pull([OHSS], root=root, timeout=10)
        assert report.outcomes[OHSS] == "pulled and verified"
        # The address now serves other bytes: refused, and said what they are.
        replace_line(mirror / "ohss_enforcement_monthly_fy2014_2024aug.csv", 5, lambda line: line.replace("3550", "3560", 1))
        with pytest.raises(DataError, match="same months as the recorded vintage"):
            pull([OHSS], root=root, force=True, timeout=10)
    assert sha256(external(root) / "ohss_enforcement_monthly_fy2014_2024aug.csv") == described(root, OHSS)["hash"].split(":")[1]
