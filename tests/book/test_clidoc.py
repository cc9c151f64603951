"""The command reference page is generated from the parser and must match it."""

from __future__ import annotations

import argparse

import pytest

from briefs.book import clidoc
from briefs.cli.main import main, parser


def test_committed_reference_matches_the_commands(repo):
    committed = (repo / clidoc.PAGE).read_text(encoding="utf-8")
    assert committed == clidoc.render(parser()), f"{clidoc.PAGE} is stale: run `{clidoc.REGENERATE}` and commit it"


def test_every_command_and_argument_says_what_it_is_for():
    assert clidoc.undocumented(parser()) == []


def test_every_command_has_a_section(repo):
    page = (repo / clidoc.PAGE).read_text(encoding="utf-8")
    for name, _, sub in clidoc._subcommands(parser()):
        assert f"## `briefs {name}`" in page
        for action in sub._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"{option}" in page, (name, option)


def _with_extra_command(help_text: str | None) -> argparse.ArgumentParser:
    top = parser()
    sub = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    p = sub.add_parser("frobnicate", help="a command added after the page was written", description="Frobnicate the briefs.")
    p.add_argument("--level", help=help_text)
    return top


def test_a_new_command_changes_the_page_and_an_unexplained_one_is_caught():
    fresh = clidoc.render(_with_extra_command("how hard"))
    assert fresh != clidoc.render(parser())
    assert "## `briefs frobnicate`" in fresh and "| `--level LEVEL` | how hard |" in fresh
    assert clidoc.undocumented(_with_extra_command(None)) == ["briefs frobnicate --level LEVEL"]


def test_check_fails_on_a_stale_page_and_writing_fixes_it(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    page = project / clidoc.PAGE
    assert main(["docs", "cli", "--check"]) == 0
    page.write_text(page.read_text().replace("## `briefs run`", "## `briefs execute`"))
    assert main(["docs", "cli", "--check"]) == 1
    err = capsys.readouterr().err.strip()
    assert "out of date" in err and clidoc.REGENERATE in err and "\n" not in err
    assert main(["docs", "cli"]) == 0
    assert main(["docs", "cli", "--check"]) == 0
    page.unlink()
    with pytest.raises(clidoc.StaleDocs, match="is missing"):
        clidoc.write(parser(), project, check=True)


def test_exit_statuses_come_from_the_error_classes():
    from briefs import errors

    page = clidoc.render(parser())
    for name in ("UsageError", "DataError", "BriefFailed", "ClaimContradicted", "BuildFailed"):
        cls = getattr(errors, name)
        assert f"| {cls.exit_code} | `{name}` |" in page
