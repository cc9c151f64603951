"""Warm kernels give a fresh kernel's bytes: briefs share one kernel, in either order, and every
executed notebook is byte-identical to the one a fresh kernel gives; what one brief leaves in
the kernel (names, settings, directory, environment, warnings already shown, data it read) is
gone when the next one starts; a brief can ask for a kernel of its own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefs.execute import warm
from briefs.execute.run import run_brief
from conftest import copy_project

pytestmark = pytest.mark.slow  # every test here runs briefs

REAL = ("imumi-factsheet", "mpi-brief")  # tables and charts; the official series and their cache

FRONT = """---
kernelspec:
  name: python3
  display_name: Python 3
  language: python
briefs:
  title: {name}
  document: "001"
  order: 50
{extra}---

# {name}

```{{code-cell}} ipython3
:tags: [parameters]

label = "{name}"
```

```{{code-cell}} ipython3
{code}
```
"""

# Everything here outlives a cell unless the kernel is put back between briefs.
POLLUTER = """\
import os, sys, warnings
from briefs.page import charts  # enables the book's theme as it is imported
import altair as alt, numpy as np, pandas as pd
from briefs.data.package import record_input
from briefs.data.official import series
leftover = "from the polluter"
pd.set_option("display.max_rows", 3)
alt.theme.enable("dark")
os.environ["BRIEFS_LEFTOVER"] = "1"
sys.path.insert(0, "/nowhere")
warnings.simplefilter("ignore")
np.seterr(all="raise")
record_input("data/datapackage.json")
series.load("us_sw_border_encounters")
os.chdir("/")
"""

PROBE = """\
import os, sys, warnings
import altair as alt, numpy as np, pandas as pd
from briefs.data.package import INPUTS
from briefs.data.official import series
from briefs.page import context
print("leftover" in globals(), pd.get_option("display.max_rows"), alt.theme.active)
print(context.brief_name(), sorted(series.READ))  # its own name, not the last brief's; no series read yet
print(os.environ.get("BRIEFS_LEFTOVER"), os.path.basename(os.getcwd()), "/nowhere" in sys.path, np.geterr()["divide"])
print([os.path.basename(str(folder)) for folder in _dh])  # IPython's record of the folders visited
print(sorted(INPUTS))
warnings.showwarning = lambda message, *args, **kwargs: print("warned:", message)  # no path: it names the kernel's pid
warnings.warn("a warning a fresh kernel shows every time", UserWarning)
from briefs.page import charts  # imported afresh: the theme is enabled again
print(alt.theme.active)
pd.DataFrame({"n": [1, 2, 3, 4, 5]})
"""

PID = "import os\nprint(os.getpid())\n"
# Where it runs, as the brief sees it: its folder, the project's own module, a project variable.
WHERE = """\
import os
import helper
print(os.path.basename(os.getcwd()), helper.COPY, os.environ.get("BRIEFS_SOMETHING_NEW"), os.getpid())
"""


def brief(root: Path, name: str, code: str, extra: str = "") -> str:
    (root / "notebooks" / f"{name}.md").write_text(FRONT.format(name=name, code=code, extra=extra))
    return name


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("warm") / "project")
    brief(root, "polluter", POLLUTER)
    brief(root, "probe", PROBE)
    brief(root, "pid", PID)
    brief(root, "own-kernel", PID, extra="  fresh_kernel: true\n")
    brief(root, "broken", "raise RuntimeError('this brief fails')")
    brief(root, "where", WHERE)
    (root / "helper.py").write_text('COPY = "first copy"\n')
    return root


@pytest.fixture(scope="module")
def other(root, tmp_path_factory):
    """A second copy of the same project, in another folder, with its own version of the project's module."""
    import shutil

    other = shutil.copytree(root, tmp_path_factory.mktemp("warm-other") / "other-copy")
    (other / "helper.py").write_text('COPY = "second copy"\n')
    return other


def run(root: Path, name: str, folder: Path, fresh: bool = False) -> bytes:
    """One brief's executed notebook; `fresh`: in a kernel of its own, as before warm kernels."""
    with pytest.MonkeyPatch.context() as mp:
        if fresh:
            mp.setenv("BRIEFS_FRESH_KERNELS", "1")
        return run_brief(name, root=root, output=folder / f"{name}.ipynb").notebook.read_bytes()


def shared_kernel(root: Path, names: list[str], folder: Path) -> dict[str, bytes]:
    """The briefs one after the other in one new warm kernel (and check it was one kernel)."""
    warm.shutdown_all()
    out = {}
    for name in names:
        out[name] = run(root, name, folder)
        if len(out) == 1:
            first = warm.current()
    assert warm.current() is first and first.uses == len(names), "the briefs did not share one warm kernel"
    return out


