"""A large resource is validated by the fast pass, once per run, and a fault at its end is found exactly; the fast
pass never passes what Frictionless refuses. (How fast, for 50 MB: the benchmark, benchmarks/bench_build.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from briefs.data import package
from briefs.data.verdicts import validate
from briefs.errors import DataError
from conftest import copy_project, slow_fixture

NAT = "data/inm_returns_by_nationality.csv"


def _nationalities(root: Path) -> list[str]:
    descriptor = json.loads((root / "data" / "datapackage.json").read_text())
    schema = next(r for r in descriptor["resources"] if r["name"] == "inm_returns_by_nationality")["schema"]
    return next(f for f in schema["fields"] if f["name"] == "nationality")["constraints"]["enum"]


def write_large(root: Path, megabytes: int = 5) -> int:
    """A valid nationality table of about `megabytes` MB: one-day periods, every nationality each day."""
    names = _nationalities(root)
    lines, size, day = ["period_start,period_end,nationality,people"], 0, date(1700, 1, 1)
    while size < megabytes * 10**6:
        text = day.isoformat()
        for i, name in enumerate(names):
            line = f"{text},{text},{name},{(day.toordinal() * 7 + i) % 1000}"
            lines.append(line)
            size += len(line) + 1
        day += timedelta(days=1)
    (root / NAT).write_text("\n".join(lines) + "\n")
    return len(lines) - 1


@pytest.fixture(scope="module")
@slow_fixture  # a 5 MB file, validated twice
def large(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("large") / "project")
    return root, write_large(root)


def test_a_large_valid_resource_is_validated_without_frictionless(large, monkeypatch):
    root, rows = large
    assert (root / NAT).stat().st_size >= 5 * 10**6
    monkeypatch.setattr(package, "_frictionless", lambda *a, **k: pytest.fail("a valid file went to Frictionless"))
    monkeypatch.chdir(root)
    [verdict] = validate(["inm_returns_by_nationality"])
    assert verdict.ok and verdict.rows == rows


def test_a_fault_at_the_end_of_a_large_file_is_found_exactly_from_that_row_alone(large, tmp_path, monkeypatch):
    root, rows = large
    monkeypatch.chdir(root)
    original = (root / NAT).read_bytes()
    read = []
    frictionless = package._frictionless
    monkeypatch.setattr(package, "_frictionless", lambda *a, **k: (read.append((a, k)), frictionless(*a, **k))[1])
    try:
        (root / NAT).write_bytes(original + b"2300-01-01,2300-01-01,Cuba,-5\n")
        with pytest.raises(DataError) as caught:
            package.load_package().table("inm_returns_by_nationality")
        assert str(caught.value) == f"{NAT}: row {rows + 2}, column people: '-5' is below the minimum 0"
        (args, kwargs), *_ = read
        assert len(args[1]) == 2 and kwargs.get("alone") == rows + 2, "Frictionless read more than the header and the suspect row"
    finally:
        (root / NAT).write_bytes(original)


KERNEL_SIDE = """
import sys
from briefs.data import package
package.validate_table = lambda *a, **k: sys.exit("validated a second time")
pkg = package.load_package(sys.argv[1])
for name in pkg.resource_names():
    pkg.table(name)
print("read", len(pkg.resource_names()))
"""


def test_a_run_validates_each_resource_once(tmp_path, monkeypatch):
    """The process that starts the kernel validates every resource (preflight) and hands the kernel
    the keys of what passed; the kernel, reading the same bytes, does not validate again. Changed
    bytes are validated again."""
    from briefs.execute.run import preflight

    root = copy_project(tmp_path / "project")
    monkeypatch.delenv(package.VALIDATED_ENV, raising=False)
    preflight({}, {}, root)
    env = dict(os.environ)
    assert len(env[package.VALIDATED_ENV].split()) >= len(
        package.load_package(root / "data" / "datapackage.json").resource_names()
    )
    kernel = [sys.executable, "-c", KERNEL_SIDE, str(root / "data" / "datapackage.json")]
    done = subprocess.run(kernel, capture_output=True, text=True, env=env, cwd=root)
    assert done.returncode == 0 and done.stdout.startswith("read"), done.stderr

    docs = root / "data" / "documents.csv"
    docs.write_bytes(docs.read_bytes() + b"\n")  # same table, different bytes: a new key
    done = subprocess.run(kernel, capture_output=True, text=True, env=env, cwd=root)
    assert done.returncode != 0 and "validated a second time" in done.stderr


def test_a_schema_naming_the_default_missing_values_is_checked_by_the_fast_pass(tmp_path, monkeypatch):
    """`missingValues: [""]` is Table Schema's default, and the fast pass's own reading of an empty
    cell; any other list still sends the file to Frictionless."""
    from briefs.data import fastcheck

    root = copy_project(tmp_path / "project")
    schema = json.loads((root / "data" / "schemas" / "coverage.json").read_text())
    assert schema["missingValues"] == [""]
    monkeypatch.setattr(package, "VALIDATED", set())
    monkeypatch.delenv(package.VALIDATED_ENV, raising=False)
    monkeypatch.setattr(package, "_frictionless", lambda *a, **k: pytest.fail("a valid file went to Frictionless"))
    checked = []
    real = fastcheck.first_suspect
    monkeypatch.setattr(fastcheck, "first_suspect", lambda *a: checked.append(a) or real(*a))
    monkeypatch.chdir(root)
    [verdict] = validate(["coverage"])
    assert verdict.ok and verdict.rows > 100 and len(checked) == 1

    rows = [[f["name"] for f in schema["fields"]]]
    with pytest.raises(fastcheck.Unsupported):
        real(rows, {**schema, "missingValues": ["", "NA"]})
