"""`briefs list|run|build|preview`: the briefs, one run, the whole book, a live preview of it."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.markup import escape

from briefs.cli.console import console
from briefs.cli.console import BuildDisplay


def cmd_list(args: argparse.Namespace) -> int:
    from briefs.project import catalog

    for brief in catalog.discover():
        print(f"{brief.name}\t{brief.document}\t{brief.title}")
    return 0


def _summary(label: str, result, where: str = "") -> None:
    """One line per run: its claims, how many are contradicted, where it went; then each contradicted claim."""
    bad = result.contradicted
    console.print(
        f"[green]{escape(label)}[/green]: {len(result.claims)} claims, {len(bad)} contradicted -> "
        f"{escape(str(result.notebook))}{escape(where)}",
        soft_wrap=True,
    )
    for claim in bad:
        console.print(
            f"  [red]contradicted[/red] {escape(claim['id'])}: computed {escape(claim['text'])}, {escape(claim['rule'])}"
        )


def cmd_variants(args: argparse.Namespace) -> int:
    """`briefs run NAME` with -p, --strict or --sweep: each run brought up to date (execute.sweep)."""
    from briefs.execute.run import parse_cli_parameters
    from briefs.execute.sweep import expand, run_sweep

    if args.output and args.sweep:
        from briefs.errors import UsageError

        raise UsageError("--output names one notebook; a sweep writes one per parameter set into build/variants/")
    sets = expand(parse_cli_parameters(args.parameter), args.sweep)
    with BuildDisplay() as display:
        result = run_sweep(args.name, sets, strict=args.strict, workers=args.workers, scheduler=args.scheduler, progress=display)
    if not args.sweep and result.failures:  # one run: its failure is the command's, with its own exit status
        from briefs.errors import BriefFailed, BriefsError

        run_id, reason = next(iter(result.failures.items()))
        error = result.errors.get(run_id)
        raise error if isinstance(error, BriefsError) else BriefFailed(reason)
    for run_id, params in result.parameters.items():
        shown = ", ".join(f"{k}={v}" for k, v in params.items())
        if run_id in result.failures:
            console.print(f"  [red]{escape(run_id)}[/red] ({escape(shown)}): {escape(result.failures[run_id])}", soft_wrap=True)
        else:
            _summary(
                run_id,
                result.outcome(run_id),
                f" (not published: parameters other than the brief's own: {shown})" if params else "",
            )
    return 1 if result.failures else 0


def cmd_run(args: argparse.Namespace) -> int:
    if not args.sweep and not args.scheduler:  # one run, in this process: its kernel boots while the rest loads
        from briefs.execute import warm
        from briefs.project.paths import project_root

        warm.start_early(project_root())
    if args.sweep or ((args.parameter or args.strict) and not args.output):
        return cmd_variants(args)

    from briefs.cli.console import progress
    from briefs.execute.run import parse_cli_parameters, run_brief

    params = parse_cli_parameters(args.parameter)
    with console.status(f"running {escape(args.name)}"):
        result = run_brief(
            args.name, params, strict=args.strict, output=Path(args.output) if args.output else None, progress=progress
        )
    _summary(args.name, result)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from briefs.book.build import build_book

    with BuildDisplay() as display:
        result = build_book(
            progress=display, run=not args.no_run, force=args.force, workers=args.workers, pdf=args.pdf, scheduler=args.scheduler
        )
    if result.failures:
        console.print(f"[red]{len(result.failures)} brief(s) failed[/red] (their last good pages were kept):")
        for name, reason in result.failures.items():
            line = reason if reason.startswith(f"{name}: ") else f"{name}: {reason}"
            console.print(f"  {escape(line)}", soft_wrap=True)
        return 1
    console.print(f"[green]book built[/green]: {escape(str(result.html / 'index.html'))}")
    return 0


def cmd_stage(args: argparse.Namespace) -> int:
    from briefs.book.build import stage_book

    with BuildDisplay() as display:
        result = stage_book(progress=display, run=not args.no_run, force=args.force, workers=args.workers)
    for name, reason in result.failures.items():
        console.print(
            f"[red]failed[/red] {escape(reason if reason.startswith(f'{name}: ') else f'{name}: {reason}')}", soft_wrap=True
        )
    source = result.source.relative_to(Path.cwd()) if result.source.is_relative_to(Path.cwd()) else result.source
    console.print(
        f"[green]book source written[/green]: {escape(str(source))}; build it with `jupyter-book build {escape(str(source))}`",
        soft_wrap=True,
    )
    return 1 if result.failures else 0


def cmd_preview(args: argparse.Namespace) -> int:
    from briefs.book.preview import preview
    from briefs.cli.console import progress

    def ready(address: str) -> None:
        console.print(
            f"previewing the book at [bold]{escape(address)}[/bold]; pages reload as you edit "
            "notebooks/, data/ and book/ (Ctrl-C to stop)"
        )

    try:
        preview(port=args.port, say=progress, ready=ready)
    except KeyboardInterrupt:
        console.print("stopped")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="list the briefs", description="List the briefs found in notebooks/.")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser(
        "run",
        help="execute one brief with papermill",
        description="Execute one brief with papermill into build/runs/NAME.ipynb, the page the book shows. A run "
        "with parameters other than the brief's own (-p, --strict, --sweep) is the variant NAME@SET instead: "
        "build/variants/NAME@SET.ipynb, named in build/variants/index.json and never published, where SET "
        "is a hash of the parameters that differ from the brief's defaults; it runs again only when its "
        "inputs change.",
    )
    p.add_argument("name", help="the brief's name (see `briefs list`)")
    p.add_argument(
        "-p", "--parameter", nargs=2, action="append", metavar=("KEY", "VALUE"), help="set a parameter of the brief (repeatable)"
    )
    p.add_argument("--strict", action="store_true", help="fail if any claim is contradicted")
    p.add_argument("-o", "--output", help="write the executed notebook here instead (always run; nothing recorded)")
    p.add_argument(
        "--sweep",
        action="append",
        default=[],
        metavar="PARAM=V1,V2",
        help="run once per value (repeatable: every combination), each into build/variants/NAME@SET.ipynb",
    )
    p.add_argument("-j", "--workers", type=int, default=None, help="runs of a sweep at once (default: one per core)")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the variants on the Dask scheduler at ADDRESS (workers need no shared disk)",
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "build",
        help="run every brief and build the book",
        description="Run every brief, then compile the book to build/html (offline).",
    )
    p.add_argument("--no-run", action="store_true", help="reuse the executed notebooks already in build/runs")
    p.add_argument("--force", action="store_true", help="re-run every brief and recompile, even if nothing changed")
    p.add_argument("-j", "--workers", type=int, default=None, help="briefs run at once (default: one per core)")
    p.add_argument(
        "--pdf",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="print every brief to PDF with headless Chromium (default: when Chromium is installed)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the briefs on the Dask scheduler at ADDRESS, e.g. tcp://10.0.0.5:8786 (workers need no shared disk)",
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "stage",
        help="write the book's source for jupyter-book, without compiling it",
        description="Run the briefs whose inputs changed, then write the book's source (configuration, generated "
        "table of contents, executed notebooks) to build/book/src without compiling it: "
        "`jupyter-book build build/book/src` then builds the pages with Jupyter Book's own command.",
    )
    p.add_argument("--no-run", action="store_true", help="reuse the executed notebooks already in build/runs")
    p.add_argument("--force", action="store_true", help="re-run every brief, even if nothing changed")
    p.add_argument("-j", "--workers", type=int, default=None, help="briefs run at once (default: one per core)")
    p.set_defaults(func=cmd_stage)

    p = sub.add_parser(
        "preview",
        help="serve the book on 127.0.0.1 and rebuild it as you edit",
        description="Serve the book on 127.0.0.1; when a file under notebooks/, data/ or book/ changes, re-run "
        "the briefs whose inputs changed, recompile the pages affected and reload the open page. "
        "Errors show on the page and here; the server keeps running. No PDFs.",
    )
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000; 0 picks a free one)")
    p.set_defaults(func=cmd_preview)
