"""The CLI is a thin layer: one-line errors and exit codes from one place."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

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


@pytest.mark.slow
def test_briefs_run_boots_its_kernel_before_it_loads_and_checks_anything(project, monkeypatch):
    """`briefs run` starts its warm kernel first, so the kernel boots while the command imports
    papermill and pandas and checks the parameters and data; that kernel then runs the brief."""
    from briefs.execute import run as runner
    from briefs.execute import warm

    order = []
    start_early, parameters_of = warm.start_early, runner.parameters_of
    monkeypatch.setattr(warm, "start_early", lambda root: (order.append("kernel started"), start_early(root))[1])
    monkeypatch.setattr(runner, "parameters_of", lambda path: (order.append("parameters read"), parameters_of(path))[1])
    monkeypatch.chdir(project)
    warm.shutdown_all()
    try:
        assert main(["run", "mpi-brief", "-o", str(project / "build" / "scratch" / "mpi.ipynb")]) == 0
        assert order == ["kernel started", "parameters read"]
        kernel = warm.current()
        assert kernel is not None and kernel.uses == 1, "the kernel started first ran the brief"
    finally:
        warm.shutdown_all()
