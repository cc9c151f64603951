"""Benchmark `briefs build` against Jupyter Book's own execution, side by side, as ratios.

Run: .venv/bin/python benchmarks/bench_build.py [--repeat 3] [--cold-repeat 3] [--sizes 5,20]

Writes the table to benchmarks/RESULTS.md and into the book's performance page
(book/guides/performance.md, between its BENCHMARK markers).

Everything runs in throwaway copies of the project in one process tree on this machine, so
the ratios compare like with like; absolute seconds depend on the machine and are reported
only for context. Targets (issue 19): cold build without PDFs <= 0.4x the anchor (Jupyter
Book executing the same notebooks); per-brief cost at 1 worker <= 1.5x the briefs' own cell
time; an edit to a brief's Markdown or to a CSV it reads shown in the open page of
`briefs preview` (a real Chromium) in under 3 s; no-op rebuild <= 0.1x our cold build with 0
notebooks executed; the whole benchmark under 10 minutes. `--sizes` adds the older scaling
rows (copies of one brief on 1 worker and on every core), which take several minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, dest / name)
    for folder in ("data", "notebooks", "book"):
        shutil.copytree(REPO / folder, dest / folder, ignore=shutil.ignore_patterns("external"))
    return dest


@contextlib.contextmanager
def environment(**values: str):
    """These variables set in this process's environment for a while."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def ours_cold(root: Path, workers: int | None = None):
    """`briefs build --no-pdf` from nothing: the anchor prints no PDFs either (they are timed apart)."""
    from briefs.book.build import build_book

    shutil.rmtree(root / "build", ignore_errors=True)
    return build_book(root, workers=workers, pdf=False)


def pdfs(root: Path) -> float:
    """Printing every brief page of the built book to PDF, as `briefs build` does by default."""
    from briefs.project import catalog
    from briefs.book.pdf import print_pages

    pages = {b.name: f"briefs/{b.name}.html" for b in catalog.discover(root)}
    out = root / "bench-pdf"
    shutil.rmtree(out, ignore_errors=True)
    seconds, _ = timed(print_pages, root / "build" / "html", pages, out)
    return seconds


