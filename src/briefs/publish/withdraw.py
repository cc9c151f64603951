"""`briefs withdraw VERSION`: take an edition off the site, in one step.

An edition released by mistake (a wrong name, a broken page nobody should
cite) is removed the way editions are added: the next site is assembled
beside the current one, without the edition, with `versions.json`, the
switcher script, `latest/` and the root page written afresh for the editions
that remain, and the two folders are exchanged in one rename
(`atomic.replace_dir`). Readers see the old site or the new one, never a site
whose list names an edition that is gone. The last edition cannot be
withdrawn this way: remove `site/` itself to unpublish everything.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from briefs import atomic
from briefs.errors import UsageError
from briefs.project import paths
from briefs.publish import editions
from briefs.publish.release import exclusive


@dataclass
class Withdrawn:
    name: str
    site: Path
    remaining: list[str]


def withdraw(name: str, *, root: Path | None = None, site: Path | None = None) -> Withdrawn:
    """Remove edition `name` from `site/` and relist the others, atomically."""
    editions.check_name(name)
    site = Path(site) if site else paths.site_dir(root)
    with exclusive(site):
        order = [e["version"] for e in editions.read_versions(site)]
        if name not in order:
            known = ", ".join(order) or "(none)"
            raise UsageError(f"no edition {name!r} in {site}; its editions are: {known}")
        remaining = [v for v in order if v != name]
        if not remaining:
            raise UsageError(f"edition {name!r} is the only edition in {site}; remove the folder to unpublish the site")
        with tempfile.TemporaryDirectory(prefix=editions.work_prefix(site), dir=site.parent) as tmp:
            staged = Path(tmp) / "site"
            drop = {name, *editions.SHARED}
            shutil.copytree(
                site,
                staged,
                symlinks=True,
                copy_function=editions._link_or_copy,
                ignore=lambda folder, names: [n for n in names if n in drop] if folder == str(site) else [],
            )
            editions.write_shared(staged, remaining)
            atomic.replace_dir(staged, site)
    return Withdrawn(name=name, site=site, remaining=remaining)
