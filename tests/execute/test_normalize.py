"""An executed notebook is the same bytes however the kernel cut what a cell printed into messages."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from briefs.execute import normalize
from briefs.execute.run import normalize as normalize_notebook


def stream(name: str, text) -> dict:
    return new_output("stream", name=name, text=text)


def test_adjacent_pieces_of_one_stream_are_joined_and_nothing_else_is():
    shown = new_output("display_data", data={"text/plain": "a table"})
    outputs = [
        stream("stdout", "False 60\n"),
        stream("stdout", ["probe []\n", "None\n"]),  # as read back from a file: a list of lines
        stream("stderr", "a warning\n"),
        stream("stdout", "after the warning\n"),
        shown,
        stream("stdout", "after the table"),
    ]
    joined = normalize.streams(outputs)
    assert [(o["output_type"], o.get("name"), o.get("text")) for o in joined] == [
        ("stream", "stdout", "False 60\nprobe []\nNone\n"),
        ("stream", "stderr", "a warning\n"),
        ("stream", "stdout", "after the warning\n"),
        ("display_data", None, None),
        ("stream", "stdout", "after the table"),
    ]
    assert joined[3] is shown


def test_a_cell_printed_in_one_message_or_in_two_gives_the_same_bytes():
    def executed(*pieces: str) -> str:
        cell = new_code_cell("print(...)", outputs=[stream("stdout", piece) for piece in pieces])
        nb = new_notebook(cells=[cell])
        return nbformat.writes(normalize_notebook(nb, {}))

    whole = executed("one\ntwo\nthree\n")
    assert executed("one\n", "two\nthree\n") == whole
    assert executed("one\ntw", "o\n", "three\n") == whole
    assert executed("one\n", "three\n") != whole
