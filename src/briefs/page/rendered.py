"""The static SVGs of the charts drawn before, by their Vega-Lite spec.

vl-convert draws a chart in about 0.1 s, and the same spec always gives the same SVG. A pool's
kernels have it drawn by one engine they share (page.drawing: `ENGINE` says where it listens);
any other kernel draws for itself. Either way, a chart is drawn once and kept twice:

- in this process, for the last `KEEP` charts: a warm kernel (execute.warm) imports this module
  before its snapshot, so what is kept here outlives the reset between briefs;
- in the project's `build/cache/charts/` (`project.paths.charts_cache_dir`), one file per chart
  named by its key, for the last `KEEP_ON_DISK` charts: a kernel that has not drawn a chart yet
  (a pool's worker, the preview's kernel on its first edit) finds it there. execute.run names
  that folder (`media.CHARTS_ENV`) only for a run published into build/; a run written
  elsewhere (`briefs check`, `briefs run --output`) neither reads nor writes it.

A brief run again after a data edit (`briefs preview`, a build) therefore draws only the charts
whose spec changed. The key is the spec, the Vega-Lite version and vl-convert's own version,
so a new vl-convert draws every chart again; deleting `build/` (or only `build/cache/charts/`)
does the same by hand, for example after the machine's fonts changed (vl-convert measures text
with them). Where `build/` cannot be written, only the process keeps what it drew.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import OrderedDict
from pathlib import Path

from briefs.media import CHARTS_ENV
from briefs.page import drawing

KEEP = 64  # charts; a brief draws a handful, the book a few dozen
KEEP_ON_DISK = 256  # about 40 kB each; a long preview of data edits does not grow it without end
STALE = 600  # seconds: a half-written file this old was left by a process that died

_SVGS: OrderedDict[str, str] = OrderedDict()
# Where the engine shared by a pool's kernels listens (page.drawing), set by the kernel's preload
# (execute.warm); None: this process draws its charts itself.
ENGINE: str | None = None


def key(spec: dict, vl_version: str) -> str:
    import vl_convert as vlc

    text = json.dumps([spec, vl_version, vlc.__version__], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def svg(spec: dict, vl_version: str) -> str:
    """The SVG vl-convert draws for `spec`, drawn again only if it is kept neither here nor on disk."""
    name = key(spec, vl_version)
    folder = disk_folder()
    drawn = _SVGS.get(name)
    if drawn is not None:
        _SVGS.move_to_end(name)
        # A warm kernel serves several projects (and the tests' copies of one): a chart it drew
        # for one is still kept in the folder of the run under way, for that project's next kernel.
        if folder and _read(folder / f"{name}.svg") is None:
            _write(folder, name, drawn)
        return drawn
    drawn = _read(folder / f"{name}.svg") if folder else None
    if drawn is None:
        drawn = (ENGINE and drawing.draw(ENGINE, spec, vl_version)) or _draw(spec, vl_version)
        if folder:
            _write(folder, name, drawn)
    _SVGS[name] = drawn
    while len(_SVGS) > KEEP:
        _SVGS.popitem(last=False)
    return drawn


def _draw(spec: dict, vl_version: str) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec, vl_version=vl_version)


def disk_folder() -> Path | None:
    """Where the run under way keeps its charts (execute.run sets it for a run published into the
    project's build/), or None: a run written elsewhere, a notebook opened in Jupyter."""
    value = os.environ.get(CHARTS_ENV)
    return Path(value) if value else None


def _read(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("<svg"):  # not what vl-convert writes: drawn again, and replaced
        return None
    try:
        os.utime(path)  # kept longest: the charts used last
    except OSError:
        pass
    return text


def _write(folder: Path, name: str, drawn: str) -> None:
    """Keep `drawn` on disk (renamed into place, so another process reads all of it or nothing),
    and the newest `KEEP_ON_DISK` charts only."""
    from briefs import atomic

    try:
        atomic.write_text(folder / f"{name}.svg", drawn)
        kept = sorted(folder.glob("*.svg"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in kept[KEEP_ON_DISK:]:
            old.unlink(missing_ok=True)
        for partial in folder.glob(".*.partial"):  # left by a process killed while it wrote
            if time.time() - partial.stat().st_mtime > STALE:
                partial.unlink(missing_ok=True)
    except OSError:  # a read-only build folder, a chart removed by another process: only a shortcut
        pass
