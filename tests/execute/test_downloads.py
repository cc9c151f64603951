"""One file name per download on a page, checked when a brief runs."""

from __future__ import annotations

import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from briefs.execute import downloads
from briefs.page import tables
from briefs.errors import BriefFailed
from briefs.execute.run import run_brief

FRAME = pd.DataFrame({"month": ["2023-05", "2023-06"], "people": [10, 20]}).set_index("month")


def page(*markups: str):
    cells = [new_markdown_cell('<a class="briefs-download" download="prose.csv" href="#">not an output</a>')]
    cells += [new_code_cell("show", outputs=[new_output("display_data", data={"text/html": m})]) for m in markups]
    return new_notebook(cells=cells)


def test_every_download_of_a_page_is_found_in_page_order():
    nb = page(tables.to_html(FRAME, "by-month", "By month"), tables.download_link(FRAME, "trend.csv"))
    assert downloads.offered(nb) == ["by-month.csv", "trend.csv"]
    assert downloads.clashes(nb) == []


def test_a_table_and_a_chart_of_the_same_name_clash():
    nb = page(
        tables.to_html(FRAME, "by-month", "By month"),
        tables.download_link(FRAME, "by-month.csv", "Download the chart data (CSV)"),
    )
    assert downloads.clashes(nb) == ["by-month.csv"]
    with pytest.raises(BriefFailed, match=r"demo: .*same download by-month\.csv"):
        downloads.check_unique(nb, "demo")


@pytest.mark.slow
def test_a_run_whose_page_offers_one_file_twice_fails_and_writes_nothing(project):
    """A chart renamed after a table of the same brief: the run fails before its notebook is written."""
    source = project / "notebooks" / "imumi-factsheet.md"
    text = source.read_text(encoding="utf-8")
    assert '"returns-by-month", "Returns to Mexico by month and nationality"' in text
    source.write_text(
        text.replace('"returns-by-month", "Returns to Mexico', '"returns-by-sex", "Returns to Mexico'), encoding="utf-8"
    )
    with pytest.raises(BriefFailed, match=r"imumi-factsheet: .*returns-by-sex\.csv"):
        run_brief("imumi-factsheet", root=project)
    assert not (project / "build" / "runs" / "imumi-factsheet.ipynb").exists()
