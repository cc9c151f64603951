"""Shared fixtures: the repository, and throwaway copies of the project to run briefs in; the fast tier.

The fast tier (`pytest -m "not slow"`) is every test that starts no Jupyter kernel, compiles no
book and opens no browser. A test is slow when it uses a fixture that does (`built_project`,
`browser`, `chromium`: marked here automatically) or carries `pytest.mark.slow` (set by hand
on the tests and modules that run briefs). The marks are checked, not trusted: while a test
that is not marked slow runs (its fixtures included), starting a kernel, compiling the book or
launching Chromium (or a pool of workers to run briefs) fails it, naming the mark it lacks. Only
this process is watched: a kernel started by a `briefs` command the test runs as a subprocess is
not seen, so such tests are marked by hand.

The suite runs on every core (pytest-xdist, `-n auto --dist loadfile` in pyproject.toml): each
file's tests run in order on one worker, so what a file's fixtures build for the whole module
is built once. The session's built book (`built_project`), read by tests in several files, is
built once for the whole run by whichever worker asks first, and read by all (`once_per_run`).
(`--dist loadgroup` would let a file's independent tests spread, but it does not group with
pytest 9.2: pytest-xdist issue 1386.)
"""

from __future__ import annotations

import contextlib
import fcntl
import pickle
import shutil
import sys
from types import SimpleNamespace
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def copy_project(dest: Path, runs_from: Path | None = None) -> Path:
    """The parts of the project a run or build reads: enough to run briefs without touching build/.

    `runs_from`: another copy whose executed briefs and cache records are copied too, so a
    build here re-runs only what differs (the cache is content-addressed: same inputs, same
    outputs) and a test pays for compiling the book, not for running every brief again. The
    charts' SVGs come too, so a brief that does run again draws only the charts that changed.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, dest / name)
    for folder in ("data", "notebooks", "book"):
        shutil.copytree(REPO / folder, dest / folder, ignore=shutil.ignore_patterns("external"))
    if runs_from is not None:
        for sub in ("runs", "cache/briefs", "cache/prose", "cache/charts"):
            if (runs_from / "build" / sub).exists():
                shutil.copytree(runs_from / "build" / sub, dest / "build" / sub)
    return dest


# (module, fixture name) of every fixture that runs briefs, compiles the book or opens a browser.
_SLOW_FIXTURES: set[tuple[str, str]] = {(__name__, "built_project"), (__name__, "browser"), (__name__, "chromium")}


def slow_fixture(function):
    """Put under `@pytest.fixture` of a fixture that runs a brief: every test using it is slow."""
    _SLOW_FIXTURES.add((function.__module__, function.__name__))
    return function


def pytest_collection_modifyitems(items):
    for item in items:
        # A fixture is seen by the tests of its own module, or by every test when it is in conftest.
        if any(
            (item.module.__name__, name) in _SLOW_FIXTURES or (__name__, name) in _SLOW_FIXTURES for name in item.fixturenames
        ):
            item.add_marker(pytest.mark.slow)


def once_per_run(request, name: str, make):
    """`make(folder)`, made once for the whole test run and returned to every worker that asks.

    Without pytest-xdist it is simply made. With it, the first worker to ask makes it in a
    folder all the run's workers share while the others wait, then each reads what it
    returned (pickled); a failure is reported to each worker that asks, not made again.
    """
    factory = request.getfixturevalue("tmp_path_factory")
    if not hasattr(request.config, "workerinput"):
        return make(factory.mktemp(name))
    run = factory.getbasetemp().parent  # this run's folder; each worker's own is inside it
    made, failed = run / f"{name}.pickle", run / f"{name}.failed"
    with open(run / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if failed.exists():
            pytest.fail(f"{name} could not be made (in another worker): {failed.read_text()}", pytrace=False)
        if not made.exists():
            shutil.rmtree(run / name, ignore_errors=True)  # what a worker that died while making it left
            try:
                result = make(run / name)
            except BaseException as exc:
                failed.write_text(f"{type(exc).__name__}: {exc}")
                raise
            made.write_bytes(pickle.dumps(result))
        return pickle.loads(made.read_bytes())


@contextlib.contextmanager
def _fast_only(item):
    """While a fast-tier test (and its fixtures) runs, what makes a test slow fails it instead."""
    if item.get_closest_marker("slow") is not None:
        yield
        return
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    import briefs.book.compile
    import briefs.book.pdf
    import briefs.execute.schedule

    def refuse(what: str):
        def stop(*args, **kwargs):
            pytest.fail(f"{item.nodeid} {what}, so it belongs to the slow tier: mark it pytest.mark.slow", pytrace=False)

        return stop

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(LocalProvisioner, "launch_kernel", refuse("starts a Jupyter kernel"))
        # `briefs run` boots its warm kernel before it checks anything (execute.warm.start_early), so
        # a refused run would count as starting one: no warm kernels here. A brief that really ran
        # would still start a fresh kernel, and be refused by the line above.
        mp.setenv("BRIEFS_FRESH_KERNELS", "1")
        for original, what in (
            (briefs.book.compile.compile_book, "compiles the book"),
            (briefs.execute.schedule.default_executor, "starts workers to run briefs"),
            (briefs.book.pdf.launch, "launches Chromium"),
        ):
            for module in [m for name, m in sys.modules.items() if name.startswith("briefs") and m is not None]:
                for attr, value in list(vars(module).items()):
                    if value is original:
                        mp.setattr(module, attr, refuse(what))
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    with _fast_only(item):
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    with _fast_only(item):
        yield


@pytest.fixture(scope="session")
def built_project(request, chromium):
    """One copy of the project with every brief run and the book built, PDFs included, shared read-only
    by every test of the run (the browser tests read the same book)."""
    from briefs.book.build import build_book

    def build(folder: Path) -> SimpleNamespace:
        root = copy_project(folder / "project")
        states: list[tuple[str, str]] = []
        result = build_book(root, progress=lambda item, state: states.append((item, state)), pdf=True)
        assert result.ok, result.failures
        return SimpleNamespace(root=root, result=result, states=states)

    return once_per_run(request, "built", build)


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; its absence fails the browser tests (they are never skipped)."""
    from briefs.book.pdf import chromium_path, unavailable

    reason = unavailable()
    if reason:
        pytest.fail(
            f"the browser tests need Debian's Chromium and Playwright: {reason}. "
            "Run `make setup` (it installs chromium with apt-get, through sudo when not root; Playwright comes with requirements/test.txt).",
            pytrace=False,
        )
    return chromium_path()


@pytest.fixture(scope="session")
def browser(chromium):
    """One headless Chromium for the whole session (see tests/browsing.py)."""
    from playwright.sync_api import sync_playwright

    from briefs.book.pdf import launch

    with sync_playwright() as pw:
        instance = launch(pw)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(autouse=True)
def _no_external_override(monkeypatch):
    """Tests decide themselves whether official series are present."""
    monkeypatch.delenv("BRIEFS_ROOT", raising=False)
