"""The guides cannot drift: every command they show is run here, against a copy of the project.

Rules for the fenced blocks of `book/guides/*.md`:
- ```` ```console ```` blocks are sessions: `$ command` lines, each followed by the output it
  must print. In expected output `...` stands for any text on a line, and a line that is only
  `...` for any number of lines. A command is expected to exit 0 unless it ends with a comment
  saying `exit status N`.
- ```` ```python ```` blocks are executed, in order, and must not raise.
- ```` ```json ```` blocks must parse; one that shows a resource of the data package must be
  that resource exactly as committed.
- other shell blocks (`sh`, `bash`, `shell`) are refused, except the README's own two commands,
  `make book` and `make test`, under a `% not run: REASON` comment: they are what CI itself runs.
Each guide runs in its own fresh copy of the project, blocks in the order they appear; a guide
whose examples start from another state says so in its text, and `_prepare` sets that state up.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, copy_project

GUIDES = sorted((REPO / "book" / "guides").glob("*.md"))
SHELLS = {"sh", "bash", "shell", "zsh"}
NOT_RUN = re.compile(r"^\s*%\s*not run:\s*(\S.*)$")
EXIT = re.compile(r"#.*\bexit status (\d+)\s*$")
ALLOWED_NOT_RUN = {"make book", "make test"}


@dataclass
class Block:
    guide: str
    line: int
    lang: str
    body: str
    not_run: str | None


def blocks(path: Path) -> list[Block]:
    """Fenced blocks with their language and the `% not run:` reason just above, if any."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found, i, previous = [], 0, ""
    while i < len(lines):
        match = re.match(r"^(\s*)(`{3,}|~{3,})\s*([^\s`{]*)", lines[i])
        if not match:
            if lines[i].strip():
                previous = lines[i]
            i += 1
            continue
        indent, fence, lang = match.groups()
        start, body = i + 1, []
        i += 1
        while i < len(lines) and not re.match(rf"^\s*{re.escape(fence)}\s*$", lines[i]):
            body.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i])
            i += 1
        reason = NOT_RUN.match(previous)
        found.append(Block(path.name, start, lang.lower(), "\n".join(body), reason.group(1) if reason else None))
        previous, i = "", i + 1
    return found


def sessions(block: Block) -> list[tuple[str, int, list[str]]]:
    """(command, expected exit status, expected output lines) for each `$ ` line of a console block."""
    out: list[tuple[str, int, list[str]]] = []
    for line in block.body.splitlines():
        if line.startswith("$ "):
            command = line[2:]
            code = EXIT.search(command)
            out.append((command, int(code.group(1)) if code else 0, []))
        else:
            assert out, f"{block.guide}:{block.line}: a console block must start with a `$ ` command line"
            out[-1][2].append(line)
    return out


def pattern(expected: list[str]) -> re.Pattern:
    parts = []
    for line in expected:
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(re.escape(line.rstrip()).replace(r"\.\.\.", r"[^\n]*") + r"\n")
    return re.compile("".join(parts))


KERNEL_LOG = re.compile(r"^\[IPKernelApp\] ")


def normalised(output: str) -> str:
    """Output with trailing spaces removed and without the Jupyter kernel's own log lines.

    The kernel sometimes logs its shutdown on the terminal it inherited (a race
    in jupyter_client); that line says nothing about the command's result.
    """
    lines = [ln.rstrip() for ln in output.splitlines() if not KERNEL_LOG.match(ln)]
    return "".join(f"{ln}\n" for ln in lines)


