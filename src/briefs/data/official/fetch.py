"""Getting a series' file from where it is: a local folder, or an http(s) address (through pooch).

A *mirror* is a folder or an address holding series files under their own
names. A folder can be listed; an address is listed through its directory index
(the page a plain web server shows for a folder), so a vintage published under a
new name is found there too. Downloads go through pooch, which streams into a
temporary file and, given the recorded sha256 (`known_hash`), refuses anything
else before the file is moved into place. Every file lands first in a staging
folder beside its destination, so a bad or partial download never replaces a
good file and a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from briefs import __version__
from briefs.data.official.schema import display_path
from briefs.errors import BriefsError, DataError, FetchFailed, UsageError

CHUNK = 1 << 16


class Progress:
    """Silent progress; the CLI passes one that draws rich progress bars."""

    def start(self, name: str, total: int | None) -> None: ...

    def advance(self, name: str, size: int) -> None: ...

    def finish(self, name: str, outcome: str, ok: bool) -> None: ...


@dataclass(frozen=True)
class Staged:
    """A fetched file waiting in the staging folder: where it is, and what it is."""

    path: Path
    sha256: str
    bytes: int
    origin: str  # the folder path or address it came from, as shown to the user


# --- mirrors --------------------------------------------------------------------


@dataclass(frozen=True)
class Folder:
    path: Path

    @property
    def label(self) -> str:
        return display_path(self.path)

    def names(self) -> list[str]:
        return sorted(p.name for p in self.path.iterdir() if p.is_file() and not p.name.startswith("."))

    def locate(self, name: str) -> Path:
        return self.path / name


@dataclass(frozen=True)
class Address:
    base: str  # ends with '/'

    @property
    def label(self) -> str:
        return self.base

    def names(self, timeout: float) -> list[str] | None:
        """File names linked from the address's directory index; None when it has none."""
        return listing(self.base, timeout)

    def locate(self, name: str) -> str:
        return urllib.parse.urljoin(self.base, urllib.parse.quote(name))


def mirror(where: str | os.PathLike | None) -> Folder | Address | None:
    """A folder or an address from the command line (`--mirror`), checked."""
    if where is None:
        return None
    text = os.fspath(where)
    if is_address(text):
        return Address(text if text.endswith("/") else text + "/")
    folder = Path(text)
    if not folder.is_dir():
        raise UsageError(f"mirror folder {text} does not exist")
    return Folder(folder)


def is_address(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def origin_label(origin: Path | str) -> str:
    return display_path(origin) if isinstance(origin, Path) else origin


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [value for key, value in attrs if key == "href" and value]


def listing(base: str, timeout: float) -> list[str] | None:
    """The files a directory index at `base` links to (names directly below it), or None."""
    import requests

    try:
        response = requests.get(base, timeout=timeout, headers={"User-Agent": f"briefs/{__version__}"})
    except requests.RequestException:
        return None
    if response.status_code != 200 or "html" not in response.headers.get("Content-Type", ""):
        return None
    parser = _Links()
    parser.feed(response.text)
    names = set()
    for href in parser.hrefs:
        target = urllib.parse.urlparse(urllib.parse.urljoin(base, href))
        path = urllib.parse.unquote(target.path)
        parent, _, name = path.rpartition("/")
        if name and urllib.parse.urlparse(base).path.rstrip("/") == parent and not name.startswith("."):
            names.add(name)
    return sorted(names)


# --- staging ----------------------------------------------------------------------


def staging_dir(dest_folder: Path) -> Path:
    """A fresh scratch folder beside the destination (same filesystem, so a rename moves a file in)."""
    try:
        dest_folder.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=dest_folder, prefix=".incoming-"))
    except OSError as exc:
        raise FetchFailed(f"cannot write into {display_path(dest_folder)}: {exc.strerror or exc}") from None


