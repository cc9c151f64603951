"""Reading an executed notebook back: once per version of the file, and again once it is replaced."""

from __future__ import annotations

import nbformat

from briefs import atomic
from briefs.execute import readback


def notebook(text: str) -> str:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
    return nbformat.writes(nb)


def test_a_notebook_is_read_once_per_version_of_its_file(tmp_path, monkeypatch):
    path = tmp_path / "brief.ipynb"
    atomic.write_text(path, notebook("first"))
    reads = []
    real = nbformat.read
    monkeypatch.setattr(nbformat, "read", lambda *a, **k: reads.append(a[0]) or real(*a, **k))
    one, again = readback.load(path), readback.load(tmp_path / "." / "brief.ipynb")
    assert one is again and len(reads) == 1 and one.cells[0].source == "first"
    atomic.write_text(path, notebook("first"))  # the same bytes, written again by a run: a new file
    assert readback.load(path) is not one and len(reads) == 2
    atomic.write_text(path, notebook("second"))
    assert readback.load(path).cells[0].source == "second" and len(reads) == 3
