"""Loading the official series: absent -> None, typed frames, and refusal of damaged or foreign files."""

from __future__ import annotations

import csv
import os
import re
import time

import pandas as pd
import pytest

from briefs.data.official import series
from briefs.data.official.pull import pull
from briefs.errors import DataError, UsageError
from snapshot_helpers import make_mirror, make_project, replace_line, shared_data

US = "us_sw_border_encounters"
CBP = "cbp_sw_land_border_encounters"
OHSS = "ohss_enforcement_monthly"
SEX_AGE = "mx_irregular_events_by_sex_age"
DEPORT = "mx_deportations_and_returns"


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.delenv("BRIEFS_EXTERNAL", raising=False)
    return make_project(tmp_path)


@pytest.fixture
def pulled(root, tmp_path):
    """A project whose data/external/ holds verified copies of every snapshot."""
    pull(mirror=make_mirror(tmp_path), root=root)
    return root


def raw_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_absent_series_load_as_none(root):
    assert len(series.names(root)) == 6
    for name in series.names(root):
        assert not series.available(name, root)
        assert series.load(name, root) is None
    assert "briefs data pull" in series.absent_note(US)


def test_several_absent_series_are_named_in_one_sentence():
    names = series.names()[:2]
    note = series.absent_note(*names)
    assert note.count("not available") == 1 and note.count("Fetch them") == 1
    assert all(f"“{series.title(n)}”" in note for n in names) and " and “" in note


def test_unknown_series_is_a_usage_error(root):
    with pytest.raises(UsageError, match="no official series named 'nope'"):
        series.load("nope", root)


def test_loaded_series_are_typed_and_complete(pulled):
    frame = series.load(US, pulled)
    rows = raw_rows(series.path_of(US, pulled))
    assert len(frame) == len(rows)
    assert frame["encounters"].dtype == "int64"
    assert int(frame["encounters"].sum()) == sum(int(r["encounters"]) for r in rows)
    assert pd.api.types.is_datetime64_any_dtype(frame["month"])
    assert frame["month"].min() == pd.Timestamp("2017-10-01")
    # Before October 2019 the series has no citizenship: missing, not an empty-string category.
    early = frame["month"] < pd.Timestamp("2019-10-01")
    assert frame.loc[early, "citizenship_iso3"].isna().all() and frame.loc[~early, "citizenship_iso3"].notna().all()


def test_ohss_withheld_values_are_missing_not_text(pulled):
    frame = series.load(OHSS, pulled)
    column = "Repatriations:Title 42 Expulsions"
    rows = raw_rows(series.path_of(OHSS, pulled))
    withheld = [r[column] == "X" for r in rows]
    assert frame[column].dtype == "Int64"
    assert frame[column].isna().tolist() == withheld
    assert int(frame[column].sum()) == sum(int(r[column]) for r in rows if r[column] != "X")


def test_months_for_the_series_without_a_month_column(pulled):
    ohss = series.load(OHSS, pulled)
    stamps = series.months(OHSS, ohss, pulled)
    assert stamps[ohss["Month"] == 0].isna().all()  # fiscal-year totals have no month
    october_2013 = (ohss["Calendar Year"] == 2013) & (ohss["Month"] == 10)
    assert stamps[october_2013].tolist() == [pd.Timestamp("2013-10-01")]

    cbp = series.load(CBP, pulled)
    stamps = series.months(CBP, cbp, pulled)
    fy25_oct = (cbp["Fiscal Year"] == "2025 (FYTD)") & (cbp["Month (abbv)"] == "OCT")
    assert set(stamps[fy25_oct]) == {pd.Timestamp("2024-10-01")}
    assert stamps.max() == pd.Timestamp("2024-12-01")


