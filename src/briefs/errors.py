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


class PullFailed(BriefsError):
    """Several snapshots could not be pulled; each reason is one line of the message."""

    exit_code = 1

    def __init__(self, report):  # a data.official.registry.PullReport
        self.report = report
        codes = {exc.exit_code for exc in report.failures.values()}
        self.exit_code = 2 if codes == {2} else 1
        lines = "; ".join(str(exc) for exc in report.failures.values())
        super().__init__(f"{len(report.failures)} snapshots not pulled: {lines}")


class BuildFailed(BriefsError):
    """The book could not be compiled from the executed briefs."""

    exit_code = 1


class StaleDocs(BriefsError):
    """The committed reference page no longer matches the commands."""

    exit_code = 1


def exit_code(exc: BaseException) -> int:
    """The exit status for an exception: 2 for bad input, 1 for failures, 3 otherwise."""
    if isinstance(exc, BriefsError):
        return exc.exit_code
    return 3