@pytest.fixture()
def sandbox(tmp_path: Path) -> Path:
    """A copy of the project whose `.venv` is the environment running the tests."""
    root = copy_project(tmp_path / "project")
    (root / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return root


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFS_")}
    # Terminal-independent output: no colours, no wrapping, stdout and stderr in the order written.
    env.update(COLUMNS="200", NO_COLOR="1", TERM="dumb", PYTHONUNBUFFERED="1")
    return env


def test_there_are_guides():
    names = {p.stem for p in GUIDES}
    assert {"rerun", "add-a-brief", "review", "publish", "methods", "cli"} <= names


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.stem)
def test_blocks_follow_the_rules(guide):
    for block in blocks(guide):
        where = f"{block.guide}:{block.line}"
        if block.lang in SHELLS:
            assert block.not_run, f"{where}: a `{block.lang}` block must be a console session, or marked `% not run: REASON`"
            commands = {ln.strip() for ln in block.body.splitlines() if ln.strip()}
            assert commands <= ALLOWED_NOT_RUN, f"{where}: only {sorted(ALLOWED_NOT_RUN)} may be shown without being run"
        elif block.lang == "console":
            assert not block.not_run, f"{where}: console blocks are always run"
            assert sessions(block)
        elif block.lang == "json":
            json.loads(block.body)


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.stem)
def test_json_examples_match_the_data_package(guide):
    committed = {r["name"]: r for r in json.loads((REPO / "data" / "datapackage.json").read_text())["resources"]}
    for block in blocks(guide):
        if block.lang == "json":
            shown = json.loads(block.body)
            if isinstance(shown, dict) and shown.get("name") in committed:
                assert shown == committed[shown["name"]], f"{block.guide}:{block.line}: stale copy of resource {shown['name']!r}"


def _prepare(guide: Path, sandbox: Path) -> None:
    """The state a guide says its examples start from, when it is not the fresh copy itself."""
    if guide.stem == "rerun":  # official series in place, one recorded at an older vintage, a newer file in incoming/
        from vintage_helpers import rerun_guide_setup

        rerun_guide_setup(sandbox)


@pytest.mark.parametrize(
    "guide", [g for g in GUIDES if any(b.lang in ("console", "python") for b in blocks(g))], ids=lambda p: p.stem
)
@pytest.mark.slow
def test_examples_run_as_shown(guide, sandbox):
    _prepare(guide, sandbox)
    env = _env()
    for block in blocks(guide):
        where = f"{block.guide}:{block.line}"
        if block.lang == "python":
            proc = subprocess.run(
                [sys.executable, "-c", block.body], cwd=sandbox, env=env, capture_output=True, text=True, timeout=600
            )
            assert proc.returncode == 0, f"{where}: the Python example raised:\n{proc.stderr[-2000:]}"
        elif block.lang == "console":
            for command, status, expected in sessions(block):
                proc = subprocess.run(
                    ["bash", "-c", command],
                    cwd=sandbox,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    timeout=900,
                )
                got = normalised(proc.stdout)
                assert proc.returncode == status, f"{where}: `{command}` exited {proc.returncode}, not {status}:\n{got}"
                assert pattern(expected).fullmatch(got), (
                    f"{where}: `{command}` printed something other than the guide shows.\n"
                    f"guide:\n" + "\n".join(expected) + f"\nactual:\n{got}"
                )


def test_the_pattern_rules_can_fail():
    """The matcher is strict outside `...`: a changed word or an extra line is caught."""
    assert pattern(["a: ... rows, valid"]).fullmatch("a: 5 rows, valid\n")
    assert not pattern(["a: ... rows, valid"]).fullmatch("a: 5 rows, invalid\n")
    assert not pattern(["a: ... rows, valid"]).fullmatch("a: 5 rows, valid\nb: 1 rows, valid\n")
    assert pattern(["a: ... rows, valid", "..."]).fullmatch("a: 5 rows, valid\nb: 1 rows, valid\n")
    assert pattern(["...", "x", "..."]).fullmatch("w\nx\ny\n")
    assert pattern([]).fullmatch("")
    assert not pattern([]).fullmatch("unexpected\n")


def test_readme_keeps_its_two_commands_first_and_links_every_guide():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```[a-z]*\n(.*?)```", readme, re.S).group(1)
    assert [ln.split("#")[0].strip() for ln in first.strip().splitlines()] == ["make book", "make test"]
    for guide in GUIDES:
        assert f"](book/guides/{guide.name})" in readme, f"README does not link {guide.name}"
