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
from briefs.execute import cache
from briefs.execute.variants import set_id
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
        [sys.executable, "-m", "briefs.cli.main", *argv],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
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
        # A lone run, killed while starting or in its kernel: it takes about 1.7 s on a quiet machine
        # (its kernel warm from the start), so a later kill often found it finished.
        (["run", "alpha"], None, rng.uniform(0.5, 1.5)),
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


@pytest.fixture(scope="module")
def first_site(mini, tmp_path_factory):
    """The mini project's site after its first release (one edition), kept aside: released once."""
    root, _ = mini
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        assert main(["release", SITE_OLD, "--date", "2026-11-01"]) == 0
    return shutil.copytree(root / "site", tmp_path_factory.mktemp("first-site") / "site")


@pytest.fixture()
def released(mini, first_site, monkeypatch):
    """The mini project with one edition on its site (a copy of its first release); the site as it was."""
    root, _ = mini
    monkeypatch.chdir(root)
    site = root / "site"
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(first_site, site, symlinks=True)
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
        return subprocess.run(
            [
                sys.executable,
                "-c",
                KILL_AT_STEP,
                str(into),
                str(ed),
                str(work),
                str(at),
                "1" if exchange else "0",
                SITE_NEW,
                f"{SITE_NEW},{SITE_OLD}",
            ],
            capture_output=True,
            text=True,
        )

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


# --- issue 20: runs that must not be published, runs that stop early, limits -----------------


def _append_cell(root: Path, name: str, code: str, front: str | None = None) -> str:
    """Add a code cell at the end of brief `name` (and keys to its `briefs:` block); returns the source to restore."""
    path = root / "notebooks" / f"{name}.md"
    source = path.read_text()
    text = source.replace("  summary:", f"{front}\n  summary:", 1) if front else source
    path.write_text(text + f"\n```{{code-cell}} ipython3\n{code}\n```\n")
    return source


def test_a_run_with_other_parameters_is_never_published(mini, monkeypatch, capsys):
    root, _ = mini
    monkeypatch.chdir(root)
    assert main(["build", "--no-run", "--no-pdf"]) == 0, capsys.readouterr().err  # what is published is what its records describe
    capsys.readouterr()
    before = snapshot(root)
    published = root / "build" / "runs" / "alpha.ipynb"
    kept = published.read_bytes()

    assert main(["run", "alpha", "-p", "label", "custom-label"]) == 0
    err = capsys.readouterr().err
    variant = sorted((root / "build" / "variants").glob("alpha@*.ipynb"))
    assert len(variant) == 1 and "custom-label reads" in variant[0].read_text()
    assert variant[0].name == f"alpha@{set_id({'label': 'custom-label'})}.ipynb"
    assert f"-> {variant[0]} (not published: parameters other than the brief's own: label=custom-label)" in " ".join(err.split())
    assert snapshot(root) == before, "a run with other parameters changes neither build/runs nor the book"
    assert main(["build", "--no-run", "--no-pdf"]) == 0  # a build never publishes it
    assert "book unchanged, not recompiled" in capsys.readouterr().err
    assert snapshot(root) == before

    # A notebook that is not the run its record describes is never published, even with --no-run.
    shutil.copyfile(variant[0], published)
    try:
        assert main(["build", "--no-run", "--no-pdf"]) == 1
        assert capsys.readouterr().err == (
            f"error: {published}: it is not the executed notebook its cache record describes; "
            "run `briefs build` (without --no-run) to run it again\n"
        )
        assert snapshot(root)["html"] == before["html"]
    finally:
        published.write_bytes(kept)


EARLY_STOPS = [
    (
        "sys-exit",
        "import sys\nsys.exit()",
        None,
        "beta: cell 3 stopped the brief early (SystemExit 0); a brief must run to its end",
    ),
    (
        "exit-status-zero",
        "raise SystemExit(0)",
        None,
        "beta: cell 3 stopped the brief early (SystemExit 0); a brief must run to its end",
    ),
    ("dead-kernel", "import os\nos._exit(3)", None, "beta: the kernel died in cell 3 (it exited, crashed or was killed)"),
    (
        "endless-loop",
        "while True:\n    pass",
        "  timeout: 3",
        "beta: stopped in cell 3 at its time limit of 3 seconds (briefs: timeout in its front matter)",
    ),
    (
        "output-flood",
        'print("x" * 200_000)',
        "  max_output_mb: 0.1",
        "beta: stopped after cell 3: its outputs reached 0.2 MB, over its limit of 0.1 MB (briefs: max_output_mb in its front matter)",
    ),
]


