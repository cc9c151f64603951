"""A Sphinx that stays up between compiles, for `briefs preview`.

`jupyter-book build` pays, on every call, for starting Python, importing Sphinx, MyST-NB and
the theme, and loading the environment: about two seconds of CPU before it looks at the one
page that changed. `Compiler` keeps one Sphinx application in a child process, configured as
`jupyter-book build` configures it (the book's `_config.yml` through Jupyter Book's own
`get_final_config`, the generated `_toc.yml`, `-W -n --keep-going`), and asks it to build
again on each request; Sphinx then reads only the pages whose files changed and rewrites the
pages affected. The child is started again when the book's configuration or table of contents
changes (Sphinx reads them once, when it starts) or when it has died.

Protocol (one line each way): the parent writes `build`; the child answers with a JSON object
`{"ok": bool, "problems": [...]}` (the warnings and errors of that build).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from briefs.errors import BuildFailed

RESTART_ON = ("_config.yml", "_toc.yml")  # read once by Sphinx when it starts


class Compiler:
    """The parent's side: start the child on first use, ask it to build, restart it when needed."""

    def __init__(self, source: Path, out: Path):
        self.source, self.out = Path(source), Path(out)
        self.proc: subprocess.Popen | None = None

    def _start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "briefs.book.incremental", str(self.source), str(self.out)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        )

    def build(self, changed: list[str] = ()) -> Path:
        """Compile what changed; returns the HTML folder or raises BuildFailed naming the first problem."""
        if self.proc is not None and (self.proc.poll() is not None or any(c in RESTART_ON for c in changed)):
            self.close()
        if self.proc is None:
            self._start()
        try:
            self.proc.stdin.write("build\n")
            self.proc.stdin.flush()
            answer = json.loads(self.proc.stdout.readline() or "null")
        except (OSError, ValueError):
            answer = None
        if not isinstance(answer, dict):
            self.close()
            raise BuildFailed("the book did not build: the Sphinx process stopped (it starts again on the next change)")
        if not answer["ok"]:
            problems = answer.get("problems") or ["Sphinx reported a failure"]
            raise BuildFailed(f"the book did not build: {problems[0]}")
        return self.out / "_build" / "html"

    def close(self) -> None:
        if self.proc is not None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
            self.proc = None


class _Problems(io.StringIO):
    """Sphinx's warning stream, read and emptied after each build."""

    def take(self) -> list[str]:
        lines = [ln.strip() for ln in self.getvalue().splitlines() if ln.strip()]
        self.seek(0)
        self.truncate()
        return lines


def _application(source: Path, out: Path, problems: io.StringIO):
    """A Sphinx application set up as `jupyter-book build SOURCE --path-output OUT --builder html -W -n
    --keep-going` sets up its own (jupyter_book.cli.main and jupyter_book.sphinx.build_sphinx)."""
    import yaml
    from jupyter_book.config import get_final_config
    from sphinx.application import Sphinx

    cli = {"external_toc_path": (source / "_toc.yml").as_posix(), "latex_individualpages": False, "nitpicky": True}
    config, _ = get_final_config(user_yaml=source / "_config.yml", cli_config=cli, sourcedir=source, use_external_toc=True)
    html = out / "_build" / "html"
    app = Sphinx(
        srcdir=source,
        confdir=None,
        outdir=html,
        doctreedir=html.parent / ".doctrees",
        buildername="html",
        confoverrides=config,
        status=None,
        warning=problems,
        freshenv=False,
        warningiserror=True,
        tags=None,
        verbosity=0,
        parallel=1,
        keep_going=True,
    )
    if app.config["use_multitoc_numbering"] and "numbered: true" in yaml.dump(app.config.external_site_map.as_json()):
        app.setup_extension("sphinx_multitoc_numbering")
    return app


def main(source: str, out: str) -> None:
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    problems = _Problems()
    with patch_docutils(None), docutils_namespace():
        app = _application(Path(source), Path(out), problems)
        for line in sys.stdin:
            if line.strip() != "build":
                continue
            app._warncount, app.statuscode = 0, 0  # a build's problems are its own
            crashed = False
            try:
                app.build()
                found = problems.take()
                ok = app.statuscode == 0 and not found
            except Exception as exc:
                found, ok, crashed = [*problems.take(), f"{type(exc).__name__}: {exc}"], False, True
            sys.stdout.write(json.dumps({"ok": ok, "problems": found}) + "\n")
            sys.stdout.flush()
            if crashed:  # Sphinx deleted its saved environment: the next build starts a new process
                break


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
