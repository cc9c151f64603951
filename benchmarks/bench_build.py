"""Benchmark `briefs build` against Jupyter Book's own execution, side by side, as ratios.

Run: .venv/bin/python benchmarks/bench_build.py [--repeat 3] [--out benchmarks/RESULTS.md]

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
    from briefs.build import build_book

    shutil.rmtree(root / "build", ignore_errors=True)
    return build_book(root, workers=workers)


def anchor(root: Path) -> None:
    """Jupyter Book executing the MyST notebooks itself (execute_notebooks: force), cold."""
    from briefs import build as b
    from briefs import catalog

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


def clone_briefs(root: Path, n: int, template: str = "imumi-factsheet") -> None:
    """n copies of a real brief (and nothing else) in the project's notebooks/."""
    text = (REPO / "notebooks" / f"{template}.md").read_text()
    for path in (root / "notebooks").glob("*.md"):
        path.unlink()
    for i in range(n):
        (root / "notebooks" / f"copy-{i:02d}.md").write_text(text)


def run_phase(root: Path, workers: int) -> float:
    from briefs import catalog
    from briefs.build import run_briefs

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
kc.execute_interactive("import pandas, altair, vl_convert\\nfrom briefs import charts, claims, tables, sources, data", timeout=120)
print(time.perf_counter() - t)
kc.stop_channels(); km.shutdown_kernel(now=True)
"""


def floor() -> float:
    from briefs.run import ensure_kernel

    ensure_kernel()
    proc = subprocess.run([sys.executable, "-c", FLOOR], capture_output=True, text=True, check=True)
    return float(proc.stdout.strip().splitlines()[-1])


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument("--sizes", default="5,20,50", help="brief counts for the scaling test")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "RESULTS.md"))
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="briefs-bench-") as tmp:
        root = copy_project(Path(tmp) / "project")
        from briefs import catalog

        n_real = len(catalog.discover(root))
        ours = [timed(ours_cold, root)[0] for _ in range(args.repeat)]
        theirs = [timed(anchor, root)[0] for _ in range(args.repeat)]
        rows.append((f"cold build, {n_real} briefs: `briefs build` vs `jupyter-book build` (execute: force)",
                     f"{median(ours):.1f} s vs {median(theirs):.1f} s", f"{median(ours) / median(theirs):.2f}x", "<= 0.5x"))

        from briefs.build import build_book

        noop = []
        for _ in range(args.repeat):
            seconds, result = timed(build_book, root)
            noop.append((seconds, len(result.runs)))
        rows.append(("no-op rebuild (nothing changed) vs our cold build",
                     f"{median([s for s, _ in noop]):.2f} s, {max(n for _, n in noop)} notebooks executed",
                     f"{median([s for s, _ in noop]) / median(ours):.3f}x", "<= 0.1x, 0 executed"))

        data = root / "data" / "inm_returns_by_sex.csv"
        data.write_text(data.read_text().replace("Men,2150", "Men,2151"))
        seconds, result = timed(build_book, root)
        reran = ", ".join(r.brief for r in result.runs) or "none"
        rows.append(("one data file changed (`inm_returns_by_sex.csv`)", f"{seconds:.1f} s; re-ran: {reran}", "", "only the briefs that read it"))

        fl = [floor() for _ in range(args.repeat)]
        sizes = [int(x) for x in args.sizes.split(",")]
        per_brief = {}
        for n in sizes:
            clone_briefs(root, n)
            one = run_phase(root, 1)
            many = run_phase(root, cores)
            per_brief[n] = (one / n, many / n)
            rows.append((f"scaling: {n} briefs, 1 worker vs {cores} workers", f"{one:.1f} s vs {many:.1f} s",
                         f"{one / many:.2f}x speedup", ">= 1.7x"))
        base = per_brief[sizes[0]][0]
        worst = max(abs(per_brief[n][0] / base - 1) for n in sizes)
        rows.append(("linearity: time per brief (1 worker) across sizes",
                     ", ".join(f"{n}: {per_brief[n][0]:.2f} s" for n in sizes), f"{worst:.0%} max deviation", "within 15%"))
        rows.append(("floor: bare kernel start + imports vs our per-brief cost (1 worker)",
                     f"{median(fl):.2f} s vs {per_brief[sizes[-1]][0]:.2f} s", f"{median(fl) / per_brief[sizes[-1]][0]:.2f} of it", "context"))

    lines = [
        "# Build benchmark",
        "",
        f"Measured {date.today().isoformat()} on {platform.machine()} with {cores} cores, Python {platform.python_version()},"
        f" median of {args.repeat} runs where repeated. Produced by `benchmarks/bench_build.py`.",
        "",
        "| measurement | result | ratio | target |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
        "",
    ]
    Path(args.out).write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
