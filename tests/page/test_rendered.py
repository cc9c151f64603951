"""A chart's static SVG is drawn once per spec in a process, and a kept SVG is the one vl-convert draws."""

from __future__ import annotations

import pytest

from briefs.media import VL_VERSION
from briefs.page import rendered

pytestmark = pytest.mark.slow  # vl-convert draws charts


def spec(values: list[int]) -> dict:
    return {
        "mark": "bar",
        "data": {"values": [{"x": i, "y": v} for i, v in enumerate(values)]},
        "encoding": {"x": {"field": "x", "type": "ordinal"}, "y": {"field": "y", "type": "quantitative"}},
    }


def test_a_spec_is_drawn_once_and_a_changed_one_again(monkeypatch):
    import vl_convert as vlc

    monkeypatch.setattr(rendered, "_SVGS", type(rendered._SVGS)())
    drawn = []
    draw = vlc.vegalite_to_svg
    monkeypatch.setattr(vlc, "vegalite_to_svg", lambda s, **k: (drawn.append(s), draw(s, **k))[1])
    first = rendered.svg(spec([1, 2, 3]), VL_VERSION)
    again = rendered.svg(spec([1, 2, 3]), VL_VERSION)
    other = rendered.svg(spec([1, 2, 4]), VL_VERSION)
    assert len(drawn) == 2 and first == again and other != first
    assert first == draw(spec([1, 2, 3]), vl_version=VL_VERSION), "a kept SVG is what vl-convert draws"


def test_only_the_last_charts_are_kept(monkeypatch):
    import vl_convert as vlc

    monkeypatch.setattr(rendered, "_SVGS", type(rendered._SVGS)())
    monkeypatch.setattr(rendered, "KEEP", 2)
    monkeypatch.setattr(vlc, "vegalite_to_svg", lambda s, **k: f"<svg>{s['data']['values']}</svg>")
    for values in ([1], [2], [1], [3]):
        rendered.svg(spec(values), VL_VERSION)
    assert list(rendered._SVGS) == [rendered.key(spec(v), VL_VERSION) for v in ([1], [3])]