def test_briefs_sharing_a_kernel_in_either_order_give_a_fresh_kernels_bytes(root, tmp_path):
    fresh = {name: run(root, name, tmp_path / "fresh", fresh=True) for name in REAL}
    forward = shared_kernel(root, list(REAL), tmp_path / "forward")
    backward = shared_kernel(root, list(reversed(REAL)), tmp_path / "backward")
    for name in REAL:
        assert forward[name] == fresh[name], f"{name}: run after another brief in a warm kernel differs from a fresh run"
        assert backward[name] == fresh[name], f"{name}: run first in a warm kernel differs from a fresh run"


def test_what_a_brief_leaves_in_the_kernel_is_gone_for_the_next(root, tmp_path):
    fresh = run(root, "probe", tmp_path / "fresh", fresh=True)
    assert b"a warning a fresh kernel shows every time" in fresh
    after = shared_kernel(root, ["probe", "polluter", "probe"], tmp_path / "warm")
    assert after["probe"] == fresh, f"{printed(after['probe'])!r} != {printed(fresh)!r}"


def printed(notebook: bytes) -> str:
    import nbformat

    nb = nbformat.reads(notebook.decode(), as_version=4)
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs).strip()


def test_a_kernel_is_reused_and_a_brief_can_ask_for_its_own(root, tmp_path):
    warm.shutdown_all()
    first = printed(run(root, "pid", tmp_path / "one"))
    second = printed(run(root, "pid", tmp_path / "two"))
    kernel_pid = str(warm.current().km.provisioner.process.pid)
    assert first == second == kernel_pid
    own = printed(run(root, "own-kernel", tmp_path / "own"))
    assert own.isdigit() and own != kernel_pid
    assert warm.current().uses == 2  # the brief with its own kernel did not use the warm one


def test_a_failed_brief_takes_its_kernel_with_it(root, tmp_path):
    from briefs.errors import BriefFailed

    warm.shutdown_all()
    run(root, "pid", tmp_path)
    used = warm.current()
    with pytest.raises(BriefFailed, match="this brief fails"):
        run(root, "broken", tmp_path)
    assert warm.current() is None
    assert not used.km.has_kernel
    run(root, "pid", tmp_path)
    assert warm.current() is not used


def test_a_changed_environment_gets_a_new_kernel(root, tmp_path, monkeypatch):
    from briefs.execute.kernelspec import ensure_kernel

    # What each reset sets is no reason for a new kernel: the project's variables, pytest's test name.
    kernel_name = ensure_kernel()
    before = warm.identity(kernel_name)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFS_EXTERNAL", str(tmp_path))
        mp.setenv("PYTEST_CURRENT_TEST", "tests/elsewhere.py::test_another (call)")
        assert warm.identity(kernel_name) == before
        mp.setenv("PYTHONHASHSEED", "7")  # Python reads it as it starts
        assert warm.identity(kernel_name) != before
    warm.shutdown_all()
    run(root, "pid", tmp_path)
    before = warm.current()
    monkeypatch.setenv("SOMETHING_NEW", "1")  # read by anything, maybe as it is imported: a new kernel
    run(root, "pid", tmp_path)
    assert warm.current() is not before and warm.current().uses == 1


def test_another_copy_of_the_project_and_its_variables_are_served_by_the_same_kernel_as_a_fresh_one_would(
    root, other, tmp_path, monkeypatch
):
    """The project's folder and its own variables (`BRIEFS_*`) are set by the reset: a kernel that
    ran a brief of one copy runs the next copy's brief in that copy, with its module and its
    variables, and gives a fresh kernel's bytes there."""
    monkeypatch.setenv("BRIEFS_SOMETHING_NEW", "set for the second copy")
    fresh = {name: run(other, name, tmp_path / "fresh", fresh=True) for name in ("where", "probe")}
    monkeypatch.delenv("BRIEFS_SOMETHING_NEW")
    warm.shutdown_all()
    first = printed(run(root, "where", tmp_path / "first")).split()
    kernel = warm.current()
    assert first[:3] == ["project", "first", "copy"] and first[4] == str(kernel.km.provisioner.process.pid)
    monkeypatch.setenv("BRIEFS_SOMETHING_NEW", "set for the second copy")
    where = run(other, "where", tmp_path / "second")
    probe = run(other, "probe", tmp_path / "second")
    assert warm.current() is kernel and kernel.uses == 3, "the second copy did not reuse the kernel"
    assert printed(where).split()[:-1] == ["other-copy", "second", "copy", "set", "for", "the", "second", "copy"]
    assert where.replace(printed(where).split()[-1].encode(), b"PID") == fresh["where"].replace(
        printed(fresh["where"]).split()[-1].encode(), b"PID"
    ), "only the kernel's process id may differ"
    assert probe == fresh["probe"], f"{printed(probe)!r} != {printed(fresh['probe'])!r}"


