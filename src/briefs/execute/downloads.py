"""One file name per download on a page: a table and a chart must not both offer `x.csv`.

Tables and charts name their CSV download after their own name, and the two are named
independently, so a brief can give a table and a chart the same name. The page then offers
two different files under one name, and the PDF, which carries the data as attachments keyed
by file name, silently keeps only one of them. A run that produces such a page fails instead,
naming the file, before its executed notebook replaces the last good one.
"""

from __future__ import annotations

import re
from collections import Counter

import nbformat

from briefs.errors import BriefFailed
from briefs.execute import readback

DOWNLOAD = re.compile(r'<a class="briefs-download" download="([^"]+)"')


def offered(nb: nbformat.NotebookNode) -> list[str]:
    """The file names of every download link in an executed brief, in page order."""
    return [name for markup in readback.html_outputs(nb) for name in DOWNLOAD.findall(markup)]


def clashes(nb: nbformat.NotebookNode) -> list[str]:
    """File names that more than one download link on the page offers."""
    return sorted(name for name, count in Counter(offered(nb)).items() if count > 1)


def check_unique(nb: nbformat.NotebookNode, brief: str) -> None:
    twice = clashes(nb)
    if twice:
        raise BriefFailed(
            f"{brief}: two tables or charts offer the same download {', '.join(twice)}: give each table and chart its own name"
        )
