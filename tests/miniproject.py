"""A project with two tiny briefs that run and build in seconds.

Tests of the build's machinery (faults, kills, parameters) need real kernels
and a real `jupyter-book build`, but not the reference brief's charts: these
briefs only read `data/stamp.txt`, so changing that file changes every output.
Nor do they need the guides, which more than double what Sphinx compiles: the
book's sources are copied without `book/guides/` (the real book's tests compile them).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO

BRIEF = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
  language: python
briefs:
  title: {title}
  document: "001"
  order: {order}
  summary: A brief that only reads the stamp file.
---

# {title}

```{{code-cell}} ipython3
:tags: [parameters]

label = "{name}"
```

```{{code-cell}} ipython3
from pathlib import Path

print(label, "reads", Path("data/stamp.txt").read_text().strip())
```
"""

NAMES = ("alpha", "beta")


def make(dest: Path, stamp: str = "one") -> Path:
    dest.mkdir(parents=True)
    shutil.copyfile(REPO / "pyproject.toml", dest / "pyproject.toml")
    shutil.copytree(
        REPO / "book", dest / "book", ignore=lambda folder, names: ["guides"] if Path(folder) == REPO / "book" else []
    )
    shutil.copytree(REPO / "data", dest / "data", ignore=shutil.ignore_patterns("external"))
    (dest / "notebooks").mkdir()
    for order, name in enumerate(NAMES, start=1):
        (dest / "notebooks" / f"{name}.md").write_text(BRIEF.format(name=name, title=name.capitalize(), order=order))
    set_stamp(dest, stamp)
    return dest


def set_stamp(root: Path, stamp: str) -> None:
    (root / "data" / "stamp.txt").write_text(stamp + "\n")


def break_brief(root: Path, name: str) -> str:
    """Make `name` raise after its first output; returns the source to restore."""
    path = root / "notebooks" / f"{name}.md"
    source = path.read_text()
    path.write_text(source + "\n```{code-cell} ipython3\nshare = 1 / 0\n```\n")
    return source


def slow_brief(root: Path, name: str, seconds: float = 60) -> str:
    """Make `name` wait `seconds` after its first output, so that an interrupt lands while it runs;
    returns the source to restore."""
    path = root / "notebooks" / f"{name}.md"
    source = path.read_text()
    path.write_text(source + f"\n```{{code-cell}} ipython3\nimport time\ntime.sleep({seconds})\n```\n")
    return source
