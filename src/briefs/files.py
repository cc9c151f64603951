"""Files as the project identifies them: by the sha256 of their bytes."""

from __future__ import annotations

import hashlib
import os


def sha256(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
