"""A chart's static SVG is drawn once per spec, kept in the process and in the project's build/cache,
and a kept SVG is the one vl-convert draws."""

from __future__ import annotations

import pytest

from briefs.media import CHARTS_ENV, VL_VERSION
from briefs.page import rendered

pytestmark = pytest.mark.slow  # vl-convert draws charts


@pytest.fixture(autouse=True)
def on_disk(tmp_path, monkeypatch):
    """Each test its own empty process memory and its own chart folder."""
    monkeypatch.setattr(rendered, "_SVGS", type(rendered._SVGS)())
    folder = tmp_path / "build" / "cache" / "charts"
    monkeypatch.setenv(CHARTS_ENV, str(folder))
    return folder


def counting(monkeypatch, draw=None):
    import vl_convert as vlc

    drawn = []
    draw = draw or vlc.vegalite_to_svg
    monkeypatch.setattr(vlc, "vegalite_to_svg", lambda s, **k: (drawn.append(s), draw(s, **k))[1])
    return drawn


def spec(values: list[int]) -> dict:
    return {
        "mark": "bar",
        "data": {"values": [{"x": i, "y": v} for i, v in enumerate(values)]},
        "encoding": {"x": {"field": "x", "type": "ordinal"}, "y": {"field": "y", "type": "quantitative"}},
    }


def test_a_spec_is_drawn_once_and_a_changed_one_again(monkeypatch):
    import vl_convert as vlc

    draw = vlc.vegalite_to_svg
    drawn = counting(monkeypatch)
    first = rendered.svg(spec([1, 2, 3]), VL_VERSION)
    again = rendered.svg(spec([1, 2, 3]), VL_VERSION)
    other = rendered.svg(spec([1, 2, 4]), VL_VERSION)
    assert len(drawn) == 2 and first == again and other != first
    assert first == draw(spec([1, 2, 3]), vl_version=VL_VERSION), "a kept SVG is what vl-convert draws"


def test_only_the_last_charts_are_kept(monkeypatch):
    import vl_convert as vlc

    monkeypatch.setattr(rendered, "KEEP", 2)
    monkeypatch.setattr(vlc, "vegalite_to_svg", lambda s, **k: f"<svg>{s['data']['values']}</svg>")
    for values in ([1], [2], [1], [3]):
        rendered.svg(spec(values), VL_VERSION)
    assert list(rendered._SVGS) == [rendered.key(spec(v), VL_VERSION) for v in ([1], [3])]


def test_a_process_that_never_drew_a_chart_finds_it_in_the_project(monkeypatch, on_disk):
    first = rendered.svg(spec([5, 6]), VL_VERSION)
    assert (on_disk / f"{rendered.key(spec([5, 6]), VL_VERSION)}.svg").read_text(encoding="utf-8") == first
    assert [p.name for p in on_disk.iterdir()] == [f"{rendered.key(spec([5, 6]), VL_VERSION)}.svg"], "nothing half-written"
    rendered._SVGS.clear()  # another kernel, or this one after a restart
    drawn = counting(monkeypatch)
    assert rendered.svg(spec([5, 6]), VL_VERSION) == first and drawn == []
    rendered.svg(spec([5, 7]), VL_VERSION)
    assert drawn == [spec([5, 7])], "a spec not seen before is drawn"


def test_a_chart_kept_in_the_process_is_kept_in_each_projects_folder_too(monkeypatch, on_disk, tmp_path):
    """A warm kernel serves several copies of the project: a chart it drew for one is put in the
    folder of the next run that uses it, without drawing it again."""
    name = f"{rendered.key(spec([8, 9]), VL_VERSION)}.svg"
    first = rendered.svg(spec([8, 9]), VL_VERSION)
    other = tmp_path / "other" / "build" / "cache" / "charts"
    monkeypatch.setenv(CHARTS_ENV, str(other))
    drawn = counting(monkeypatch)
    assert rendered.svg(spec([8, 9]), VL_VERSION) == first and drawn == []
    assert (other / name).read_text(encoding="utf-8") == first
    (other / name).write_text("damaged", encoding="utf-8")
    rendered.svg(spec([8, 9]), VL_VERSION)
    assert (other / name).read_text(encoding="utf-8") == first and drawn == [], "a damaged copy is replaced from memory"


def test_a_new_vl_convert_draws_every_chart_again(monkeypatch):
    import vl_convert as vlc

    before = rendered.key(spec([1]), VL_VERSION)
    monkeypatch.setattr(vlc, "__version__", vlc.__version__ + ".next")
    assert rendered.key(spec([1]), VL_VERSION) != before


def test_a_damaged_file_is_drawn_again_and_replaced(monkeypatch, on_disk):
    good = rendered.svg(spec([8]), VL_VERSION)
    path = on_disk / f"{rendered.key(spec([8]), VL_VERSION)}.svg"
    path.write_text("not a chart", encoding="utf-8")
    rendered._SVGS.clear()
    drawn = counting(monkeypatch)
    assert rendered.svg(spec([8]), VL_VERSION) == good and len(drawn) == 1
    assert path.read_text(encoding="utf-8") == good


def test_only_the_newest_charts_stay_on_disk(monkeypatch, on_disk):
    import os

    monkeypatch.setattr(rendered, "KEEP_ON_DISK", 2)
    counting(monkeypatch, draw=lambda s, **k: f"<svg>{s['data']['values']}</svg>")
    for i, values in enumerate(([1], [2], [3])):
        rendered.svg(spec(values), VL_VERSION)
        path = on_disk / f"{rendered.key(spec(values), VL_VERSION)}.svg"
        os.utime(path, ns=(i * 10**9, i * 10**9))  # one second apart, whatever the clock's resolution
    assert sorted(p.stem for p in on_disk.glob("*.svg")) == sorted(rendered.key(spec(v), VL_VERSION) for v in ([2], [3]))


def test_where_nothing_can_be_kept_the_chart_is_still_drawn(monkeypatch, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be", encoding="utf-8")
    monkeypatch.setenv(CHARTS_ENV, str(blocked / "charts"))
    drawn = counting(monkeypatch, draw=lambda s, **k: "<svg>x</svg>")
    assert rendered.svg(spec([9]), VL_VERSION) == "<svg>x</svg>" and len(drawn) == 1
    monkeypatch.delenv(CHARTS_ENV)  # a run written elsewhere, a notebook opened in Jupyter
    assert rendered.svg(spec([10]), VL_VERSION) == "<svg>x</svg>" and len(drawn) == 2
    assert not (tmp_path / "build").exists()


def test_a_half_written_file_left_by_a_dead_process_is_removed_in_time(monkeypatch, on_disk):
    import os
    import time

    on_disk.mkdir(parents=True)
    old, new = on_disk / ".a.svg.abc.partial", on_disk / ".b.svg.def.partial"
    for path in (old, new):
        path.write_text("<sv", encoding="utf-8")
    then = time.time() - rendered.STALE - 60
    os.utime(old, (then, then))
    counting(monkeypatch, draw=lambda s, **k: "<svg>y</svg>")
    rendered.svg(spec([11]), VL_VERSION)
    assert not old.exists() and new.exists(), "one being written now by another process stays"