@pytest.mark.parametrize("code, front, expected", [c[1:] for c in EARLY_STOPS], ids=[c[0] for c in EARLY_STOPS])
def test_a_run_that_stops_early_fails_and_keeps_the_last_good_notebook(mini, monkeypatch, capsys, code, front, expected):
    """papermill calls `sys.exit()` a clean stop; a dead kernel, an endless loop and a flood of output
    never end well either: each is a failed run, in one line, with the last good notebook kept."""
    root, _ = mini
    monkeypatch.chdir(root)
    before = snapshot(root)
    failed = root / "build" / "failed" / "beta.ipynb"
    failed.unlink(missing_ok=True)
    source = _append_cell(root, "beta", code, front)
    started = time.monotonic()
    try:
        status = main(["run", "beta"])
    finally:
        (root / "notebooks" / "beta.md").write_text(source)
    assert capsys.readouterr().err == f"error: {expected}\n"
    assert status == 1
    assert snapshot(root) == before, "the last good notebook and book are kept"
    assert failed.exists(), "the failed run is kept for the author"
    assert time.monotonic() - started < 120


def test_limits_in_front_matter_are_checked(mini, monkeypatch, capsys):
    root, _ = mini
    monkeypatch.chdir(root)
    before = snapshot(root)
    source = _append_cell(root, "beta", "pass", "  timeout: soon")
    try:
        assert main(["run", "beta"]) == 2
    finally:
        (root / "notebooks" / "beta.md").write_text(source)
    assert (
        capsys.readouterr().err == "error: notebooks/beta.md: briefs.timeout must be a number of seconds above zero, got 'soon'\n"
    )
    assert snapshot(root) == before


def test_front_matter_is_plain_text_and_its_edits_rebuild_the_book(mini, monkeypatch, capsys):
    """A summary is shown as written, never parsed as MyST (a directive in it once published a file
    from the host); and editing it is enough for `build --no-run` to recompile the landing page."""
    root, _ = mini
    monkeypatch.chdir(root)
    assert main(["build", "--no-run", "--no-pdf"]) == 0
    secret = root.parent / "secret.txt"
    secret.write_text("host-secret-4242\n")
    path = root / "notebooks" / "alpha.md"
    source = path.read_text()
    hostile = f'  summary: "Plain words {{sub-ref}}`today`.\\n\\n```{{literalinclude}} {secret}\\n```\\n"'
    path.write_text(source.replace("  summary: A brief that only reads the stamp file.", hostile, 1))
    try:
        assert main(["build", "--no-run", "--no-pdf"]) == 0
    finally:
        path.write_text(source)
    index = (root / "build" / "html" / "intro.html").read_text()  # the landing page (index.html redirects to it)
    assert "host-secret-4242" not in index
    assert "Plain words {sub-ref}`today`. ```{literalinclude} " in index


def _site_with(tmp_path: Path, names: list[str]) -> Path:
    site = tmp_path / "site"
    order: list[str] = []
    for name in names:
        edition = tmp_path / f"edition-{name}"
        (edition / "briefs").mkdir(parents=True)
        (edition / "index.html").write_text(f"edition {name}")
        (edition / "briefs" / "alpha.html").write_text(f"alpha in {name}")
        order.insert(0, name)
        work = tmp_path / f"{editions.work_prefix(site)}{name}"
        work.mkdir()
        editions.publish(site, name, edition, list(order), work)
        shutil.rmtree(work)
    return site