def clear_stale_staging(dest_folder: Path) -> None:
    """Remove staging folders a killed fetch left behind."""
    if dest_folder.is_dir():
        for leftover in dest_folder.glob(".incoming-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def fetch(
    origin: Path | str,
    staging: Path,
    name: str,
    *,
    known_hash: str | None = None,
    timeout: float = 60.0,
    progress: Progress | None = None,
) -> Staged:
    """Copy a file or download an address into `staging`; with `known_hash` anything else is refused.

    Raises DataError (exit 2) for a file that is not there or not the recorded
    bytes, FetchFailed (exit 1) when the network or the disk fails.
    """
    progress = progress or Progress()
    label = origin_label(origin)
    handle, tmpname = tempfile.mkstemp(dir=staging, prefix=".", suffix=".part")
    os.close(handle)
    target = Path(tmpname)
    try:
        if isinstance(origin, Path):
            digest, size = _copy(origin, target, name, progress)
        else:
            _download(origin, target, name, known_hash, timeout, progress)
            digest, size = file_digest(target), target.stat().st_size
    except BaseException as exc:
        target.unlink(missing_ok=True)
        if isinstance(exc, BriefsError) or not isinstance(exc, Exception):
            raise
        failure = NotFound if _status(exc) == 404 else FetchFailed
        raise failure(f"{name}: {_reason(exc, label, timeout)}") from None
    staged = Staged(target, digest, size, label)
    if known_hash and digest != known_hash:
        raise HashMismatch(name, label, known_hash, digest, staged)  # left in staging, for the caller to explain
    return staged


class NotFound(FetchFailed):
    """The address answered that it has no such file (HTTP 404)."""


def _status(exc: Exception) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


class HashMismatch(DataError):
    """A fetched file is not the recorded vintage; `staged` keeps it (when it could be kept) so the
    caller can say what it is instead (an older vintage, a newer one, a damaged file)."""

    def __init__(self, name: str, label: str, expected: str, got: str, staged: Staged | None = None):
        self.label, self.expected, self.got, self.staged = label, expected, got, staged
        super().__init__(f"{name}: sha256 mismatch, expected {expected}, got {got} (from {label})")


def _copy(origin: Path, target: Path, name: str, progress: Progress) -> tuple[str, int]:
    if not origin.is_file():
        raise DataError(f"{origin.name}: not in the mirror {display_path(origin.parent)}")
    digest, size = hashlib.sha256(), 0
    with open(origin, "rb") as src, open(target, "wb") as out:
        progress.start(name, origin.stat().st_size)
        while block := src.read(CHUNK):
            out.write(block)
            digest.update(block)
            size += len(block)
            progress.advance(name, len(block))
        out.flush()
        os.fsync(out.fileno())
    os.chmod(target, 0o666 & ~_umask())  # mkstemp makes it private; the snapshot is public data
    return digest.hexdigest(), size


def _download(url: str, target: Path, name: str, known_hash: str | None, timeout: float, progress: Progress) -> None:
    """pooch streams the address into a temporary file beside `target` and checks `known_hash` first."""
    import pooch

    pooch.get_logger().setLevel("WARNING")  # its "Downloading ..." lines would interleave with ours
    target.unlink()  # pooch writes the file itself, and would take an existing one as already fetched
    downloader = pooch.HTTPDownloader(
        progressbar=_PoochBar(name, progress),
        timeout=timeout,
        headers={"User-Agent": f"briefs/{__version__}"},
    )
    try:
        pooch.retrieve(
            url,
            known_hash=f"sha256:{known_hash}" if known_hash else None,
            fname=target.name,
            path=target.parent,
            downloader=downloader,
            progressbar=False,
        )
    except ValueError as exc:
        if "does not match the known hash" not in str(exc):
            raise
        got = re.search(r"but got ([0-9a-f]{64})", str(exc))
        raise HashMismatch(name, url, known_hash or "", got.group(1) if got else "another hash") from None
    os.chmod(target, 0o666 & ~_umask())


class _PoochBar:
    """pooch's progress-bar protocol (total, update, reset, close) over our Progress."""

    def __init__(self, name: str, progress: Progress):
        self.name, self.progress, self.total, self.started = name, progress, None, False

    def update(self, size: int) -> None:
        if not self.started:
            self.progress.start(self.name, self.total or None)
            self.started = True
        self.progress.advance(self.name, size)

    def reset(self) -> None: ...

    def close(self) -> None: ...


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _reason(exc: Exception, label: str, timeout: float) -> str:
    import requests

    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"{label} answered HTTP {exc.response.status_code} {exc.response.reason}; nothing replaced"
    if isinstance(exc, (requests.Timeout, TimeoutError)) or "timed out" in str(exc):
        return f"no answer from {label} within {timeout:g} s; nothing replaced"
    if isinstance(exc, requests.ConnectionError):
        return f"cannot download {label}: cannot connect; nothing replaced"
    if isinstance(exc, requests.RequestException):
        return f"cannot download {label}: {exc}; nothing replaced"
    if isinstance(exc, OSError):
        return f"cannot copy {label}: {exc.strerror or exc}; nothing replaced"
    return f"{type(exc).__name__}: {exc}; nothing replaced"
