"""Warm kernels forked from one process that has made their imports (a zygote).

A build with two workers starts two warm kernels at once, and each made the same imports
(pandas, Altair, IPython, ipykernel and the library: about 0.8 s of a core each) while the
build's other processes were starting, on a machine with two cores. Here one process, started
like a kernel (this interpreter, the kernelspec's flags, the kernel's environment and folder),
makes those imports once and then forks a child for each kernel the pool asks for. The child
becomes the kernel: it takes its own session, the kernel's folder, environment and command
line, and runs `ipykernel_launcher` as `python -m ipykernel_launcher` would. The warm kernel's
preload (`execute.warm.PRELOAD`) then runs in it as in any other, finds its modules imported,
and takes the same snapshot, so every brief still starts from the state a fresh kernel has
after those imports (tests/execute/test_zygote.py compares the two: the same modules, path,
folder, environment, signals, threads and warning filters; one filter, which IPython's shell adds
as it starts, comes before the preload's in a forked kernel and after them in a fresh one, and it
matches no warning any other filter does, so no brief can tell).

Forking is safe here because the zygote has no thread of its own when it forks: it imports
modules and reads requests, nothing else (OpenBLAS's threads stop at a fork and start again in
the child, by its own fork handler). Nothing that starts a thread or an engine is made in the
zygote: ipykernel's sockets and threads are started by each kernel, and vl-convert's
JavaScript engine by the pool's chart engine (execute.chartengine) or by each kernel. Only Linux is served (the client follows a forked kernel, which is not its own child,
through a pidfd); elsewhere, and whenever the zygote cannot be used, kernels are started as
ordinary processes.

The exit status of a forked kernel is not known to the build (the zygote reaps its children);
jupyter_client only logs it. `ForkedKernel.returncode` reads -9 after a kill and 0 otherwise.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

# ipykernel's application, then what every warm kernel imports (execute.kernelstate.PRELOADED).
APPLICATION = ("ipykernel.kernelapp", "ipykernel.ipkernel")
MODULE = "briefs.execute.zygote"
LAUNCHER = "ipykernel_launcher"
AVAILABLE = sys.platform.startswith("linux") and hasattr(os, "pidfd_open")
START_TIMEOUT = 300  # seconds for the zygote to make its imports and fork a kernel, on a busy machine (as execute.warm)


class ZygoteFailed(RuntimeError):
    """The zygote could not fork a kernel (it died, or never started)."""


def _split(argv: list[str]) -> tuple[list[str], list[str]] | None:
    """A kernel's command line as (interpreter and its flags, the launcher's arguments), when it
    is this interpreter running `-m ipykernel_launcher` (execute.kernelspec.runs_here); else None
    (no zygote can start it)."""
    from briefs.execute.kernelspec import runs_here  # not at the top: the zygote itself never needs it

    if not runs_here(argv):
        return None
    at = argv.index("-m")
    return argv[:at], argv[at + 2 :]


class Zygote:
    """The build's side of a zygote: started now, it makes its imports while the build goes on;
    `fork` asks it for a kernel, and a thread of this process reads its answers (`_read_answers`)."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path):
        split = _split(argv)
        if not AVAILABLE or split is None:
            raise ZygoteFailed("no zygote for this kernel")
        self.interpreter = split[0]
        ours, theirs = socket.socketpair()
        try:
            self.process = subprocess.Popen(
                [*self.interpreter, "-m", MODULE, str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                env=env,
                cwd=str(cwd),
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # as a kernel: Ctrl-C in the terminal is the build's to handle
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self._socket = ours
        self._lock = threading.Lock()
        self._waiting: list[ForkedKernel] = []  # asked for, not yet answered (the zygote answers in order)
        self._closed = False
        threading.Thread(target=self._read_answers, name="briefs-zygote", daemon=True).start()

    def fork(self, argv: list[str], env: dict[str, str], cwd: str | Path) -> "ForkedKernel":
        """A kernel with this command line (as `launch_kernel` would run it), environment and
        folder; asked for now, its pid known once the zygote has made its imports and forked it."""
        split = _split(argv)
        if split is None or split[0] != self.interpreter:
            raise ZygoteFailed("this kernel's command is not the zygote's")
        request = {"argv": split[1], "env": dict(env), "cwd": str(cwd)}
        kernel = ForkedKernel(self)
        with self._lock:
            if self._closed:
                raise ZygoteFailed("the zygote has gone")
            try:
                self._socket.sendall(json.dumps(request).encode() + b"\n")
            except OSError as exc:
                raise ZygoteFailed(f"the zygote has gone: {exc}") from None
            self._waiting.append(kernel)
        return kernel

    def _read_answers(self) -> None:
        """On a thread of its own: each answer is the pid of the next kernel asked for. When the
        zygote closes its end (it died, or `close`), every kernel still waiting has failed."""
        try:
            with self._socket.makefile("rb") as answers:
                for line in answers:
                    with self._lock:
                        kernel = self._waiting.pop(0) if self._waiting else None
                    if kernel is None:
                        break
                    kernel._answered(int(line))
        except (OSError, ValueError):
            pass
        with self._lock:
            self._closed = True
            failed, self._waiting = self._waiting, []
        for kernel in failed:
            kernel._answered(None)

    def close(self) -> None:
        """Stop the zygote, once its kernels have ended: each watches it as its parent and ends
        within a second of it (ipykernel's ParentPollerUnix), as a kernel ends with its build."""
        try:
            self._socket.shutdown(socket.SHUT_RDWR)  # ends the reading thread too
        except OSError:
            pass
        self._socket.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


class ForkedKernel:
    """A kernel forked by the zygote, as jupyter_client's LocalProvisioner uses a `Popen`. Until
    the zygote has answered, the kernel counts as alive (it is starting); a zygote that dies
    first leaves it failed, as a kernel that exited."""

    stdin = stdout = stderr = None

    def __init__(self, zygote: Zygote):
        self._zygote = zygote
        self._pid: int | None = None
        self._known = threading.Event()
        self._pidfd: int | None = None
        self.returncode: int | None = None
        self._killed = False

    def _answered(self, pid: int | None) -> None:
        self._pid = pid
        self._known.set()

    @property
    def pid(self) -> int:
        if not self._known.wait(START_TIMEOUT) or self._pid is None:
            raise ZygoteFailed("the zygote did not fork this kernel")
        return self._pid

    def _fd(self) -> int | None:
        """A pidfd for the kernel (once the zygote has answered), or None once it has gone or if it
        was never forked."""
        if self._pidfd is None and self.returncode is None:
            try:
                self._pidfd = os.pidfd_open(self.pid)
            except (ProcessLookupError, ZygoteFailed):
                self._gone()
        return self._pidfd

    def _gone(self) -> None:
        self.returncode = -signal.SIGKILL if self._killed else 0
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None

    def poll(self) -> int | None:
        if not self._known.is_set():
            return None  # still being forked
        return self.wait(0)

    def wait(self, timeout: float | None = None) -> int | None:
        fd = self._fd()
        if fd is not None:
            ready, _, _ = select.select([fd], [], [], timeout)
            if ready:
                self._gone()
            elif timeout is not None and timeout > 0:
                raise subprocess.TimeoutExpired(f"kernel {self._pid}", timeout)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        fd = self._fd()
        if fd is not None:
            if signum == signal.SIGKILL:
                self._killed = True
            try:
                signal.pidfd_send_signal(fd, signum)
            except ProcessLookupError:  # it ended since we last looked (a pool kills, then shuts down)
                self._gone()

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


# In the zygote.


def _become_kernel(request: dict, sock: socket.socket) -> int:
    """In a forked child: become the kernel `request` describes and run it; its exit code."""
    sock.close()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel's own subprocesses are its to wait for
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # The kernel watches its parent, and exits when it has gone (ipykernel's ParentPollerUnix):
    # its parent is the zygote, which ends when the build does.
    os.environ["JPY_PARENT_PID"] = str(os.getppid())
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    import importlib.util
    import runpy

    sys.argv = [importlib.util.find_spec(LAUNCHER).origin, *request["argv"]]
    sys.path[0] = os.getcwd()  # as `python -m` sets it, in the kernel's folder
    try:
        runpy.run_module(LAUNCHER, run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    return code


def serve(fd: int) -> None:
    """The zygote: make the imports, then fork a kernel for each request until the build closes
    the socket (or dies)."""
    import importlib

    # ipykernel reads which process to watch (its parent) from the environment as its module is
    # imported, here: the zygote is each kernel's parent (and `_become_kernel` says so again).
    os.environ["JPY_PARENT_PID"] = str(os.getpid())
    from briefs.execute.kernelstate import PRELOADED

    for name in (*APPLICATION, *PRELOADED):
        try:
            importlib.import_module(name)
        except Exception:  # the kernel will say what is wrong when it imports it itself
            pass
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped as they end
    sock = socket.socket(fileno=fd)
    requests = sock.makefile("rb")
    for line in requests:
        request = json.loads(line)
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.close(ready_r)
                requests.close()
                os.setsid()  # its own session and group, as jupyter_client starts a kernel
                os.write(ready_w, b"!")
                os.close(ready_w)
                code = _become_kernel(request, sock)
            except BaseException:  # the kernel never started: say why on its error stream
                import traceback

                traceback.print_exc()
            finally:
                os._exit(code)
        os.close(ready_w)
        os.read(ready_r, 1)  # the child has its own group before anyone may signal it
        os.close(ready_r)
        sock.sendall(f"{pid}\n".encode())


if __name__ == "__main__":
    serve(int(sys.argv[1]))
