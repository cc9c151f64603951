"""The CLI is a thin layer: one-line errors and exit codes from one place."""

from __future__ import annotations

import os
import subprocess
import sys

from briefs.cli.main import main


def test_unknown_brief_exits_2_with_one_line(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    assert main(["run", "nope"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: unknown brief 'nope'; known briefs:") and "\n" not in err


def test_list_names_the_briefs(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    assert main(["list"]) == 0
    assert "imumi-factsheet\t001\t" in capsys.readouterr().out


def test_console_script_is_installed(repo):
    exe = os.path.join(os.path.dirname(sys.executable), "briefs")
    proc = subprocess.run([exe, "run", "imumi-factsheet", "-p", "nope", "1"], cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "has no parameter 'nope'" in proc.stderr
