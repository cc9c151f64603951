"""Faults during a build: a brief that raises, a build or run killed with SIGKILL, a swap cut in half.

What must survive is what was last published: `build/runs` and `build/html`
hold, file for file, either the previous good build or the new one, never a
mixture inside a file and never a half-swapped book; and the next build
completes. The briefs are the two tiny ones of `miniproject`, so real kernels
and a real `jupyter-book build` run in seconds.
"""

from __future__ import annotations

import itertools
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import miniproject
from briefs import atomic
from briefs.publish import editions
from briefs.book.build import build_book
from briefs.cli.main import main
from conftest import slow_fixture
from trees import tree_digest

_stamps = itertools.count(1)


def snapshot(root: Path) -> dict[str, dict[str, str]]:
    return {name: tree_digest(root / "build" / name) for name in ("runs", "html")}


@pytest.fixture(scope="module")
@slow_fixture
def mini(tmp_path_factory):
    """A built mini project, and how long its book took to compile."""
    root = miniproject.make(tmp_path_factory.mktemp("faults") / "project")
    times = {}
    result = build_book(root, progress=lambda item, state: times.setdefault(state.split()[0], time.monotonic()))
    assert result.ok, result.failures
    return root, times["written"] - times["compiling"]


def _killed(root: Path, argv: list[str], trigger: str | None, delay: float) -> tuple[str, bool]:
    """Run `briefs ARGV` in its own process group (its kernels and Sphinx too) and SIGKILL the group
    `delay` seconds after `trigger` appears on stderr, or after the start when there is no trigger."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefs.cli.main", *argv], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()
    seen = []
    alive = False
    try:
        deadline = time.monotonic() + 180
        while trigger and not any(trigger in line for line in seen):
            try:
                seen.append(lines.get(timeout=max(deadline - time.monotonic(), 0.1)))
            except queue.Empty:
                pytest.fail(f"no {trigger!r} from briefs {' '.join(argv)}; it said: {''.join(seen)}")
        time.sleep(delay)
    finally:
        alive = proc.poll() is None
        if alive:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return "".join(seen), alive


def test_a_build_killed_at_any_point_leaves_the_last_good_book(mini, monkeypatch):
    root, compile_time = mini
    old = snapshot(root)
    stamp = f"killed-{next(_stamps)}"
    miniproject.set_stamp(root, stamp)
    rng = random.Random()
    seed = rng.randrange(10**6)
    rng.seed(seed)
    points = [
        (["build", "-j", "1"], "beta running", 0.3),  # one at a time: alpha's new notebook is in, beta's is not
        (["run", "alpha"], None, rng.uniform(1.0, 3.0)),  # a lone run, killed while starting or in its kernel
        (["build"], "book compiling", 0.3 * compile_time),  # in Sphinx
        (["build"], "book compiling", rng.uniform(0.6, 1.1) * compile_time),  # late in Sphinx, or at the swap
    ]
    after_kills = []
    for argv, trigger, delay in points:
        said, alive = _killed(root, argv, trigger, delay)
        after_kills.append((f"{' '.join(argv)} killed {delay:.2f}s after {trigger!r} (seed {seed})", snapshot(root), said, alive))
    assert sum(alive for *_, alive in after_kills) >= len(points) - 1, "the kills must land while the commands run"
    mixed = after_kills[0][1]  # killed while beta ran: alpha's notebook is already new, the book still old
    assert mixed["runs"]["alpha.ipynb"] != old["runs"]["alpha.ipynb"] and mixed["html"] == old["html"]

    monkeypatch.chdir(root)
    assert main(["build"]) == 0, "the next build must complete"
    new = snapshot(root)
    assert new["html"] != old["html"] and new["runs"] != old["runs"], "the stamp must show in the outputs"
    assert stamp in (root / "build" / "html" / "briefs" / "beta.html").read_text()
    assert mixed["runs"]["alpha.ipynb"] == new["runs"]["alpha.ipynb"]
    for when, state, said, _ in after_kills:
        assert state["html"] in (old["html"], new["html"]), f"{when}: build/html is neither the old book nor the new one"
        for path, digest in state["runs"].items():
            assert digest in (old["runs"].get(path), new["runs"].get(path)), f"{when}: build/runs/{path} is partial ({said})"
        assert set(old["runs"]) <= set(state["runs"]), f"{when}: a published notebook disappeared"
    leftovers = [p.name for p in (root / "build").iterdir() if p.name not in ("runs", "html", "book", "cache", "failed", "tmp")]
    leftovers += [p.name for p in (root / "build" / "tmp").glob("*")]
    assert leftovers == [], "scratch left by the killed builds must be cleared by the next one"


def test_a_brief_that_raises_fails_alone_and_keeps_its_last_output(mini, monkeypatch, capsys):
    root, _ = mini
    before = snapshot(root)
    stamp = f"raised-{next(_stamps)}"
    miniproject.set_stamp(root, stamp)
    source = miniproject.break_brief(root, "beta")
    monkeypatch.chdir(root)
    try:
        status = main(["build"])
    finally:
        (root / "notebooks" / "beta.md").write_text(source)
    err = capsys.readouterr().err
    after = snapshot(root)

    assert status == 1
    # Cell 3 counting from 0: the title, the parameters, the print, then the division.
    assert re.search(r"^  beta: cell 3 raised ZeroDivisionError: division by zero$", err, re.M), err
    assert re.search(r"^alpha done", err, re.M), "the other brief still runs"
    assert after["runs"]["beta.ipynb"] == before["runs"]["beta.ipynb"], "beta's last good notebook is kept"
    assert after["html"]["briefs/beta.html"] == before["html"]["briefs/beta.html"], "and so is its page"
    assert after["runs"]["alpha.ipynb"] != before["runs"]["alpha.ipynb"]
    assert stamp in (root / "build" / "html" / "briefs" / "alpha.html").read_text()
    failed = (root / "build" / "failed" / "beta.ipynb").read_text()
    assert f"beta reads {stamp}" in failed and "ZeroDivisionError" in failed, "the failed run is kept for the author"


def test_a_swap_cut_between_its_renames_is_undone(tmp_path, monkeypatch):
    target, new = tmp_path / "html", tmp_path / "new"
    for folder, text in ((target, "old"), (new, "new")):
        (folder / "briefs").mkdir(parents=True)
        (folder / "index.html").write_text(text)
        (folder / "briefs" / "page.html").write_text(text)
    monkeypatch.setattr(atomic, "exchange", lambda a, b: False)  # as on a system without renameat2
    real_replace = os.replace

    def crash_on_second(src, dst, calls=[]):
        calls.append(src)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed between the renames")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        atomic.replace_dir(new, target)
    monkeypatch.setattr(os, "replace", real_replace)
    assert not target.exists()  # the moment a reader could see no book at all
    atomic.recover_dir(target)
    assert (target / "index.html").read_text() == "old" and (target / "briefs" / "page.html").read_text() == "old"


def test_the_swap_is_one_atomic_exchange_where_the_system_allows(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "f").write_text("a")
    (b / "f").write_text("b")
    swapped = atomic.exchange(a, b)
    if sys.platform.startswith("linux"):
        assert swapped, "Linux has renameat2; without it the book would be missing for a moment at every swap"
    if swapped:
        assert (a / "f").read_text() == "b" and (b / "f").read_text() == "a"
    else:  # elsewhere it must say so and touch nothing
        assert (a / "f").read_text() == "a" and (b / "f").read_text() == "b"


def test_published_notebooks_get_ordinary_permissions(tmp_path):
    target = tmp_path / "runs" / "x.ipynb"
    atomic.write_text(target, "{}\n", scratch=tmp_path / "tmp")
    assert target.read_text() == "{}\n"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert list((tmp_path / "tmp").iterdir()) == []


# --- releases ---------------------------------------------------------------------------------

SITE_OLD, SITE_NEW = "1.0", "1.1"


def listed(site: Path) -> list[str]:
    return [e["version"] for e in editions.read_versions(site)]


@pytest.fixture()
def released(mini, monkeypatch):
    """The mini project with one edition on its site; the site as it was."""
    root, _ = mini
    monkeypatch.chdir(root)
    site = root / "site"
    if site.exists():
        shutil.rmtree(site)
    assert main(["release", SITE_OLD, "--date", "2026-11-01"]) == 0
    return root, site, tree_digest(site)


def test_a_release_killed_at_any_point_leaves_the_published_site(mini, released):
    root, site, before = released
    _, compile_time = mini
    miniproject.set_stamp(root, f"release-{next(_stamps)}")
    rng = random.Random()
    seed = rng.randrange(10**6)
    rng.seed(seed)
    argv = ["release", SITE_NEW, "--date", "2026-11-02", "--force"]  # --force: a kill may land after the swap
    points = [
        ("alpha running", rng.uniform(0.2, 2.0)),  # in a kernel
        ("book compiling", rng.uniform(0.2, 0.9) * compile_time),  # in Sphinx
        ("site publishing", rng.uniform(0.0, 0.1)),  # putting the next site together, or swapping it in
    ]
    states = []
    for trigger, delay in points:
        said, alive = _killed(root, argv, trigger, delay)
        states.append((f"killed {delay:.2f}s after {trigger!r} (seed {seed})", tree_digest(site), said, alive))
    assert sum(alive for *_, alive in states) >= len(points) - 1, "the kills must land while the release runs"
    # (every step of the publishing itself is killed in turn by the next test)

    assert main(argv) == 0, "the next release must complete"
    after = tree_digest(site)
    assert listed(site) == [SITE_NEW, SITE_OLD]
    assert {k: v for k, v in before.items() if k.startswith(SITE_OLD + "/")} == {
        k: v for k, v in after.items() if k.startswith(SITE_OLD + "/")
    }, "the earlier edition is never changed"
    for when, state, said, _ in states:
        assert state in (before, after), f"{when}: site/ is neither the last good site nor the new one ({said})"
    assert not list(root.glob(".site-release-*")) and not (root / "site.old").exists(), "the next release clears the scratch"


KILL_AT_STEP = r"""
import os, shutil, signal, sys
from pathlib import Path
from briefs import atomic
from briefs.publish import editions

