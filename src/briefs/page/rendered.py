"""The static SVGs of the last charts drawn in this process, by their Vega-Lite spec.

vl-convert draws a chart in about 0.1 s, and the same spec always gives the same SVG. A warm
kernel (execute.warm) imports this module before its snapshot, so what is kept here outlives
the reset between briefs: a brief run again after a data edit (`briefs preview`, a build)
draws only the charts whose spec changed. A fresh kernel starts empty and draws the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict

KEEP = 64  # charts; a brief draws a handful, the book a few dozen

_SVGS: OrderedDict[str, str] = OrderedDict()


def key(spec: dict, vl_version: str) -> str:
    text = json.dumps([spec, vl_version], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def svg(spec: dict, vl_version: str) -> str:
    """The SVG vl-convert draws for `spec`, drawn again only if it is not kept."""
    name = key(spec, vl_version)
    drawn = _SVGS.get(name)
    if drawn is None:
        import vl_convert as vlc

        drawn = vlc.vegalite_to_svg(spec, vl_version=vl_version)
        _SVGS[name] = drawn
        while len(_SVGS) > KEEP:
            _SVGS.popitem(last=False)
    else:
        _SVGS.move_to_end(name)
    return drawn
