"""The MPI brief with and without the official series.

The series are external snapshots that a build may lack, so the brief must run
either way: without them it says the check was not made; with them it compares
Mexico's monthly events with U.S. Border Patrol's encounters month by month.
Small made-up series test that the month-by-month claim can fail as well as
hold; the real snapshot, where this machine has it, tests the published result.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat

from briefs.data.package import sha256
import pandas as pd
import pytest

from briefs.data.official import series
from briefs.execute import readback
from briefs.execute.run import run_brief

pytestmark = pytest.mark.slow  # every test here runs briefs

ROOT = Path(__file__).resolve().parents[2]
BRIEF = "mpi-brief"
MX, US = "mx_irregular_events_by_nationality", "us_sw_border_encounters"
WITHOUT_SERIES: set[str] = set()  # the abstract's own numbers test nothing: every claim needs the series
WITH_SERIES = {"months_mexico_not_ahead", "bp_fall_begins_in_year", "bp_latest_vs_fall_start", "bp_months_back_above"}
WITH_OFFICIAL = WITH_SERIES | {"mx_origins_wider"}  # the real Mexican series reaches back before 2020


def run(tmp_path: Path, monkeypatch, external: Path, root: Path = ROOT) -> dict:
    monkeypatch.setenv("BRIEFS_EXTERNAL", str(external))
    result = run_brief(
        BRIEF, root=root, output=tmp_path / "out" / f"{BRIEF}.ipynb", failed=tmp_path / "failed" / f"{BRIEF}.ipynb"
    )
    ledger = readback.claims(nbformat.read(result.notebook, as_version=4))
    return {"result": result, "ledger": ledger, "claims": {c["id"]: c for c in result.claims}}


def glue_keys_used() -> set[str]:
    text = (ROOT / "notebooks" / f"{BRIEF}.md").read_text(encoding="utf-8")
    return set(re.findall(r"\{glue:text\}`([^`]+)`", text))


def write_series(folder: Path, mexico_minus_bp: dict[str, int] | None = None) -> None:
    """Made-up monthly series in the official files' layout: Border Patrol peaks in Dec 2023 and then falls."""
    folder.mkdir(parents=True, exist_ok=True)
    months = pd.date_range("2023-01-01", "2024-09-01", freq="MS")
    bp = {
        m: 150_000 + 10_000 * i if m <= pd.Timestamp("2023-12-01") else 250_000 - 20_000 * (i - 11) for i, m in enumerate(months)
    }
    us_rows, mx_rows = [], []
    for m, value in bp.items():
        label = m.strftime("%Y-%m")
        us_rows += [
            (label, "U.S. Border Patrol", "Tucson Sector", "Title 8", "Apprehensions", "Single Adults", "MEX", value // 2),
            (
                label,
                "U.S. Border Patrol",
                "Tucson Sector",
                "Title 8",
                "Apprehensions",
                "Single Adults",
                "VEN",
                value - value // 2,
            ),
            (
                label,
                "Office of Field Operations",
                "San Diego Field Office",
                "Title 8",
                "Inadmissibles",
                "Single Adults",
                "HTI",
                50_000,
            ),
        ]
        lead = (mexico_minus_bp or {}).get(label, 10_000)
        mx_rows += [(label, "GTM", (value + lead) // 2), (label, "HND", value + lead - (value + lead) // 2)]
    pd.DataFrame(
        us_rows,
        columns=["month", "component", "area", "authority", "encounter_type", "demographic", "citizenship_iso3", "encounters"],
    ).to_csv(folder / series.path_of(US, ROOT).name, index=False)
    pd.DataFrame(mx_rows, columns=["month", "nationality_iso3", "events"]).to_csv(
        folder / series.path_of(MX, ROOT).name, index=False
    )


def recording(tmp_path: Path, folder: Path) -> Path:
    """A copy of the project whose data/external.json records the made-up files' checksums.

    Loading verifies each series against its recorded sha256, as an author's newer
    vintage would be once `briefs data update` has recorded it.
    """
    from conftest import copy_project

    root = copy_project(tmp_path / "project")
    desc = root / "data" / "external.json"
    described = json.loads(desc.read_text(encoding="utf-8"))
    for res in described["resources"]:
        made = folder / res["path"]
        if made.is_file():
            res["hash"] = "sha256:" + sha256(made)
            res["bytes"] = made.stat().st_size
    desc.write_text(json.dumps(described, indent=2), encoding="utf-8")
    return root


def shared_series() -> Path | None:
    """The machine's copy of the official series (../shared/data beside the project or its worktree folder)."""
    for folder in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data"):
        if all((folder / series.path_of(name, ROOT).name).is_file() for name in (MX, US)):
            return folder
    return None


def test_without_the_series_the_brief_runs_and_says_the_check_was_not_made(tmp_path, monkeypatch):
    empty = tmp_path / "no-series"
    empty.mkdir()
    out = run(tmp_path, monkeypatch, empty)
    assert set(out["claims"]) == WITHOUT_SERIES
    assert out["result"].contradicted == []
    values = out["ledger"]["values"]
    for key in ("finding_comparison", "comparison_text"):
        assert values[key] == series.absent_note(MX, US)
    assert series.absent_note(US) in values["trend_text"]
    # The key findings say once what is missing: the trend finding does not repeat it.
    assert "briefs data pull" not in values["finding_trend"] and "U.S. series" in values["finding_trend"]
    assert glue_keys_used() <= set(values)


def test_with_made_up_series_where_mexico_leads_every_month_the_claim_holds(tmp_path, monkeypatch):
    write_series(tmp_path / "series")
    out = run(tmp_path, monkeypatch, tmp_path / "series", recording(tmp_path, tmp_path / "series"))
    assert set(out["claims"]) == WITH_SERIES
    assert out["result"].contradicted == []
    assert out["claims"]["months_mexico_not_ahead"]["value"] == 0
    assert out["claims"]["months_mexico_not_ahead"]["period"] == "May 2024 – Sep 2024"
    # Field Operations adds 50,000 a month, more than Mexico's 10,000 lead: the measure matters in every month,
    # and which U.S. count the abstract's statement holds against is a finding, not a claim.
    finding = out["ledger"]["findings"][0]
    assert {c["key"]: c["value"] for c in finding["candidates"]} == {"bp": 0, "bp_ofo": 5}
    assert finding["matches"] == ["Border Patrol alone, as the abstract names it"]
    assert "not checked" in out["ledger"]["values"]["finding_origins"]
    from brief_helpers import underived

    assert underived(out["ledger"]) == [] and {c["basis"] for c in out["result"].claims} == {"official_series"}
    assert glue_keys_used() <= set(out["ledger"]["values"])


def test_a_month_where_mexico_falls_behind_contradicts_the_claim_and_is_named(tmp_path, monkeypatch):
    write_series(tmp_path / "series", mexico_minus_bp={"2024-07": -1_000})
    out = run(tmp_path, monkeypatch, tmp_path / "series", recording(tmp_path, tmp_path / "series"))
    failing = out["claims"]["months_mexico_not_ahead"]
    assert failing["status"] == "contradicted" and failing["value"] == 1
    assert (failing["kind"], failing["instead"]) == (
        "argument",
        "Mexico's count was not the larger in 1 of the 5 months compared: July 2024.",
    )
    assert [c["id"] for c in out["result"].contradicted] == ["months_mexico_not_ahead"]
    assert "July 2024" in out["ledger"]["values"]["comparison_text"]


def test_with_the_official_series_the_month_by_month_claim_is_made(tmp_path, monkeypatch):
    source = shared_series()
    if source is None:
        pytest.skip("the official series are not on this machine (expected in ../shared/data)")
    copy = tmp_path / "series"
    copy.mkdir()
    for name in (MX, US):
        shutil.copyfile(source / series.path_of(name, ROOT).name, copy / series.path_of(name, ROOT).name)
    out = run(tmp_path, monkeypatch, copy)
    assert set(out["claims"]) == WITH_OFFICIAL
    claim = out["claims"]["months_mexico_not_ahead"]
    # Recompute the month-by-month comparison here, independently of the notebook.
    mx, us = series.load(MX), series.load(US)  # BRIEFS_EXTERNAL points at the copy
    monthly_mx = mx.groupby("month")["events"].sum()
    monthly_bp = us[us.component == "U.S. Border Patrol"].groupby("month")["encounters"].sum()
    months = [m for m in monthly_mx.index if m >= pd.Timestamp("2024-05-01") and m in monthly_bp.index]
    assert len(months) > 0 and claim["period"].startswith("May 2024")
    assert claim["value"] == sum(monthly_mx[m] <= monthly_bp[m] for m in months)
    # The page no longer says crossings fell steadily: the series rose from January to February 2024.
    assert monthly_bp[pd.Timestamp("2024-02-01")] > monthly_bp[pd.Timestamp("2024-01-01")]
    assert (
        "not steady" in out["ledger"]["values"]["finding_trend"] and "February 2024" in out["ledger"]["values"]["finding_trend"]
    )
    assert "falling steadily" not in (ROOT / "notebooks" / f"{BRIEF}.md").read_text(encoding="utf-8")
    assert out["result"].contradicted == []
