"""The kernel every brief runs in: registered the ordinary way, this interpreter running ipykernel_launcher."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager

from briefs.errors import UsageError
from briefs.execute.run import KERNEL, ensure_kernel


def write_spec(data_dir: Path, argv: list[str]) -> Path:
    folder = data_dir / "kernels" / KERNEL
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "old", "language": "python"}))
    return folder


def test_the_briefs_kernelspec_runs_this_interpreter_with_ipykernel_launcher():
    assert ensure_kernel() == KERNEL
    spec = KernelSpecManager().get_kernel_spec(KERNEL)
    assert Path(spec.argv[0]).resolve() == Path(sys.executable).resolve()
    assert spec.argv[spec.argv.index("-m") + 1] == "ipykernel_launcher"
    assert "{connection_file}" in spec.argv
    assert Path(spec.resource_dir).resolve().is_relative_to(Path(sys.prefix).resolve())  # this environment's, not the user's


@pytest.mark.slow
def test_the_kernel_started_by_name_is_this_interpreter():
    from jupyter_client.manager import start_new_kernel

    ensure_kernel()
    printed: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            printed.append(msg["content"]["text"])

    km, kc = start_new_kernel(kernel_name=KERNEL, extra_arguments=["--log-level=ERROR"])
    try:
        reply = kc.execute_interactive("import sys; print(sys.executable)", output_hook=hook, timeout=120)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok"
    assert Path("".join(printed).strip()).resolve() == Path(sys.executable).resolve()


@pytest.fixture()
def own_prefix(tmp_path, monkeypatch):
    """Kernels are installed into, and found first in, a scratch prefix instead of this environment."""
    prefix = tmp_path / "prefix"
    monkeypatch.setattr(sys, "prefix", str(prefix))
    monkeypatch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
    return prefix


@pytest.mark.parametrize(
    "argv",
    [
        ["/elsewhere/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],  # another environment
        [sys.executable, "-m", "briefs.execute.kernel", "-f", "{connection_file}"],  # the launcher this package had
    ],
)
def test_a_kernelspec_that_runs_something_else_is_registered_again(own_prefix, argv):
    write_spec(own_prefix / "share" / "jupyter", argv)
    assert ensure_kernel() == KERNEL
    spec = json.loads((own_prefix / "share" / "jupyter" / "kernels" / KERNEL / "kernel.json").read_text())
    assert Path(spec["argv"][0]).resolve() == Path(sys.executable).resolve()
    assert spec["argv"][spec["argv"].index("-m") + 1] == "ipykernel_launcher"


def test_a_half_written_kernelspec_is_registered_again(own_prefix):
    folder = write_spec(own_prefix / "share" / "jupyter", [])
    (folder / "kernel.json").write_text('{"argv": [')
    assert ensure_kernel() == KERNEL
    assert json.loads((folder / "kernel.json").read_text())["argv"][0] == sys.executable


def test_another_briefs_kernel_found_first_is_named_not_used(tmp_path, own_prefix, monkeypatch):
    shadow = write_spec(tmp_path / "shadow", ["/elsewhere/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"])
    monkeypatch.setenv("JUPYTER_PATH", f"{tmp_path / 'shadow'}:{own_prefix / 'share' / 'jupyter'}")
    with pytest.raises(UsageError, match=rf"{KERNEL!r} found first \({shadow} runs /elsewhere/bin/python\)"):
        ensure_kernel()


def test_the_kernelspec_is_checked_once_until_it_changes(own_prefix, monkeypatch):
    """Finding the kernelspec costs a tenth of a second and a run asks three times: it is looked up
    once, and again once the file found has changed (here, replaced by another environment's)."""
    from briefs.execute import kernelspec

    spec = write_spec(own_prefix / "share" / "jupyter", [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"])
    spec = spec / "kernel.json"
    assert ensure_kernel() == KERNEL and kernelspec._CHECKED[kernelspec._searched()][0] == spec
    looked = []
    real = kernelspec._registered_kernel
    monkeypatch.setattr(kernelspec, "_registered_kernel", lambda: (looked.append(1), real())[1])
    assert ensure_kernel() == KERNEL and ensure_kernel() == KERNEL and looked == []
    spec.write_text(
        json.dumps({"argv": ["/elsewhere/bin/python", "-m", "ipykernel_launcher"], "display_name": "x", "language": "python"})
    )
    assert ensure_kernel() == KERNEL and looked, "a changed kernelspec is looked up again"
    assert json.loads(spec.read_text())["argv"][0] == sys.executable, "and registered again"
    monkeypatch.setenv("JUPYTER_PATH", str(own_prefix / "elsewhere"))
    looked.clear()
    ensure_kernel()
    assert looked, "another search path is another lookup"
