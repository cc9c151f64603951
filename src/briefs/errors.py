"""One exception root for the project, mapped to exit codes in one place.

Library functions raise these; only the CLI turns them into an exit status,
so tests can call the library and assert on the exception instead.
"""

from __future__ import annotations


class BriefsError(Exception):
    """Root of every error the project reports to a user as one line."""

    exit_code = 1


class UsageError(BriefsError):
    """The user asked for something that does not exist or is not allowed."""

    exit_code = 2


class DataError(BriefsError):
    """Input data broke its schema or a rule; the message names file, row and column."""

    exit_code = 2


class ClaimContradicted(BriefsError):
    """A strict run met a claim that the data contradicts."""

    exit_code = 1


class BriefFailed(BriefsError):
    """A brief raised while it ran; its earlier published output is kept."""

    exit_code = 1


class FetchFailed(BriefsError):
    """A snapshot could not be downloaded (network, HTTP status); nothing was replaced."""

    exit_code = 1


class OlderVintage(DataError):
    """The mirror's file is an older vintage than the one recorded."""

    def __init__(self, message: str, name: str, held: str, recorded: str):
        self.name, self.held, self.recorded = name, held, recorded
        super().__init__(message)


class PullFailed(BriefsError):
    """Several snapshots could not be pulled; each reason is one part of the one-line message.

    A mirror that simply holds an older snapshot of several series is said once, with
    the months of each, rather than once per series.
    """

    def __init__(self, report):  # a data.official.pull.PullReport
        self.report = report
        codes = {exc.exit_code for exc in report.failures.values()}
        self.exit_code = 2 if codes == {2} else 1
        older = [exc for exc in report.failures.values() if isinstance(exc, OlderVintage)]
        parts = [str(exc) for exc in report.failures.values() if not (len(older) > 1 and isinstance(exc, OlderVintage))]
        if len(older) > 1:
            listed = ", ".join(f"{exc.name} ({exc.held}, recorded {exc.recorded})" for exc in older)
            parts.insert(
                0,
                f"the mirror holds older vintages than data/external.json records for {listed}: "
                "copy the recorded files into the mirror (or fetch them from their addresses), "
                "or use a mirror that has them; nothing replaced",
            )
        super().__init__(f"{len(report.failures)} snapshots not pulled: {'; '.join(parts)}")


class VintageRefused(BriefsError):
    """Some candidate vintages failed their checks, so none was recorded; one part per series."""

    exit_code = 2

    def __init__(self, failures: dict[str, BriefsError]):
        self.failures = failures
        codes = {exc.exit_code for exc in failures.values()}
        self.exit_code = 2 if codes == {2} else 1
        parts = "; ".join(str(exc) for exc in failures.values())
        super().__init__(f"no vintage recorded, data/external.json unchanged: {parts}")


class BuildFailed(BriefsError):
    """The book could not be compiled from the executed briefs."""

    exit_code = 1


class StaleDocs(BriefsError):
    """The committed reference page no longer matches the commands."""

    exit_code = 1


# Exit statuses that report an outcome, not an error: what `briefs data update` found, so that a
# scheduled job can tell "nothing to review" from "review this" from "an argument changed".
#   0  nothing new: no series has a newer vintage; nothing was written
#   1  a failure (BriefsError), as for every command; 2 bad input; 3 an unexpected error
#   4  new vintages recorded and the briefs that read them re-run; no claim changed verdict
#   5  new vintages recorded, and at least one claim changed verdict (holds <-> contradicted)
UPDATE_NOTHING_NEW = 0
UPDATE_CHANGED = 4
UPDATE_FLIPPED = 5

# Ctrl-C: what a shell reports for a command ended by SIGINT (128 + 2). Whatever was running is
# stopped and nothing published changed by the time a command returns it.
INTERRUPTED = 130


def exit_code(exc: BaseException) -> int:
    """The exit status for an exception: 2 for bad input, 1 for failures, 130 for Ctrl-C, 3 otherwise."""
    if isinstance(exc, KeyboardInterrupt):
        return INTERRUPTED
    if isinstance(exc, BriefsError):
        return exc.exit_code
    return 3
