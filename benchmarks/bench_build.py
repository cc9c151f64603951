"""Benchmark `briefs build` against Jupyter Book's own execution, side by side, as ratios.

Run: .venv/bin/python benchmarks/bench_build.py [--repeat 3] [--cold-repeat 2] [--template mpi-brief]

Writes the table to benchmarks/RESULTS.md and into the book's performance page
(book/guides/performance.md, between its BENCHMARK markers).

Everything runs in throwaway copies of the project in one process tree on this
machine, so the ratios compare like with like; absolute seconds depend on the
machine and are reported only for context. Targets (from the issue):
cold build <= 0.5x the anchor; no-op rebuild <= 0.1x our cold build with 0
notebooks executed; 2-core speedup >= 1.7x; time linear in briefs within 15%.
"""

from __future__ import annotations

import argparse
import os
import platform
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
    from briefs.project import catalog

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
    shutil.copyfile(b.vega_bundle(root / "build" / "cache"), static / "vega-bundle.js")
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
    seconds, (runs, failures, _) = timed(run_briefs, catalog.discover(root), root, force=True, workers=workers)
    if failures:
        raise SystemExit(f"scaling run failed: {failures}")
    return seconds


FLOOR = """
import time, sys
t = time.perf_counter()
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name="briefs")
kc.execute_interactive("import pandas, altair, vl_convert\\nfrom briefs.page import charts, claims, tables, sources; from briefs.data import package", timeout=120)
print(time.perf_counter() - t)
kc.stop_channels(); km.shutdown_kernel(now=True)
"""


def floor() -> float:
    from briefs.execute.run import ensure_kernel

    ensure_kernel()
    proc = subprocess.run([sys.executable, "-c", FLOOR], capture_output=True, text=True, check=True)
    return float(proc.stdout.strip().splitlines()[-1])


def line(points: dict[int, float]) -> tuple[float, float]:
    """Least-squares intercept and slope of time against brief count."""
    xs, ys = list(points), list(points.values())
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return my - slope * mx, slope


def median(xs: list[float]) -> float:
    return statistics.median(xs)


MARK_START, MARK_END = "<!-- BENCHMARK START -->", "<!-- BENCHMARK END -->"
PAGE = REPO / "book" / "guides" / "performance.md"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs of the quick measurements (median)")
    ap.add_argument("--cold-repeat", type=int, default=2, help="runs of each cold build, ours and the anchor's, alternated (median)")
    ap.add_argument("--sizes", default="5,20,50", help="brief counts for the scaling test")
    ap.add_argument("--template", default="mpi-brief", help="the real brief copied for the scaling test")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "RESULTS.md"))
    ap.add_argument("--page", default=str(PAGE), help="the docs page whose BENCHMARK block is replaced ('' for none)")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    started = time.perf_counter()
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="briefs-bench-") as tmp:
        root = copy_project(Path(tmp) / "project")
        from briefs.project import catalog

        n_real = len(catalog.discover(root))
        ours, theirs = [], []
        for _ in range(args.cold_repeat):  # alternated, so a slow spell of the machine hits both
            ours.append(timed(ours_cold, root)[0])
            theirs.append(timed(anchor, root)[0])
        rows.append((f"cold build, {n_real} briefs: `briefs build --no-pdf` ({cores} workers) vs `jupyter-book build` (execute: force)",
                     f"{median(ours):.1f} s vs {median(theirs):.1f} s", f"{median(ours) / median(theirs):.2f}x", "<= 0.5x"))
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

        fl = [floor() for _ in range(args.repeat)]
        sizes = [int(x) for x in args.sizes.split(",")]
        per_brief = {}
        for n in sizes:
            clone_briefs(root, n, args.template)
            one = run_phase(root, 1)
            many = run_phase(root, cores)
            per_brief[n] = (one / n, many / n)
            rows.append((f"scaling: {n} copies of `{args.template}`, 1 worker vs {cores} workers", f"{one:.1f} s vs {many:.1f} s",
                         f"{one / many:.2f}x speedup", f">= 1.7x ({cores} cores)"))
        for w, label in ((0, "1 worker"), (1, f"{cores} workers")):
            # Linear = a straight line t = fixed + per_brief * n (least squares over the sizes); the
            # fixed part is starting the pool and its workers, paid once per build.
            totals = {n: per_brief[n][w] * n for n in sizes}
            fixed, slope = line(totals)
            worst = max(abs(totals[n] - (fixed + slope * n)) / totals[n] for n in sizes)
            rows.append((f"linearity ({label}): total time against number of briefs",
                         ", ".join(f"{n}: {totals[n]:.1f} s" for n in sizes) + f"; fit {fixed:.1f} s + {slope:.2f} s per brief",
                         f"{worst:.0%} max deviation from the line", "within 15%"))
        rows.append(("floor: bare kernel start + the imports a brief needs vs our per-brief cost (1 worker)",
                     f"{median(fl):.2f} s vs {per_brief[sizes[-1]][0]:.2f} s", f"{median(fl) / per_brief[sizes[-1]][0]:.2f} of it", "context"))

    table = [
        f"Measured {date.today().isoformat()} on {platform.machine()}, {cores} cores, {platform.system()}, Python {platform.python_version()};"
        f" cold builds median of {args.cold_repeat}, quick measurements median of {args.repeat}, scaling one run each;"
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