def test_an_edition_is_withdrawn_in_one_step(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    site = _site_with(tmp_path, ["1.0", "1.1", "1.2"])
    kept = {v: tree_digest(site / v) for v in ("1.0", "1.1")}

    assert main(["withdraw", "1.2", "--site", str(site)]) == 0
    assert listed(site) == ["1.1", "1.0"]
    assert not (site / "1.2").exists()
    assert {v: tree_digest(site / v) for v in ("1.0", "1.1")} == kept, "the other editions are untouched"
    assert "../../1.1/briefs/alpha.html" in (site / "latest" / "briefs" / "alpha.html").read_text()
    assert "1.2" not in (site / "index.html").read_text() and "1.2" not in (site / "editions.js").read_text()
    assert not list(tmp_path.glob(editions.work_prefix(site) + "*")) and not (tmp_path / "site.old").exists()

    capsys.readouterr()
    before = tree_digest(site)
    assert main(["withdraw", "1.2", "--site", str(site)]) == 2
    assert capsys.readouterr().err == f"error: no edition '1.2' in {site}; its editions are: 1.1, 1.0\n"
    assert main(["withdraw", "1.1\n", "--site", str(site)]) == 2
    assert "edition name '1.1\\n' is not allowed" in capsys.readouterr().err
    assert tree_digest(site) == before


def test_the_last_edition_is_not_withdrawn(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    site = _site_with(tmp_path, ["1.0"])
    before = tree_digest(site)
    assert main(["withdraw", "1.0", "--site", str(site)]) == 2
    assert (
        capsys.readouterr().err
        == f"error: edition '1.0' is the only edition in {site}; remove the folder to unpublish the site\n"
    )
    assert tree_digest(site) == before


@pytest.mark.slow
def test_three_builds_at_once_equal_one_clean_build(tmp_path):
    """Builds on one folder take turns (the second and third say they wait); the result is
    the book one clean build makes, with no scratch left."""
    shared = miniproject.make(tmp_path / "shared", stamp="stress")
    argv = [sys.executable, "-m", "briefs.cli.main", "build", "--no-pdf"]
    procs = [subprocess.Popen(argv, cwd=shared, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    errs = [p.communicate(timeout=900)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errs
    assert sum("waiting: another briefs process is changing" in err for err in errs) >= 1, errs
    assert not any("Traceback" in err for err in errs), errs

    clean = miniproject.make(tmp_path / "clean", stamp="stress")
    assert build_book(clean, pdf=False).ok
    assert snapshot(shared) == snapshot(clean)
    assert "stress" in (shared / "build" / "html" / "briefs" / "beta.html").read_text()
    assert list((shared / "build" / "tmp").glob("*")) == []


def _interrupted(root: Path, argv: list[str], trigger: str, delay: float) -> tuple[int, str]:
    """Run `briefs ARGV` as a terminal would (its own process group, SIGINT not ignored) and press
    Ctrl-C (SIGINT to the whole group) `delay` seconds after `trigger` appears on stderr."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefs.cli.main", *argv],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if trigger in line:
            break
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGINT)
    seen.append(proc.stderr.read())
    proc.wait(timeout=300)
    return proc.returncode, "".join(seen)


@pytest.mark.parametrize(
    "argv, trigger, slow",
    [
        # beta waits: the mini briefs end, and the book is built, within the second waited
        (["build", "--force", "--no-pdf", "-j", "2"], "beta running", True),
        (["build", "--force", "--pdf"], "pdf printing", False),
    ],
    ids=["while-briefs-run", "while-printing-pdfs"],
)
def test_ctrl_c_exits_130_without_a_crash(mini, chromium, argv, trigger, slow):
    root, _ = mini
    before = snapshot(root)
    source = miniproject.slow_brief(root, "beta") if slow else None
    started = time.monotonic()
    try:
        status, err = _interrupted(root, argv, trigger, 1.0)
    finally:
        if source is not None:
            (root / "notebooks" / "beta.md").write_text(source)
    assert trigger in err, f"the interrupt must land while the build runs: {err}"
    assert status == 130, err
    if slow:  # beta was still waiting in its cell (60 s): Ctrl-C stops it, it does not wait for it
        assert time.monotonic() - started < 30, err
    assert err.rstrip().endswith("interrupted") and "Traceback" not in err, err
    assert snapshot(root)["html"] == before["html"], "an interrupted build swaps in no book"
    for name in miniproject.NAMES:  # a brief that finished before the interrupt may be published, whole
        assert cache.unverified(name, root, root / "build" / "runs" / f"{name}.ipynb") is None
