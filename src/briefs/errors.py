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


class BuildFailed(BriefsError):
    """The book could not be compiled from the executed briefs."""

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


def exit_code(exc: BaseException) -> int:
    """The exit status for an exception: 2 for bad input, 1 for failures, 3 otherwise."""
    if isinstance(exc, BriefsError):
        return exc.exit_code
    return 3
