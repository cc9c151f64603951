"""`briefs validate`: check data before any brief reads it.

A brief validates each resource as it loads it, but an author replacing a CSV
wants the verdict before running anything, for every resource at once, and
for a candidate package kept outside `data/`. This is that check and nothing
more: it reads each resource through `Package.table`, the same code path a
brief uses, so a resource that passes here loads in a brief.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from briefs.data.package import load_package
from briefs.errors import DataError


@dataclass(frozen=True)
class Verdict:
    resource: str
    rows: int | None  # None when the resource failed
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def validate(resources: list[str] | None = None, package: str | os.PathLike | None = None) -> list[Verdict]:
    """One verdict per resource (all of them when none are named), in the package's order.

    An unknown resource name is an error before anything is read, so a typo is
    not mistaken for a clean bill.
    """
    pkg = load_package(Path(package) if package else None)
    names = list(resources) if resources else pkg.resource_names()
    for name in names:
        pkg.resource(name)  # raises DataError listing the known names
    verdicts = []
    for name in names:
        try:
            rows = len(pkg.table(name))
        except DataError as exc:
            verdicts.append(Verdict(name, None, str(exc)))
        else:
            verdicts.append(Verdict(name, rows))
    return verdicts
