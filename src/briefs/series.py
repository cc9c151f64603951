"""Official monthly series used to check the documents' figures.

They are external snapshots: never committed, fetched into `data/external/`
(or read from $BRIEFS_EXTERNAL), and every brief must build without them, so
`load` returns None when a series is absent and the brief says so plainly.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from .paths import project_root

FILES = {
    "us_sw_border_encounters": "us_sw_border_encounters_monthly.csv",
    "cbp_sw_land_border_encounters": "cbp_sw_land_border_encounters_fy22_fy25dec.csv",
    "ohss_enforcement_monthly": "ohss_enforcement_monthly_fy2014_2024aug.csv",
    "mx_irregular_events_by_nationality": "mx_irregular_events_by_nationality_monthly.csv",
    "mx_irregular_events_by_sex_age": "mx_irregular_events_by_sex_age_monthly.csv",
    "mx_deportations_and_returns": "mx_deportations_and_returns_monthly.csv",
}

TITLES = {
    "us_sw_border_encounters": "U.S. southwest land border encounters (CBP)",
    "cbp_sw_land_border_encounters": "Southwest Land Border Encounters, CBP's published layout",
    "ohss_enforcement_monthly": "DHS OHSS immigration enforcement monthly tables",
    "mx_irregular_events_by_nationality": "Mexico: events of people in an irregular migration situation, by nationality (UPM)",
    "mx_irregular_events_by_sex_age": "Mexico: events of people in an irregular migration situation, by sex and age (UPM)",
    "mx_deportations_and_returns": "Mexico: deportations and assisted returns (UPM)",
}


def external_dir(root: Path | None = None) -> Path:
    env = os.environ.get("BRIEFS_EXTERNAL")
    return Path(env) if env else (root or project_root()) / "data" / "external"


def path_of(name: str, root: Path | None = None) -> Path:
    return external_dir(root) / FILES[name]


def available(name: str, root: Path | None = None) -> bool:
    return path_of(name, root).is_file()


def load(name: str, root: Path | None = None) -> pd.DataFrame | None:
    """The series as a DataFrame (a `month` column becomes a Timestamp), or None when not fetched."""
    path = path_of(name, root)
    if not path.is_file():
        return None
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""], low_memory=False)
    if "month" in frame.columns:
        frame["month"] = pd.to_datetime(frame["month"], format="%Y-%m")
    return frame


def absent_note(name: str) -> str:
    """What a brief prints in place of a check whose series has not been fetched."""
    return (
        f"The official series “{TITLES[name]}” is not available in this build, so this check was not made. "
        "Fetch it with `briefs data pull` and rebuild."
    )
