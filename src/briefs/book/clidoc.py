"""The command-line reference page, generated from the parser itself.

Hand-written command documentation drifts the day someone adds an option.
This page is rendered from `briefs.cli.parser()`: the descriptions, usage
lines and argument help that `--help` prints. A test (and `briefs docs cli
--check`) fails when the committed page differs from a fresh rendering, so a
new or changed command cannot reach the book undocumented.

Argument tables are built from the parser's actions rather than copied from
`format_help()`, whose layout changes between Python versions and terminal
widths; the page must be the same wherever it is generated.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from briefs import atomic
from briefs.errors import StaleDocs
from briefs.project.paths import project_root

PAGE = Path("book") / "guides" / "cli.md"
REGENERATE = ".venv/bin/briefs docs cli"
ORDER = 90  # after the guides written by hand


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """(name, one-line help, parser) for each subcommand, in the order they were declared."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            return [(name, helps.get(name, ""), sub) for name, sub in action.choices.items()]
    return []


def _invocation(action: argparse.Action) -> str:
    if not action.option_strings:
        return action.metavar or action.dest
    if action.nargs == 0:
        return ", ".join(action.option_strings)
    metavar = action.metavar or action.dest.upper()
    if isinstance(metavar, tuple):
        metavar = " ".join(metavar)
    if action.nargs in ("*", "+"):
        metavar = f"{metavar} ..."
    return ", ".join(f"{opt} {metavar}" for opt in action.option_strings)


def _usage(prog: str, parser: argparse.ArgumentParser) -> str:
    parts = [prog]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if isinstance(action, argparse._SubParsersAction):
            parts.append(f"{action.metavar or 'COMMAND'} ...")
            continue
        shown = _invocation(action).split(", ")[-1]
        if not action.option_strings:
            if action.nargs in ("*",):
                shown = f"[{shown} ...]"
            elif action.nargs == "?":
                shown = f"[{shown}]"
            elif action.nargs == "+":
                shown = f"{shown} [{shown} ...]"
            parts.append(shown)
        else:
            parts.append(shown if action.required else f"[{shown}]")
    return " ".join(parts)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _arguments(parser: argparse.ArgumentParser) -> list[str]:
    rows = []
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        help_text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS) and action.option_strings and action.nargs != 0:
            help_text += f" (default: {action.default})"
        rows.append(f"| `{_invocation(action)}` | {_cell(help_text)} |")
    if not rows:
        return []
    return ["| argument | what it does |", "|---|---|", *rows, ""]


def undocumented(parser: argparse.ArgumentParser, prefix: str = "briefs") -> list[str]:
    """Commands and arguments with no help text: each must say what it is for."""
    missing = []
    for name, summary, sub in _subcommands(parser):
        where = f"{prefix} {name}"
        if not summary or not sub.description:
            missing.append(where)
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                missing += undocumented(sub, where)
            elif not isinstance(action, argparse._HelpAction) and not action.help:
                missing.append(f"{where} {_invocation(action)}")
    return missing


def _exit_codes() -> list[str]:
    """The error classes of `briefs.errors`, with their exit status and their own docstring."""
    from briefs import errors

    rows = []
    for name, cls in vars(errors).items():
        if isinstance(cls, type) and issubclass(cls, errors.BriefsError) and cls is not errors.BriefsError:
            rows.append((cls.exit_code, name, _cell(cls.__doc__ or "")))
    lines = ["| exit status | error | when |", "|---|---|---|"]
    lines += [f"| {code} | `{name}` | {doc} |" for code, name, doc in sorted(rows)]
    return [*lines, ""]


def _sections(parser: argparse.ArgumentParser, prefix: str) -> list[str]:
    lines = []
    for name, summary, sub in _subcommands(parser):
        prog = f"{prefix} {name}"
        label = "cli-" + prog.split(" ", 1)[1].replace(" ", "-")
        lines += [
            f"({label})=",
            f"## `{prog}`",
            "",
            _cell(sub.description or summary),
            "",
            "```text",
            _usage(prog, sub),
            "```",
            "",
        ]
        lines += _arguments(sub)
        lines += _sections(sub, prog)
    return lines


def render(parser: argparse.ArgumentParser) -> str:
    """The Markdown page, deterministic for a given parser (the `briefs` command's: `briefs.cli.main.parser()`)."""
    commands = ", ".join(f"{{ref}}`{name} <cli-{name}>`" for name, _, _ in _subcommands(parser))
    lines = [
        "---",
        f"order: {ORDER}",
        "---",
        "",
        "% Generated from the commands' own help text. Do not edit this file:",
        f"% change the help in src/briefs/cli/, then run `{REGENERATE}`.",
        "",
        "# Command reference",
        "",
        f"{_cell(parser.description or '')} Every command is run as `.venv/bin/briefs COMMAND` from",
        "the project folder, and `--help` after any command prints the same text as this page.",
        f"The commands: {commands}.",
        "",
        "An error is reported on one line, and the exit status says what kind it was",
        "(0 means the command did what was asked):",
        "",
        *_exit_codes(),
        "```text",
        _usage(parser.prog, parser),
        "```",
        "",
        *_arguments(parser),
        *_sections(parser, parser.prog),
    ]
    while lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def write(parser: argparse.ArgumentParser, root: Path | None = None, check: bool = False) -> Path:
    """Write the page, or with `check` raise StaleDocs when the committed one differs."""
    root = root or project_root()
    path = root / PAGE
    fresh = render(parser)
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != fresh:
            state = "is missing" if not current else "is out of date with the commands"
            raise StaleDocs(f"{PAGE} {state}; regenerate it with `{REGENERATE}` and commit it")
        return path
    atomic.write_text(path, fresh)
    return path
