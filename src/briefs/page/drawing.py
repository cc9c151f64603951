"""One vl-convert engine drawing the charts of several kernels, in a process of its own.

vl-convert starts a JavaScript engine in each process on its first drawing: about half a second
of a core and about 55 MB. A build's kernels each started one, although they draw only a
few dozen charts between them, and on two cores that half second is taken from the briefs. A
pool of two kernels or more (execute.schedule.KernelThreads) therefore starts this module as a
process (`python -m briefs.page.drawing FD`, FD a listening Unix socket it is handed) and tells
its kernels where it listens (`page.rendered.ENGINE`); they send it each chart to draw (`draw`).

The SVG is the same: the same vl-convert gets the same spec. The spec travels as JSON, so only a
spec made of JSON's own types (`plain`) is sent, one whose values JSON gives back exactly; any
other is drawn in the kernel. Nothing else about the kernel matters: called as here, vl-convert
reads no file a spec names (Altair puts a chart's data in its spec), and it draws one chart at a
time in any process. (A brief that registered fonts of its own with vl-convert would draw with
them only in its kernel; none does.)

A kernel draws in its own process, as before, whenever this one cannot answer: it has ended or
never started, or vl-convert refused the spec. The kernel's own vl-convert then draws it or
raises its error, so a brief sees the same error, with the same traceback, with or without it.
"""

from __future__ import annotations

import json
import os
import socket
import sys

LENGTH = 8  # bytes giving the length of the SVG in an answer
TIMEOUT = 120  # seconds for one chart, queued behind the other kernels' (a chart takes about 0.1 s)
EMPTY = {"mark": "point", "data": {"values": []}}  # drawn once at the start, which starts the engine
_EXACT = (str, int, float, bool, type(None))


def plain(value) -> bool:
    """Whether `value` is made of JSON's own types only (dicts with string keys, lists, strings,
    numbers, booleans, None), so that JSON gives back exactly the same value. A tuple, a
    subclass (a numpy float) or a key that is not a string would come back different."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            if any(type(k) is not str for k in item):
                return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind not in _EXACT:
            return False
    return True


def start_engine() -> None:
    """Start vl-convert's JavaScript engine in this process now (an empty chart drawn, nothing of it
    kept), rather than on the first chart: the engine's process does, and a kernel that draws its
    own charts does in its preload (execute.warm)."""
    import vl_convert as vlc

    from briefs.media import VL_VERSION

    vlc.vegalite_to_svg(EMPTY, vl_version=VL_VERSION)


def draw(address: str, spec: dict, vl_version: str) -> str | None:
    """The SVG the engine listening at `address` draws for `spec`, or None when it cannot say (the
    caller then draws it itself)."""
    if not plain(spec):
        return None
    try:
        body = json.dumps({"spec": spec, "vl_version": vl_version}).encode()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(TIMEOUT)
            conn.connect(address)
            conn.sendall(body)
            conn.shutdown(socket.SHUT_WR)
            answer = _read_all(conn)
    except (OSError, ValueError):  # gone, never there, timed out; a spec JSON cannot write
        return None
    # "+", the SVG's length in bytes (8, big-endian), the SVG: an answer cut short (the engine
    # ended while it answered) is not a chart, and would otherwise be kept on disk as one.
    if (
        answer[:1] != b"+"
        or len(answer) < 1 + LENGTH
        or int.from_bytes(answer[1 : 1 + LENGTH], "big") != len(answer) - 1 - LENGTH
    ):
        return None
    try:
        return answer[1 + LENGTH :].decode("utf-8")
    except UnicodeDecodeError:
        return None


def _read_all(conn: socket.socket) -> bytes:
    parts = []
    while chunk := conn.recv(1 << 16):
        parts.append(chunk)
    return b"".join(parts)


def serve(listener: socket.socket) -> None:
    """Start the engine, then draw each chart asked for on `listener`, one at a time, until the
    process that started this one closes its end of standard input."""
    import threading

    import vl_convert as vlc

    threading.Thread(target=_end_with_parent, args=(listener.getsockname(),), daemon=True).start()
    start_engine()  # kernels that ask meanwhile wait in the queue
    while True:
        conn, _ = listener.accept()
        with conn:
            try:
                conn.settimeout(TIMEOUT)
                request = json.loads(_read_all(conn))
                drawn = vlc.vegalite_to_svg(request["spec"], vl_version=request["vl_version"]).encode("utf-8")
                answer = b"+" + len(drawn).to_bytes(LENGTH, "big") + drawn
            except Exception:  # a refused spec, a kernel gone: it draws for itself, or no longer needs to
                answer = b"-"
            try:
                conn.sendall(answer)
            except OSError:
                pass


def _end_with_parent(address: str) -> None:
    """Wait until the process that started this one closes its end of standard input, or dies (a
    build killed at once), then remove the socket and its folder (if nothing else is in it) and end."""
    sys.stdin.buffer.read()
    try:
        os.unlink(address)
        os.rmdir(os.path.dirname(address))
    except OSError:
        pass
    os._exit(0)


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle; it closes this
    serve(socket.socket(fileno=int(sys.argv[1])))
