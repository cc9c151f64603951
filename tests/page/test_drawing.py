"""The engine shared by a pool's kernels draws what vl-convert draws in the kernel, is sent only specs
JSON gives back exactly, and leaves the kernel to draw for itself whenever it cannot answer."""

from __future__ import annotations

import os

import altair as alt
import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc

from briefs.execute.chartengine import ChartEngine
from briefs.media import VL_VERSION
from briefs.page import drawing, rendered


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    shared = ChartEngine(tmp_path_factory.mktemp("engine"), dict(os.environ))
    yield shared
    shared.close()


def chart_spec() -> dict:
    frame = pd.DataFrame({"month": pd.date_range("2023-01-01", periods=6, freq="MS"), "events": [3, 1, 4, 1, 5, 9]})
    chart = alt.Chart(frame, title="Events").mark_line(point=True).encode(x="month:T", y="events:Q")
    return chart.to_dict()


def test_the_engine_draws_what_vl_convert_draws_in_the_kernel(running):
    spec = chart_spec()
    assert drawing.plain(spec)
    drawn = drawing.draw(running.address, spec, VL_VERSION)
    assert drawn is not None and drawn.startswith("<svg")
    assert drawn == vlc.vegalite_to_svg(spec, vl_version=VL_VERSION)


@pytest.mark.parametrize(
    "odd",
    [
        {"values": (1, 2)},  # a tuple comes back a list
        {"value": np.float64(0.5)},  # a float's subclass comes back a float
        {1: "one"},  # a key comes back a string
        {"when": pd.Timestamp("2024-01-01")},  # JSON cannot write it
    ],
)
def test_a_spec_json_would_not_give_back_exactly_is_drawn_in_the_kernel(running, odd):
    spec = {**chart_spec(), "usermeta": odd}
    assert not drawing.plain(spec)
    assert drawing.draw(running.address, spec, VL_VERSION) is None


def test_a_spec_vl_convert_refuses_is_left_to_the_kernel_and_the_engine_goes_on(running):
    assert drawing.draw(running.address, {"mark": 5}, VL_VERSION) is None
    with pytest.raises(ValueError, match="conversion failed"):
        rendered._draw({"mark": 5}, VL_VERSION)  # the error the brief sees, from its own vl-convert
    assert drawing.draw(running.address, chart_spec(), VL_VERSION) is not None


def test_without_an_engine_the_kernel_draws_the_same_chart(tmp_path, monkeypatch):
    spec = chart_spec()
    assert drawing.draw(str(tmp_path / "none"), spec, VL_VERSION) is None
    monkeypatch.setattr(rendered, "ENGINE", str(tmp_path / "none"))
    monkeypatch.setattr(rendered, "_SVGS", type(rendered._SVGS)())
    monkeypatch.delenv(rendered.CHARTS_ENV, raising=False)
    assert rendered.svg(spec, VL_VERSION) == vlc.vegalite_to_svg(spec, vl_version=VL_VERSION)


def test_an_answer_cut_short_is_not_taken_for_a_chart(tmp_path):
    """An engine that ends while it answers (its build killed) must not leave half an SVG to be
    kept on disk as the chart: the answer says its length, and a shorter one is refused."""
    import socket
    import threading

    svg = b"<svg><g>chart</g></svg>"
    answers = [b"+" + len(svg).to_bytes(drawing.LENGTH, "big") + svg, b"+" + len(svg).to_bytes(drawing.LENGTH, "big") + svg[:9]]
    address = str(tmp_path / "engine")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(2)

    def answer():
        for reply in answers:
            conn, _ = listener.accept()
            with conn:
                drawing._read_all(conn)
                conn.sendall(reply)

    server = threading.Thread(target=answer, daemon=True)
    server.start()
    try:
        assert drawing.draw(address, chart_spec(), VL_VERSION) == svg.decode()
        assert drawing.draw(address, chart_spec(), VL_VERSION) is None
    finally:
        server.join(10)
        listener.close()
