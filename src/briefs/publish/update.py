"""`briefs data update`: newer vintages in, the briefs that read them re-run, and a report of what moved.

The steps, each a function tests call too:

1. find and check the newest vintage of each series (`vintage.prepare`); if
   none is newer, stop: nothing is written and nothing runs;
2. bring every brief up to date with the vintages still recorded (the build
   cache runs only what is stale) and keep a copy of their executed notebooks:
   the *before*;
3. record the new vintages, all or nothing (`vintage.commit`);
4. run the briefs again: the cache knows which files and which series entries
   of `data/external.json` each brief read, so exactly the briefs that read a
   series that moved run again: the *after*;
5. compare before and after with `briefs.review.diff` and write a Markdown
   report fit for a pull request: which series moved from which months to
   which, the revisions found in months already recorded, which claims changed
   verdict, which numbers changed.

The exit status says what a reviewer has to look at (see `briefs.errors`):
nothing new, new vintages, or an argument that changed verdict.
"""

from __future__ import annotations

import os
import re
import shutil
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from briefs import atomic
from briefs.data.official import vintage
from briefs.data.official.fetch import Progress
from briefs.data.official.vintage import ROW_ADDED, ROW_REMOVED, Plan
from briefs.errors import UPDATE_CHANGED, UPDATE_FLIPPED, UPDATE_NOTHING_NEW, BriefFailed
from briefs.project import paths
from briefs.project.paths import project_root

REVISIONS_SHOWN = 50  # per series, in the report; the count says how many there are in all


@dataclass
class Flip:
    brief: str
    claim: str
    statement: str
    old: str
    new: str


@dataclass
class UpdateResult:
    plan: Plan
    ran: bool  # whether the briefs were run (False with run=False, or when nothing was new)
    rerun: list[str] = field(default_factory=list)
    not_rerun: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    diff: object | None = None  # briefs.review.diff.Report of the re-run briefs
    flips: list[Flip] = field(default_factory=list)
    report: Path | None = None
    markdown: str = ""

    @property
    def new_vintages(self) -> list[str]:
        return list(self.plan.changes)

    @property
    def numbers_changed(self) -> bool:
        """Whether a claim, a value in the text, a table or a chart's data changed (not only other text)."""
        return self.diff is not None and any(b.claims or b.values or b.tables or b.charts for b in self.diff.briefs)

    @property
    def exit_status(self) -> int:
        if not self.plan.changes:
            return UPDATE_NOTHING_NEW
        if self.failures:
            return BriefFailed.exit_code
        return UPDATE_FLIPPED if self.flips else UPDATE_CHANGED


def default_report(root: Path) -> Path:
    return paths.update_dir(root) / "report.md"


def update(
    names: Iterable[str] | None = None,
    *,
    mirror: str | os.PathLike | None = None,
    files: dict[str, str] | None = None,
    root: Path | None = None,
    run: bool = True,
    report: Path | None = None,
    today: str | None = None,
    timeout: float = 60.0,
    progress: Progress | None = None,
    say: Callable[[str, str], None] | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
) -> UpdateResult:
    """Bring in the newest vintage of each series, re-run the briefs that read one that moved, report.

    `say(item, state)` hears about the briefs' runs. The report is written to
    `report` (default build/update/report.md) whenever something was new.
    """
    from briefs.execute.schedule import run_briefs
    from briefs.project import catalog

    root = (root or project_root()).resolve()
    say = say or (lambda item, state: None)
    plan = vintage.prepare(names, mirror=mirror, files=files, root=root, timeout=timeout, progress=progress)
    result = UpdateResult(plan, ran=False)
    with plan:
        if not plan.changes:
            return result
        if not run:
            vintage.commit(plan, today=today)
            return _written(result, root, report)
        briefs = catalog.discover(root)
        before = paths.update_dir(root) / "before"
        shutil.rmtree(before, ignore_errors=True)
        # The before: every brief current with the recorded vintages (only stale ones run).
        say("briefs", "with the recorded vintages: every brief brought up to date")
        _, failures, _ = run_briefs(briefs, root, workers=workers, executor=executor, progress=say)
        if failures:
            raise BriefFailed("before the update, " + "; ".join(failures.values()) + "; no vintage recorded")
        before.mkdir(parents=True)
        for brief in briefs:
            shutil.copyfile(paths.run_path(brief.name, root), before / f"{brief.name}.ipynb")
        vintage.commit(plan, today=today)
    # The after: the cache re-runs exactly the briefs whose inputs moved.
    say("briefs", "with the new vintages: the briefs that read a series that moved run again")
    runs, failures, unchanged = run_briefs(briefs, root, workers=workers, executor=executor, progress=say)
    result.ran = True
    result.rerun = sorted([r.brief for r in runs] + list(failures))
    result.not_rerun = sorted(unchanged)
    result.failures = failures
    result.diff, result.flips = _compare(before, root, [r.brief for r in runs])
    return _written(result, root, report)


def _compare(before: Path, root: Path, names: list[str]):
    """The diff of the re-run briefs (before against after) and the claims whose verdict changed."""
    from briefs.review import digest
    from briefs.review.diff import CHANGED, compare

    old = {n: digest.read(before / f"{n}.ipynb", n) for n in names}
    new = {n: digest.read(paths.run_path(n, root), n) for n in names}
    report = compare(old, new, "recorded vintages", "new vintages")
    flips = [
        Flip(b.name, c.id, c.statement, str(c.old_status), str(c.new_status))
        for b in report.briefs
        for c in b.claims
        if c.kind == CHANGED and c.flipped
    ]
    return report, flips


