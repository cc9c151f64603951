"""Putting a document's figure beside an official series, and saying so when the series is missing.

A mismatch between a document and the official record is a finding, so a
check has to show both numbers and the gap rather than a verdict alone; and a
series that was not fetched must leave a sentence on the page saying that the
check was not made, never a silent gap or a number from nowhere. `readiness`
tells a brief which of three states a check is in (a series absent, present
but not covering the window, or ready) and glues the first two itself. The
window sums themselves are in `periods`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from briefs.data.official import series
from briefs.page.claims import Ledger
from briefs.data.package import Figure
from briefs.errors import UsageError
from briefs.files import sha256


@dataclass(frozen=True)
class Gap:
    """How far a series value sits from the document's figure."""

    series: float
    document: float

    @property
    def difference(self) -> float:
        return self.series - self.document

    @property
    def relative(self) -> float:
        return self.difference / self.document if self.document else float("nan")

    def text(self, fmt: str = "{:,.0f}") -> str:
        """'+1,234 (+5.6%)': signed, so a reader sees which way the series leans."""
        sign = "+" if self.difference >= 0 else "−"
        return f"{sign}{fmt.format(abs(self.difference))} ({sign}{abs(self.relative):.1%})"


def against(figure: Figure, name: str, where: str) -> str:
    """A ledger source for a series check: the document's figure, then the series and window it was set against."""
    return f"{figure.citation()}; checked against {series.title(name)}, {where}"


def glue_md(ledger: Ledger, key: str, text: str) -> None:
    """Glue a Markdown passage (shown with `{glue:md}`) and record it with the brief's glued values."""
    ledger.markdown(key, text)


def coverage(name: str) -> str:
    """'Jan 2018 – Dec 2024' for a loaded series, from its own months (newer files have more)."""
    frame = series.load(name)
    if frame is None:
        return "not available in this build"
    if "month" in frame.columns:
        months = frame["month"]
    elif {"Calendar Year", "Month"} <= set(frame.columns):
        from briefs.data.official.ohss import monthly

        months = monthly(frame).index.to_series()
    else:
        return "months not recorded"
    return f"{months.min():%b %Y} – {months.max():%b %Y}"


def series_used_html(names: list[str]) -> str:
    """The official series a brief consulted: title, file, sha256 and months, or that it was absent."""
    items = []
    for name in names:
        title = html.escape(series.title(name))
        if series.available(name):
            path = series.path_of(name)
            items.append(
                f"<li>{title}: <code>{html.escape(path.name)}</code>, {html.escape(coverage(name))}, "
                f"sha256 <code>{sha256(path)[:16]}…</code></li>"
            )
        else:
            items.append(f"<li>{title}: not available in this build, so the checks that need it were not made.</li>")
    return f'<div class="briefs-sources"><p>Official series consulted:</p><ul>{"".join(items)}</ul></div>'


def show_series_used(names: list[str]) -> None:
    from IPython.display import display

    text = "; ".join(f"{n}: {'read' if series.available(n) else 'absent'}" for n in names)
    display({"text/html": series_used_html(names), "text/plain": f"Official series: {text}"}, raw=True)


ABSENT = "absent"  # a series the check needs was not fetched
NOT_COVERED = "not covered"  # every series is there, but one stops short of the window the check needs
READY = "ready"


def _listed(names: tuple[str, ...]) -> str:
    quoted = [f"“{series.title(n)}”" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


@dataclass(frozen=True)
class Readiness:
    """Whether a check against official series can be made: a series is absent, present but short of the window, or ready."""

    names: tuple[str, ...]
    state: str
    missing: tuple[str, ...] = ()
    window: tuple | None = None  # the first and last day the check needs every month of

    @classmethod
    def of(cls, *names: str, covered: bool = True, window: tuple | None = None) -> "Readiness":
        """Absent when a series has not been fetched; else not covered unless `covered` (computed by the brief)."""
        missing = tuple(n for n in names if not series.available(n))
        state = ABSENT if missing else (READY if covered else NOT_COVERED)
        return cls(tuple(names), state, missing, window)

    @property
    def ready(self) -> bool:
        return self.state == READY

    def note(self) -> str:
        """The Markdown a page shows in place of the check: which series is missing or short, so the check was not made."""
        if self.state == ABSENT:
            return series.absent_note(*self.missing)
        if self.state == NOT_COVERED:
            if not self.window:
                raise UsageError(
                    f"a check against {', '.join(self.names)} that the series do not cover needs the window it needs"
                )
            start, end = (pd.Timestamp(day) for day in self.window)
            verb = "does" if len(self.names) == 1 else "do"
            return (
                f"The official series {_listed(self.names)} in this build {verb} not cover every month from "
                f"{start:%B %Y} to {end:%B %Y}, so this check was not made."
            )
        return ""

    def short(self) -> str:
        """The note's short form for a page's key findings (the absent one: it names what this build lacks)."""
        if self.state == ABSENT:
            return f"Not checked against {_listed(self.missing)}, which this build does not have."
        return self.note()


def readiness(
    ledger: Ledger,
    key: str | tuple[str, ...],
    *names: str,
    covered: bool = True,
    window: tuple | None = None,
    not_covered: str | None = None,
) -> Readiness:
    """Decide whether the check `key` against the series `names` can be made; when it cannot, glue why.

    Absent (a series was not fetched): `KEY_check` gets the absent note and
    `KEY_finding` its short form. Not covered (`covered` is false): `KEY_check`
    says which months the series lacks (`window`) and `KEY_finding` gets
    `not_covered`, the brief's own words for what was left unchecked. Ready:
    nothing is glued, and the brief glues both keys with what the check found.
    `key` may be several keys that share one set of series.
    """
    state = Readiness.of(*names, covered=covered, window=window)
    if not state.ready:
        for k in (key,) if isinstance(key, str) else key:
            glue_md(ledger, f"{k}_check", state.note())
            ledger.glue(f"{k}_finding", state.short() if state.state == ABSENT or not not_covered else not_covered)
    return state