def anchor(root: Path) -> None:
    """Jupyter Book executing the MyST notebooks itself (execute_notebooks: force), cold."""
    from briefs.book import stage as b
    from briefs.book import vega
    from briefs.project import catalog, paths

    src = root / "anchor-src"
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(root / "book", src)
    (src / "briefs").mkdir()
    briefs = catalog.discover(root)
    for brief in briefs:
        # Same kernel as ours (this environment), so only the executor differs.
        text = brief.path.read_text().replace("name: python3", "name: briefs", 1)
        (src / "briefs" / f"{brief.name}.md").write_text(text)
    (src / "_toc.yml").write_text(b.toc(briefs))
    config = (src / "_config.yml").read_text().replace('execute_notebooks: "off"', 'execute_notebooks: "force"')
    (src / "_config.yml").write_text(config)
    static = src / "_static"
    static.mkdir(exist_ok=True)
    shutil.copyfile(vega.bundle(paths.user_cache_dir(root)), static / "vega-bundle.js")
    out = root / "anchor-out"
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "BRIEFS_ROOT": str(root)}
    cmd = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(src), "--path-output", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0 or not (out / "_build" / "html" / "index.html").exists():
        raise SystemExit(f"anchor build failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


def clone_briefs(root: Path, n: int, template: str) -> None:
    """n copies of a real brief (and nothing else) in the project's notebooks/."""
    text = (REPO / "notebooks" / f"{template}.md").read_text()
    for path in (root / "notebooks").glob("*.md"):
        path.unlink()
    for i in range(n):
        (root / "notebooks" / f"copy-{i:02d}.md").write_text(text)


def run_phase(root: Path, workers: int) -> float:
    from briefs.project import catalog
    from briefs.execute.schedule import run_briefs

    shutil.rmtree(root / "build" / "cache" / "briefs", ignore_errors=True)
    forget_charts(root)
    seconds, (runs, failures, _) = timed(run_briefs, catalog.discover(root), root, force=True, workers=workers)
    if failures:
        raise SystemExit(f"scaling run failed: {failures}")
    return seconds


CLEAR_SVGS = "__import__('briefs.page.rendered').page.rendered._SVGS.clear()"


def forget_charts(root: Path) -> None:
    """The charts' SVGs kept in the project (page.rendered), so that the next run draws every chart."""
    from briefs.project import paths

    shutil.rmtree(paths.charts_cache_dir(root), ignore_errors=True)


def cell_seconds(root: Path, name: str) -> float:
    """The brief's own cells, as papermill times them, in a kernel that has made its imports
    already: what a brief costs with no kernel start and no import at all."""
    import nbformat
    import papermill

    from briefs.execute import warm
    from briefs.execute.run import KERNEL, ensure_kernel
    from briefs.media import BRIEF_ENV
    from briefs.project import catalog

    nb = catalog.get(name, root).read()
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python (briefs)", "language": "python"}
    with tempfile.TemporaryDirectory(prefix="briefs-cells-") as tmp:
        source, out = Path(tmp) / "in.ipynb", Path(tmp) / "out.ipynb"
        nbformat.write(nb, source)
        os.environ[BRIEF_ENV] = name  # as run_brief does: the brief learns its own name
        try:
            with warm.lease(root) as kernel:
                km = kernel.manager(ensure_kernel())
                # Every chart drawn afresh, as in the runs this is compared with: a kernel keeps the
                # SVGs it drew (page.rendered), so a second run of the same brief would draw none.
                taken = kernel.taken
                taken._wait(taken.control.execute(CLEAR_SVGS, silent=True, store_history=False), 60)
                papermill.execute_notebook(str(source), str(out), kernel_name=ensure_kernel(), km=km,
                                           cwd=str(root), progress_bar=False)
        finally:
            os.environ.pop(BRIEF_ENV, None)
        executed = nbformat.read(out, as_version=4)
    return sum(c.metadata.get("papermill", {}).get("duration") or 0 for c in executed.cells if c.cell_type == "code")


def one_worker(root: Path, fresh: bool) -> tuple[float, float]:
    """Every brief, one after the other in this process (`-j 1`), forced; and, with warm kernels,
    the seconds the kernel took to start and make its imports beforehand (once per worker, as a
    pool's worker does while the first briefs are handed out), not counted in the first figure."""
    from briefs.execute import warm
    from briefs.execute.run import ensure_kernel
    from briefs.execute.schedule import run_briefs
    from briefs.project import catalog

    warm.shutdown_all()
    forget_charts(root)  # the cold build's charts: every chart drawn, as the cell-time probe draws them
    saved = os.environ.pop("BRIEFS_FRESH_KERNELS", None)
    start = 0.0
    if fresh:
        os.environ["BRIEFS_FRESH_KERNELS"] = "1"
    else:
        start, _ = timed(lambda: (warm.prestart(ensure_kernel(), root), warm.current().ready()))
    try:
        seconds, (runs, failures, _) = timed(run_briefs, catalog.discover(root), root, force=True, workers=1)
    finally:
        os.environ.pop("BRIEFS_FRESH_KERNELS", None)
        if saved is not None:
            os.environ["BRIEFS_FRESH_KERNELS"] = saved
    if failures:
        raise SystemExit(f"run at 1 worker failed: {failures}")
    warm.shutdown_all()
    return seconds, start


def preview_reloads(root: Path, repeat: int, brief: str = "imumi-factsheet") -> tuple[list[float], list[float]]:
    """Seconds from saving a file to the open page of `briefs preview` showing the rebuilt page, in
    Chromium: an edit to the brief's Markdown (the new sentence visible), then to a CSV it reads
    (the page reloaded)."""
    from playwright.sync_api import sync_playwright

    from briefs.book.pdf import launch
    from briefs.book.preview import Preview

    server = Preview(root, port=0)
    address = server.start()
    try:
        deadline = time.monotonic() + 900
        while server.state.version < 1 or server.state.building:
            if time.monotonic() > deadline:
                raise SystemExit("the preview never finished its first build")
            time.sleep(0.1)
        if server.state.error:
            raise SystemExit(f"the preview's first build failed: {server.state.error}")
        time.sleep(2)  # its kernel is starting (warm.prestart)
        source = root / "notebooks" / f"{brief}.md"
        data = root / "data" / "inm_returns_by_sex.csv"
        prose, csv = [], []
        with sync_playwright() as pw:
            browser = launch(pw)
            page = browser.new_page()
            page.goto(f"{address}briefs/{brief}.html", wait_until="load")
            for i in range(repeat):
                sentence = f"Sentence {i} added by the benchmark."
                text = source.read_text(encoding="utf-8")
                start = time.perf_counter()
                source.write_text(text.replace("## Key findings\n", f"## Key findings\n\n{sentence}\n", 1), encoding="utf-8")
                page.wait_for_function(f"document.body && document.body.innerText.includes({sentence!r})", timeout=300_000)
                prose.append(time.perf_counter() - start)
            for i in range(repeat):
                page.evaluate("window.__bench = 1")
                text = data.read_text(encoding="utf-8")
                start = time.perf_counter()  # one more man returned in June 2023
                data.write_text(re.sub(r"(2023-06-01,2023-06-30,Men,)(\d+)", lambda m: f"{m[1]}{int(m[2]) + 1}", text, count=1),
                                encoding="utf-8")
                page.wait_for_function("!window.__bench && document.readyState === 'complete'", timeout=300_000)
                csv.append(time.perf_counter() - start)
                if server.state.error:
                    raise SystemExit(f"the preview failed after a CSV edit: {server.state.error}")
            browser.close()
    finally:
        server.stop()
    return prose, csv


def line(points: dict[int, float]) -> tuple[float, float]:
    """Least-squares intercept and slope of time against brief count."""
    xs, ys = list(points), list(points.values())
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return my - slope * mx, slope


def median(xs: list[float]) -> float:
    return statistics.median(xs)


LARGE_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
import pandas as pd
from briefs.data.verdicts import validate
path, how = Path(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
if how == "ours":
    [verdict] = validate(["inm_returns_by_nationality"])
    assert verdict.ok, verdict
else:
    pd.read_csv(path, dtype=str, keep_default_na=False)
print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def large_validation(root: Path, megabytes: int = 50) -> dict[str, dict[str, float]]:
    """A valid nationality table of about `megabytes` MB (one-day periods, every nationality each
    day) validated by `briefs validate`'s pass, against pandas only reading it as text: each in a
    process of its own, for its peak memory. (Issue 20: a 50 MB resource took 5 minutes and 1.27 GB.)"""
    import json
    from datetime import date as day_of, timedelta

    descriptor = json.loads((root / "data" / "datapackage.json").read_text())
    schema = next(r for r in descriptor["resources"] if r["name"] == "inm_returns_by_nationality")["schema"]
    names = next(f for f in schema["fields"] if f["name"] == "nationality")["constraints"]["enum"]
    path = root / "data" / "inm_returns_by_nationality.csv"
    original = path.read_bytes()
    lines, size, day = ["period_start,period_end,nationality,people"], 0, day_of(1700, 1, 1)
    while size < megabytes * 10**6:
        text = day.isoformat()
        for i, name in enumerate(names):
            lines.append(f"{text},{text},{name},{(day.toordinal() * 7 + i) % 1000}")
            size += len(lines[-1]) + 1
        day += timedelta(days=1)
    path.write_text("\n".join(lines) + "\n")
    try:
        out = {}
        for how in ("ours", "pandas"):
            proc = subprocess.run([sys.executable, "-c", LARGE_CHILD, str(path), how], cwd=root, capture_output=True, text=True)
            if proc.returncode:
                raise SystemExit(f"validating the large file failed: {proc.stderr[-2000:]}")
            out[how] = json.loads(proc.stdout)
        return out
    finally:
        path.write_bytes(original)


MARK_START, MARK_END = "<!-- BENCHMARK START -->", "<!-- BENCHMARK END -->"
PAGE = REPO / "book" / "guides" / "performance.md"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs of the quick measurements (median)")
    ap.add_argument("--cold-repeat", type=int, default=3, help="runs of each cold build, ours and the anchor's, alternated (median)")
    ap.add_argument("--sizes", default="", help="brief counts for the scaling rows, e.g. 5,20,50 (default: none)")
    ap.add_argument("--template", default="mpi-brief", help="the real brief copied for the scaling test")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "RESULTS.md"))
    ap.add_argument("--page", default=str(PAGE), help="the docs page whose BENCHMARK block is replaced ('' for none)")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="briefs-bench-") as tmp:
        root = copy_project(Path(tmp) / "project")
        from briefs.project import catalog

        n_real = len(catalog.discover(root))
        ours, theirs, unforked, unshared = [], [], [], []
        arms = {"ours": (ours, {}), "unforked": (unforked, {"BRIEFS_ZYGOTE": "0"}), "unshared": (unshared, {"BRIEFS_CHART_ENGINE": "0"})}
        for i in range(args.cold_repeat):  # alternated, so a slow spell of the machine hits every arm
            # Ours first in the first run, which also pays for this process's imports.
            order = ("ours", "unforked", "unshared") if i % 2 == 0 else ("unshared", "unforked", "ours")
            for arm in order:
                times, env = arms[arm]
                with environment(**env):
                    times.append(timed(ours_cold, root)[0])
            theirs.append(timed(anchor, root)[0])
        for arm, (times, _) in [*arms.items(), ("anchor", (theirs, {}))]:
            print(f"cold build, {arm}: " + ", ".join(f"{t:.2f} s" for t in times), flush=True)
        rows.append((f"cold build, {n_real} briefs: `briefs build --no-pdf` ({cores} workers) vs `jupyter-book build` (execute: force)",
                     f"{median(ours):.1f} s vs {median(theirs):.1f} s", f"{median(ours) / median(theirs):.2f}x", "<= 0.4x"))
        rows.append(("the same cold build with each kernel making its own imports (`BRIEFS_ZYGOTE=0`), vs forked kernels",
                     f"{median(unforked):.1f} s", f"{median(ours) / median(unforked):.2f}x", "context"))
        rows.append(("the same cold build with each kernel drawing its own charts (`BRIEFS_CHART_ENGINE=0`), vs one chart engine",
                     f"{median(unshared):.1f} s", f"{median(ours) / median(unshared):.2f}x", "context"))
        printing = pdfs(root)
        rows.append((f"PDFs of the {n_real} brief pages (part of a default `briefs build`, not of the anchor)",
                     f"{printing:.1f} s", f"{printing / median(ours):.2f}x our cold build", "context"))

        from briefs.book.build import build_book

        noop = []
        for _ in range(args.repeat):
            seconds, result = timed(build_book, root, pdf=False)
            noop.append((seconds, len(result.runs)))
        rows.append(("no-op rebuild (nothing changed) vs our cold build",
                     f"{median([s for s, _ in noop]):.2f} s, {max(n for _, n in noop)} notebooks executed",
                     f"{median([s for s, _ in noop]) / median(ours):.3f}x", "<= 0.1x, 0 executed"))

        data = root / "data" / "inm_returns_by_sex.csv"
        data.write_text(data.read_text().replace("Men,2150", "Men,2151"))
        seconds, result = timed(build_book, root, pdf=False)
        reran = ", ".join(r.brief for r in result.runs) or "none"
        rows.append(("one data file changed (`inm_returns_by_sex.csv`)", f"{seconds:.1f} s; re-ran: {reran}", "", "only the briefs that read it"))

        from briefs.project import catalog as cat

        names = [b.name for b in cat.discover(root)]
        cells = {name: min(cell_seconds(root, name) for _ in range(2)) for name in names}
        warm_total, kernel_start = one_worker(root, fresh=False)
        fresh_total, _ = one_worker(root, fresh=True)
        total_cells = sum(cells.values())
        rows.append((f"per-brief cost at 1 worker (`-j 1`, warm kernel started), {len(names)} briefs vs their own cell time",
                     f"{warm_total / len(names):.2f} s vs {total_cells / len(names):.2f} s per brief",
                     f"{warm_total / total_cells:.2f}x", "<= 1.5x"))
        rows.append(("the warm kernel's start and imports, once per worker (not in the row above)",
                     f"{kernel_start:.2f} s", f"{kernel_start / warm_total:.2f}x the {len(names)} briefs", "context"))
        rows.append(("per-brief cost with a fresh kernel per brief (`BRIEFS_FRESH_KERNELS=1`)",
                     f"{fresh_total / len(names):.2f} s per brief", f"{fresh_total / total_cells:.2f}x", "context"))

        build_book(root, pdf=False)  # the runs the preview starts from
        prose, csv = preview_reloads(root, args.repeat)
        rows.append(("`briefs preview`: edit a brief's Markdown -> the open page shows it (Chromium)",
                     ", ".join(f"{x:.1f}" for x in prose) + " s", f"median {median(prose):.1f} s", "< 3 s"))
        rows.append(("`briefs preview`: edit a CSV the brief reads -> the open page reloaded (Chromium)",
                     ", ".join(f"{x:.1f}" for x in csv) + " s", f"median {median(csv):.1f} s", "< 3 s"))

        large = large_validation(root)
        ours_v, read = large["ours"], large["pandas"]
        rows.append(("validating a 50 MB resource (`briefs validate`) vs pandas reading it as text, each in its own process",
                     f"{ours_v['seconds']:.1f} s, {ours_v['peak_mb']:.0f} MB peak vs {read['seconds']:.1f} s, {read['peak_mb']:.0f} MB peak",
                     f"{ours_v['seconds'] / read['seconds']:.1f}x", "seconds, not minutes (issue 20)"))

        sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
        per_brief = {}
        for n in sizes:
            clone_briefs(root, n, args.template)
            one = run_phase(root, 1)
            many = run_phase(root, cores)
            per_brief[n] = (one / n, many / n)
            rows.append((f"scaling: {n} copies of `{args.template}`, 1 worker vs {cores} workers", f"{one:.1f} s vs {many:.1f} s",
                         f"{one / many:.2f}x speedup", f">= 1.7x ({cores} cores)"))
        for w, label in ((0, "1 worker"), (1, f"{cores} workers")) if len(sizes) > 1 else ():
            # Linear = a straight line t = fixed + per_brief * n (least squares over the sizes); the
            # fixed part is starting the pool and its workers, paid once per build.
            totals = {n: per_brief[n][w] * n for n in sizes}
            fixed, slope = line(totals)
            worst = max(abs(totals[n] - (fixed + slope * n)) / totals[n] for n in sizes)
            rows.append((f"linearity ({label}): total time against number of briefs",
                         ", ".join(f"{n}: {totals[n]:.1f} s" for n in sizes) + f"; fit {fixed:.1f} s + {slope:.2f} s per brief",
                         f"{worst:.0%} max deviation from the line", "within 15%"))

    table = [
        f"Measured {date.today().isoformat()} on {platform.machine()}, {cores} cores, {platform.system()}, Python {platform.python_version()};"
        f" cold builds median of {args.cold_repeat}, quick measurements median of {args.repeat}, scaling one run each;"
        f" load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end;"
        f" whole benchmark {(time.perf_counter() - started) / 60:.1f} min. Produced by `benchmarks/bench_build.py`.",
        "",
        "| measurement | result | ratio | target |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
    ]
    out = Path(args.out)
    notes = ""
    if out.exists() and "\n## Notes" in out.read_text():
        notes = out.read_text()[out.read_text().index("\n## Notes"):]
    out.write_text("\n".join(["# Build benchmark", "", *table, ""]) + notes)
    if args.page:
        page = Path(args.page)
        text = page.read_text()
        if MARK_START in text and MARK_END in text:
            head, rest = text.split(MARK_START, 1)
            page.write_text(head + MARK_START + "\n" + "\n".join(table) + "\n" + MARK_END + rest.split(MARK_END, 1)[1])
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
