"""The GitHub workflows: valid against GitHub's workflow schema, the README's test command on every push and
pull request, and no release before the tests and `briefs check` pass.

The schema is the copy of SchemaStore's GitHub workflow schema that check-jsonschema ships
(`--builtin-schema vendor.github-workflows`): nothing is downloaded.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"
TEST = WORKFLOWS / "test.yml"
PUBLISH = WORKFLOWS / "publish.yml"
UPDATE = WORKFLOWS / "update-data.yml"


def schema_check(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        capture_output=True,
        text=True,
    )


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in workflow:  # YAML 1.1 reads the key `on` as a boolean
        workflow["on"] = workflow.pop(True)
    return workflow


def runs(workflow: dict, job: str) -> list[str]:
    """The `run` script of each step of a job, '' for steps that use an action."""
    return [step.get("run", "") for step in workflow["jobs"][job]["steps"]]


def first(scripts: list[str], pattern: str) -> int:
    hits = [i for i, script in enumerate(scripts) if re.search(pattern, script, re.M)]
    assert hits, f"no step runs {pattern!r}"
    return hits[0]


def readme_test_command() -> str:
    block = re.search(r"```[a-z]*\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S).group(1)
    (command,) = [ln.split("#")[0].strip() for ln in block.splitlines() if ln.split("#")[0].strip().endswith("test")]
    return command


def test_the_workflows_are_valid():
    assert sorted(p.name for p in WORKFLOWS.glob("*.yml")) == ["publish.yml", "test.yml", "update-data.yml"]
    proc = schema_check(TEST, PUBLISH, UPDATE)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_schema_check_can_fail(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("name: x\non: push\njobs:\n  a:\n    steps:\n      - run: make test\n        uses: actions/checkout@v4\n")
    proc = schema_check(bad)
    assert proc.returncode == 1
    assert "bad.yml" in proc.stdout + proc.stderr


def test_the_test_workflow_runs_the_readme_test_command_on_pushes_and_pull_requests():
    workflow = load(TEST)
    assert {"push", "pull_request"} <= set(workflow["on"])
    (job,) = workflow["jobs"]
    scripts = runs(workflow, job)
    assert readme_test_command() == "make test"
    assert first(scripts, r"^make chromium$") < first(scripts, rf"^{readme_test_command()}$")


def test_the_publish_workflow_tests_and_checks_before_it_releases():
    workflow = load(PUBLISH)
    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    scripts = runs(workflow, "publish")
    chromium = first(scripts, r"^make chromium$")
    tests = first(scripts, r"^make test$")
    check = first(scripts, r"^\.venv/bin/briefs check$")
    release = first(scripts, r"\.venv/bin/briefs release ")
    push = first(scripts, r"git push")
    assert chromium < tests < check < release < push
    assert all(" release " not in script for script in scripts[:release])


def fake_tools(bin_dir: Path, uid: int, log: Path) -> None:
    """`id`, `sudo` and `apt-get` that record how they were called instead of doing anything."""
    bin_dir.mkdir()
    scripts = {
        "id": f"#!/bin/sh\necho {uid}\n",
        "sudo": f'#!/bin/sh\necho "sudo $*" >> {log}\n[ "$1" = -n ] && shift\nexec "$@"\n',
        "apt-get": f'#!/bin/sh\necho "apt-get $*" >> {log}\n',
    }
    for name, body in scripts.items():
        path = bin_dir / name
        path.write_text(body)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.mark.parametrize(
    ("uid", "expected"),
    [
        (0, ["apt-get update -qq", "apt-get install -y -qq chromium-headless-shell fonts-liberation"]),
        (
            1001,
            [
                "sudo -n true",
                "sudo apt-get update -qq",
                "apt-get update -qq",
                "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell fonts-liberation",
                "apt-get install -y -qq chromium-headless-shell fonts-liberation",
            ],
        ),
    ],
    ids=["root", "not-root"],
)
def test_make_chromium_uses_sudo_where_not_root(tmp_path, uid, expected):
    log = tmp_path / "calls.log"
    fake_tools(tmp_path / "bin", uid, log)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"}
    proc = subprocess.run(
        ["make", "--no-print-directory", "-s", "chromium", f"CHROMIUM={tmp_path / 'no-chromium'}"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert log.read_text().splitlines() == expected


def test_make_chromium_does_nothing_when_chromium_is_there(tmp_path):
    log = tmp_path / "calls.log"
    fake_tools(tmp_path / "bin", 1001, log)
    present = tmp_path / "chromium"
    present.write_text("#!/bin/sh\n")
    present.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"}
    proc = subprocess.run(["make", "-s", "chromium", f"CHROMIUM={present}"], cwd=REPO, env=env, capture_output=True, text=True)
    assert proc.returncode == 0 and not log.exists()


@pytest.mark.parametrize("whole_browser", [True, False], ids=["whole-browser-there", "nothing-there"])
def test_make_chromium_falls_back_to_the_whole_browser_only_when_the_shell_cannot_be_installed(tmp_path, whole_browser):
    log = tmp_path / "calls.log"
    fake_tools(tmp_path / "bin", 0, log)
    (tmp_path / "bin" / "apt-get").write_text(f'#!/bin/sh\necho "apt-get $*" >> {log}\nexit 100\n')  # no package index
    whole = tmp_path / "chromium"
    if whole_browser:
        whole.write_text("#!/bin/sh\n")
        whole.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"}
    proc = subprocess.run(
        ["make", "--no-print-directory", "-s", "chromium", f"CHROMIUM={tmp_path / 'no-shell'}", f"WHOLE_CHROMIUM={whole}"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert log.read_text().splitlines() == ["apt-get update -qq"]
    if whole_browser:
        assert proc.returncode == 0 and f"{whole} is used instead" in proc.stdout, proc.stdout + proc.stderr
    else:
        assert proc.returncode != 0, proc.stdout + proc.stderr
