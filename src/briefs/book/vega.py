"""The script the pages draw their charts with: Vega, Vega-Lite and Vega-Embed as one local file,
made by vl-convert (no network, no npm).

Making it costs vl-convert one to two seconds of a core, during which it holds Python's lock
(no other thread of the process moves), and what it makes depends only on vl-convert's version,
so it is kept once per user (`paths.user_cache_dir`, shared by every project and checkout)
under a name that carries the versions: a cold build, a fresh clone or a test's copy of the
project takes it from there. A build that lacks it starts it in a process of its own before
its briefs run (`start`), on a core the briefs leave idle at times, and staging takes it from
there (`bundle`), making it itself only if that process failed. It is written atomically, so
builds that make it at the same moment each leave a whole file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from briefs import atomic
from briefs.media import VL_VERSION

_started: dict[str, subprocess.Popen] = {}


def path(cache: Path) -> Path:
    """Where the bundle of the installed vl-convert is kept."""
    import vl_convert as vlc

    return Path(cache) / f"vega-{vlc.get_vega_version()}-vl{VL_VERSION}-embed{vlc.get_vega_embed_version()}.js"


def start(cache: Path) -> None:
    """Begin making the bundle in another process, unless it is kept already or being made."""
    target = path(cache)
    running = _started.get(str(target))
    if target.exists() or (running is not None and running.poll() is None):
        return
    _started[str(target)] = subprocess.Popen(
        [sys.executable, "-m", "briefs.book.vega", str(target)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def bundle(cache: Path) -> Path:
    """The kept bundle: waits for the process `start` began, or makes it here."""
    target = path(cache)
    running = _started.pop(str(target), None)
    if running is not None:
        running.wait()
    if not target.exists():
        make(target)
    return target


def make(target: Path) -> None:
    import vl_convert as vlc

    # Wrapped in a function: the bundle's top-level `const`s would otherwise share the page's
    # global scope with every other classic script. It still sets window.vegaEmbed.
    body = vlc.javascript_bundle(vl_version=VL_VERSION)
    atomic.write_text(target, f"(function () {{\n{body}\n}})();\n")


if __name__ == "__main__":
    make(Path(sys.argv[1]))