def test_briefs_external_overrides_the_folder(root, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("BRIEFS_EXTERNAL", str(elsewhere))
    pull([SEX_AGE], mirror=make_mirror(tmp_path), root=root)
    assert (elsewhere / series.path_of(SEX_AGE, root).name).is_file()
    assert len(series.load(SEX_AGE, root)) == len(raw_rows(shared_data() / series.path_of(SEX_AGE, root).name))


def test_citation_names_publisher_and_months(pulled):
    text = series.citation(OHSS, pulled)
    assert "Office of Homeland Security Statistics" in text and "2013-10 to 2024-08" in text


def test_largest_series_loads_well_under_two_seconds(pulled):
    series._CACHE.clear()
    start = time.perf_counter()
    series.load(US, pulled)
    assert time.perf_counter() - start < 2.0


def test_a_returned_frame_can_be_changed_without_touching_the_next_load(pulled):
    first = series.load(SEX_AGE, pulled)
    first.loc[0, "events"] = -1
    assert series.load(SEX_AGE, pulled).loc[0, "events"] >= 0


# --- damaged files ---------------------------------------------------------------------------
# Each case edits one line of a verified snapshot (line 0 is the header, so line k is
# spreadsheet row k + 1) and expects the error to name that row and column.

CORRUPTIONS = [
    (US, 7, lambda ln: ln[: ln.rindex(",")] + ",12x", 8, "encounters", "'12x' is not a valid integer"),
    (US, 20, lambda ln: ln[: ln.rindex(",")] + ",-5", 21, "encounters", "'-5' is below the minimum 0"),
    (US, 3, lambda ln: "2017-13" + ln[7:], 4, "month", "'2017-13' is not a valid month (YYYY-MM)"),
    (US, 9, lambda ln: ln.replace("Title 8", "Title 9"), 10, "authority", "'Title 9' is not a known category"),
    (US, 12, lambda ln: ln[: ln.rindex(",")] + ",", 13, "encounters", "is blank but a value is required"),
    (DEPORT, 2, lambda ln: ln.replace("BLZ", "Belize"), 3, "nationality_iso3", "'Belize' does not match the pattern"),
    (
        OHSS,
        4,
        lambda ln: ln.replace("2013,2014,12", "2013,2013,12"),
        5,
        "Fiscal Year",
        "does not fit calendar year 2013, month 12",
    ),
    (OHSS, 6, lambda ln: ln.replace(",X,", ",x,", 1), 7, "Repatriations:Title 42 Expulsions", "'x' is not a valid integer"),
    (CBP, 2, lambda ln: ln.replace(",OCT,", ",OCTOBER,"), 3, "Month (abbv)", "'OCTOBER' is not a known category"),
]


@pytest.mark.parametrize("name, line, edit, row, column, reason", CORRUPTIONS, ids=lambda v: v if isinstance(v, str) else None)
def test_a_damaged_file_is_refused_naming_row_and_column(pulled, name, line, edit, row, column, reason):
    path = series.path_of(name, pulled)
    replace_line(path, line, edit)

    with pytest.raises(DataError) as caught:
        series.load(name, pulled)

    message = str(caught.value)
    assert message.startswith(os.path.relpath(path)) and path.name in message
    assert f"row {row}, column {column}: " in message
    assert reason in message


def test_a_row_with_an_extra_cell_is_refused_at_its_row(pulled):
    path = series.path_of(SEX_AGE, pulled)
    replace_line(path, 10, lambda ln: ln + ",1")
    with pytest.raises(DataError, match=rf"{re.escape(path.name)}: row 11: the row has 5 cells but the header has 4"):
        series.load(SEX_AGE, pulled)


def test_a_renamed_column_is_refused_at_the_header(pulled):
    path = series.path_of(SEX_AGE, pulled)
    replace_line(path, 0, lambda ln: ln.replace("events", "count"))
    with pytest.raises(
        DataError, match=r"row 1: header does not match .*missing column\(s\) 'events'.*unexpected column\(s\) 'count'"
    ):
        series.load(SEX_AGE, pulled)


def test_a_duplicated_row_is_refused(pulled):
    path = series.path_of(SEX_AGE, pulled)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:3] + [lines[1]] + lines[3:]), encoding="utf-8")
    with pytest.raises(
        DataError,
        match=r"row 4: duplicate row: the primary key \(month='2018-01', sex='female', age='12-17'\) already appears in row 2",
    ):
        series.load(SEX_AGE, pulled)


def test_a_valid_file_that_is_not_the_recorded_snapshot_is_refused(pulled):
    """Clean data, other bytes: the brief would silently change, so loading stops and says how to accept it."""
    path = series.path_of(SEX_AGE, pulled)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    with pytest.raises(DataError, match=r"sha256 is [0-9a-f]{64}, but .* records [0-9a-f]{64} .*briefs data update --file"):
        series.load(SEX_AGE, pulled)


def test_a_file_damaged_after_loading_is_caught_on_the_next_load(pulled):
    assert series.load(SEX_AGE, pulled) is not None
    path = series.path_of(SEX_AGE, pulled)
    replace_line(path, 1, lambda ln: ln.replace(",273", ",-273"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    with pytest.raises(DataError, match="row 2, column events: '-273' is below the minimum 0"):
        series.load(SEX_AGE, pulled)


def test_a_description_asking_for_an_unchecked_rule_is_refused(pulled):
    """A constraint the loader cannot check must not pass as if it had been checked."""
    import json

    path = pulled / "data" / "external.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    res = next(r for r in doc["resources"] if r["name"] == SEX_AGE)
    res["schema"]["fields"][3]["constraints"]["maxLength"] = 5
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError, match="maxLength that the loader does not check"):
        series.load(SEX_AGE, pulled)
