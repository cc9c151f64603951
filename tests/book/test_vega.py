"""The Vega bundle: made in a process of its own while the briefs run, kept, and made by staging
itself when that process fails."""

from __future__ import annotations

import sys

import pytest

from briefs.book import vega

pytestmark = pytest.mark.slow  # vl-convert takes a second or two to make it


def looks_like_the_bundle(path) -> bool:
    text = path.read_text(encoding="utf-8")
    return text.startswith("(function () {") and "vegaEmbed" in text and len(text) > 500_000


def test_the_bundle_is_made_aside_and_kept(tmp_path):
    vega.start(tmp_path)
    maker = vega._started[str(vega.path(tmp_path))]
    assert maker.args[1:3] == ["-m", "briefs.book.vega"]
    path = vega.bundle(tmp_path)
    assert maker.returncode == 0 and looks_like_the_bundle(path)
    assert [p.name for p in tmp_path.iterdir()] == [path.name], "nothing but the bundle is left in the cache"
    made = path.stat().st_mtime_ns
    vega.start(tmp_path)  # kept: nothing is started again
    assert str(path) not in vega._started
    assert vega.bundle(tmp_path).stat().st_mtime_ns == made


def test_staging_makes_it_when_the_process_failed(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", "/bin/false")
    vega.start(tmp_path)
    maker = vega._started[str(vega.path(tmp_path))]
    path = vega.bundle(tmp_path)
    assert maker.returncode != 0 and looks_like_the_bundle(path)