site, edition, work, at, exchange = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
if not exchange:
    atomic.exchange = lambda a, b: False  # as on a system without renameat2: two renames
steps = []

def step(kind, real):
    def wrapped(*args, **kwargs):
        steps.append(kind)
        if len(steps) == at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return wrapped

os.replace = step("rename", os.replace)
os.link = step("link", os.link)
atomic.exchange = step("exchange", atomic.exchange)
shutil.rmtree = step("remove", shutil.rmtree)
editions.publish(site, sys.argv[6], edition, sys.argv[7].split(","), work)
print(",".join(steps))
"""


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_publishing_killed_at_each_step_leaves_the_old_site_or_the_new(released, tmp_path, exchange):
    """SIGKILL at every rename, exchange and removal of the publish step (and at some hard links):
    right after the kill `site/` is the old site or the new one (with renameat2), and after the
    next release's recovery it always is, with nothing left beside it."""
    root, site, before = released
    edition = tmp_path / "edition"
    shutil.copytree(site / SITE_OLD, edition)
    (edition / "index.html").write_text("the new edition")

    def publish(at: int, into: Path) -> subprocess.CompletedProcess:
        ed = tmp_path / f"edition-{at}"
        shutil.copytree(edition, ed)
        work = into.parent / f"{editions.work_prefix(into)}{at}"
        work.mkdir()
        return subprocess.run([sys.executable, "-c", KILL_AT_STEP, str(into), str(ed), str(work), str(at),
                               "1" if exchange else "0", SITE_NEW, f"{SITE_NEW},{SITE_OLD}"],
                              capture_output=True, text=True)

    pristine = tmp_path / "pristine" / "site"
    shutil.copytree(site, pristine)
    rehearsal = shutil.copytree(site, tmp_path / "rehearsal" / "site")
    done = publish(0, rehearsal)  # no kill: the steps, and the site they make
    assert done.returncode == 0, done.stderr
    after = tree_digest(rehearsal)
    assert after != before
    steps = done.stdout.strip().split(",")
    assert "rename" in steps and "exchange" in steps and "link" in steps
    links = [n for n, kind in enumerate(steps, 1) if kind == "link"]
    points = [n for n, kind in enumerate(steps, 1) if kind != "link"] + random.Random(7).sample(links, min(3, len(links)))
    for at in sorted(points):
        got = publish(at, site)
        when = f"killed at step {at} of {len(steps)} ({steps[at - 1]})"
        assert got.returncode == -signal.SIGKILL, f"{when}: not killed: {got.stderr}"
        if exchange:
            assert tree_digest(site) in (before, after), f"{when}: readers saw a mixed site"
        editions.recover(site)
        state = tree_digest(site)
        assert state in (before, after), f"{when}: a mixed site after recovery"
        assert not list(site.parent.glob(editions.work_prefix(site) + "*")) and not site.with_name("site.old").exists()
        if state == after:  # the swap was done: the next point starts from the old site again
            shutil.rmtree(site)
            shutil.copytree(pristine, site)
