"""A brief's name and document come from the run, not from the notebook's own text."""

from __future__ import annotations

import pytest

from briefs.errors import UsageError
from briefs.page import claims, context, sources


@pytest.fixture()
def no_run(monkeypatch):
    monkeypatch.delenv(context.BRIEF_ENV, raising=False)
    monkeypatch.delenv(context.JUPYTER_ENV, raising=False)
    return monkeypatch


def test_the_run_names_the_brief(no_run):
    no_run.setenv(context.BRIEF_ENV, "imumi-factsheet")
    no_run.setenv(context.JUPYTER_ENV, "notebooks/mpi-brief.md")  # the run wins over Jupyter's session
    assert context.brief_name() == "imumi-factsheet"
    assert claims.Ledger().brief == "imumi-factsheet"
    assert claims.Ledger("override", strict=True).brief == "override"


def test_in_jupyter_the_notebooks_file_name_stands_in(no_run):
    no_run.setenv(context.JUPYTER_ENV, "notebooks/just-security-article.md")
    assert context.brief_name() == "just-security-article"
    no_run.setenv(context.JUPYTER_ENV, "/home/me/briefs/notebooks/mpi-brief.ipynb")
    assert context.brief_name() == "mpi-brief"


def test_outside_a_run_and_jupyter_the_error_is_one_line_that_says_what_to_do(no_run):
    with pytest.raises(UsageError, match="does not know which brief") as caught:
        claims.Ledger()
    assert "\n" not in str(caught.value) and "briefs run NAME" in str(caught.value)


def test_the_document_comes_from_the_front_matter(no_run, repo):
    no_run.setenv("BRIEFS_ROOT", str(repo))
    no_run.setenv(context.BRIEF_ENV, "nijc-fwd-chapter")
    assert context.document_id() == "004"
    assert context.document_id("cilp-colmex-paper") == "000"
    assert context.document_id("figure-ledger") == ""  # a page that draws on several documents
    with pytest.raises(UsageError, match="unknown brief 'nothing-here'"):
        context.document_id("nothing-here")


def test_sources_take_the_running_briefs_document(no_run, repo, monkeypatch):
    from briefs.data.package import load_package

    no_run.setenv("BRIEFS_ROOT", str(repo))
    no_run.setenv(context.BRIEF_ENV, "imumi-factsheet")
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda bundle, raw: shown.append(bundle))
    pkg = load_package(repo / "data" / "datapackage.json")
    sources.show(pkg)
    sources.show(pkg, "")  # an explicit document (here: several) is kept
    assert [b[sources.SOURCES_MIME]["document"] for b in shown] == ["001", ""]
    assert shown[0]["text/plain"] == "Sources for document 001"