def _written(result: UpdateResult, root: Path, report: Path | None) -> UpdateResult:
    result.markdown = markdown(result)
    result.report = Path(report) if report else default_report(root)
    atomic.write_text(result.report, result.markdown)
    return result


# --- the report ----------------------------------------------------------------------


def _md(text: object) -> str:
    from briefs.review.changes import md_escape

    return md_escape(str(text))


def _months(coverage) -> str:
    return " to ".join(coverage) if coverage else "no months"


def markdown(result: UpdateResult) -> str:
    """The change report, as the body of a pull request."""
    plan = result.plan
    changes = list(plan.changes.values())
    out = ["# New vintages of the official series", ""]
    lead = [f"{len(changes)} series moved to a newer vintage."]
    if result.ran:
        lead.append(
            f"{len(result.rerun)} brief(s) that read them ran again" + (f" ({', '.join(result.rerun)})." if result.rerun else ".")
        )
        if result.flips:
            lead.append(f"**{len(result.flips)} claim(s) changed verdict**: read them before merging.")
        elif result.numbers_changed:
            lead.append("Numbers on the pages changed; no claim changed verdict.")
        else:
            lead.append("No claim, value, table or chart changed; only the pages' record of the series they read did.")
    else:
        lead.append("The briefs were not run (`--no-run`): run `briefs build` and review what changed before merging.")
    out += [" ".join(lead), ""]

    out += ["| Series | Recorded vintage | New vintage | Taken from |", "|---|---|---|---|"]
    for c in changes:
        out.append(
            f"| `{c.name}` | `{c.snap.file}`, {_months(c.snap.coverage)} | `{c.file}`, {_months(c.coverage)} | `{c.staged.origin}` |"
        )
    out.append("")
    if plan.kept:
        out += ["Series that keep their recorded vintage:", ""]
        out += [f"- `{name}`: {_md(reason)}" for name, reason in plan.kept.items()] + [""]

    out += [
        "## Revisions to months already recorded",
        "",
        "Publishers revise months they have already published. Each change below is a finding about the "
        "data the briefs had used, not an error.",
        "",
    ]
    for c in changes:
        if c.not_compared:
            out += [f"- `{c.name}`: {_md(c.not_compared)}."]
            continue
        dropped = (
            f"; the new vintage no longer includes {len(c.dropped)} month(s) ({c.dropped[0]} to {c.dropped[-1]})"
            if c.dropped
            else ""
        )
        if not c.revisions:
            out += [f"- `{c.name}`: no revision{dropped}."]
            continue
        months = sorted({r.month for r in c.revisions})
        out += [
            f"- `{c.name}`: {len(c.revisions)} value(s) revised in {len(months)} month(s){dropped}.",
            "",
            "  | Month | Row | Column | Recorded | New |",
            "  |---|---|---|---:|---:|",
        ]
        for r in c.revisions[:REVISIONS_SHOWN]:
            column = r.column if r.column not in (ROW_ADDED, ROW_REMOVED) else f"({r.column})"
            old, new = (r.old, r.new) if r.column not in (ROW_ADDED, ROW_REMOVED) else ("", "")
            out.append(f"  | {r.month} | {_md(r.key) or '—'} | {_md(column)} | {_md(_value(old))} | {_md(_value(new))} |")
        if len(c.revisions) > REVISIONS_SHOWN:
            out.append(f"\n  and {len(c.revisions) - REVISIONS_SHOWN} more.")
        out.append("")
    out.append("")

    if result.ran:
        out += ["## Briefs", ""]
        out.append("Ran again: " + (", ".join(f"`{n}`" for n in result.rerun) or "none") + ".")
        out.append("")
        out.append(
            "Not affected (they read none of the series that moved): "
            + (", ".join(f"`{n}`" for n in result.not_rerun) or "none")
            + "."
        )
        out.append("")
        for name, reason in result.failures.items():
            out += [f"- **`{name}` failed** with the new vintages: {_md(reason)}"]
        if result.failures:
            out.append("")
        if result.flips:
            out += ["## Claims that changed verdict", "", "| Brief | Claim | Statement | Was | Now |", "|---|---|---|---|---|"]
            out += [f"| `{f.brief}` | `{f.claim}` | {_md(f.statement)} | {_md(f.old)} | **{_md(f.new)}** |" for f in result.flips]
            out.append("")
        if result.diff is not None:
            from briefs.review.report import to_markdown

            out.append(_demoted(to_markdown(result.diff)))
    return "\n".join(out).rstrip("\n") + "\n"


def _value(value) -> str:
    if value is None or value == "":
        return "" if value == "" else "missing"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, (int, float)):
        return f"{value:,}"
    return str(value)


def _demoted(text: str) -> str:
    """Markdown with every heading one level down (outside code fences), to sit under this report's title."""
    out, fence = [], None
    for line in text.splitlines():
        opening = re.match(r"^(`{3,}|~{3,})", line)
        if opening and (fence is None or line.startswith(fence)):
            fence = None if fence else opening.group(1)
        elif fence is None and line.startswith("#"):
            line = "#" + line
        out.append(line)
    return "\n".join(out)