def test_the_started_kernel_serves_the_first_brief_and_outlives_a_data_edit(root, tmp_path, monkeypatch):
    """A pool's worker starts its kernel before its first brief; the data files validated before each
    brief (which change whenever a data file is edited, as in `briefs preview`) reach the kernel
    with the brief's reset, and cost no new kernel."""
    from briefs.data import package
    from briefs.execute import run as runner
    from briefs.execute.run import ensure_kernel
    from briefs.media import VALIDATED_ENV

    # Nothing validated yet in this process (another test may have validated the edited bytes already).
    monkeypatch.setattr(package, "VALIDATED", set())
    monkeypatch.setattr(runner, "_PASSED", {})
    monkeypatch.delenv(VALIDATED_ENV, raising=False)
    warm.shutdown_all()
    warm.prestart(ensure_kernel(), root)
    started = warm.current()
    first = printed(run(root, "pid", tmp_path / "one"))
    assert warm.current() is started and first == str(started.km.provisioner.process.pid)
    data = root / "data" / "inm_returns_by_sex.csv"
    text = data.read_text(encoding="utf-8")
    validated = os.environ.get(VALIDATED_ENV)
    try:
        data.write_text(text.replace("Men,2150", "Men,2151", 1), encoding="utf-8")
        assert data.read_text(encoding="utf-8") != text
        second = printed(run(root, "pid", tmp_path / "two"))
        assert os.environ.get(VALIDATED_ENV) != validated, "the edited file was not validated again"
    finally:
        data.write_text(text, encoding="utf-8")
    assert warm.current() is started and second == first and started.uses == 2


def test_a_kernel_started_during_a_brief_does_not_keep_its_name(root, monkeypatch):
    """The brief's own variables reach a warm kernel with each reset, never with its start: a kernel
    started while one brief ran must not tell a later run without a name that it is that brief."""
    from briefs.execute.run import ensure_kernel
    from briefs.media import BRIEF_ENV

    warm.shutdown_all()
    monkeypatch.setenv(BRIEF_ENV, "the-brief-running-at-start")
    warm.prestart(ensure_kernel(), root)
    kernel = warm.current()
    kernel.ready({})
    client = kernel.km.blocking_client()
    client.start_channels()
    seen = []
    try:
        client.execute_interactive(
            f"import os; print(repr(os.environ.get({BRIEF_ENV!r})))",
            output_hook=lambda msg: seen.append(msg["content"].get("text", "")),
            timeout=60,
        )
    finally:
        client.stop_channels()
        warm.shutdown_all()
    assert "".join(seen).strip() == "None"


NAME = "import os\nprint(os.environ.get('BRIEFS_BRIEF'), os.getpid())\n"


@pytest.mark.parametrize("fresh", [False, True], ids=["warm", "fresh"])
def test_briefs_on_a_builds_threads_each_learn_their_own_name(root, tmp_path, monkeypatch, fresh):
    """A build's briefs run on threads of one process (execute.schedule.KernelThreads): each kernel
    is told the name of the brief it runs, never the one another thread runs, and the pool's
    kernels end with it."""
    from briefs.execute.schedule import run_briefs
    from briefs.media import BRIEF_ENV
    from briefs.project import catalog

    if fresh:
        monkeypatch.setenv("BRIEFS_FRESH_KERNELS", "1")
    monkeypatch.delenv(BRIEF_ENV, raising=False)
    names = [brief(root, f"named-{i}", NAME) for i in range(4)]
    before = set(warm._kernels)
    runs, failures, _ = run_briefs([catalog.get(n, root) for n in names], root, workers=2, into=tmp_path)
    assert not failures, failures
    seen = {run.brief: printed(run.notebook.read_bytes()).split() for run in runs}
    assert {name: said[0] for name, said in seen.items()} == {name: name for name in names}
    kernels = {said[1] for said in seen.values()}
    assert len(kernels) == (4 if fresh else 2), f"one kernel per thread when warm, per brief when fresh: {kernels}"
    assert BRIEF_ENV not in os.environ and set(warm._kernels) == before, "the pool left its kernels or its names behind"
