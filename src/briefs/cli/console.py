"""What the commands print: one stderr console, progress lines, and the live table of a build."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

console = Console(stderr=True, highlight=False)


def progress(item: str, state: str) -> None:
    """Plain progress lines for long steps outside the live build table."""
    style = next((v for k, v in BuildDisplay.STYLES.items() if state.startswith(k)), "")
    console.print(f"[bold]{escape(item)}[/bold] " + (f"[{style}]{escape(state)}[/{style}]" if style else escape(state)))


class BuildDisplay:
    """A live table of every brief's state while the book builds (plain lines when not a terminal)."""

    STYLES = {"queued": "dim", "running": "cyan", "unchanged": "blue", "done": "green", "failed": "red"}

    def __init__(self) -> None:
        self.states: dict[str, str] = {}
        self.live = None

    def table(self):
        from rich.table import Table

        table = Table(show_header=True, header_style="bold", box=None)
        table.add_column("brief")
        table.add_column("state")
        for item, state in self.states.items():
            style = next((v for k, v in self.STYLES.items() if state.startswith(k)), "")
            table.add_row(escape(item), f"[{style}]{escape(state)}[/{style}]" if style else escape(state))
        return table

    def __call__(self, item: str, state: str) -> None:
        self.states[item] = state
        if self.live is not None:
            self.live.update(self.table())
        else:
            progress(item, state)

    def __enter__(self):
        if console.is_terminal:
            from rich.live import Live

            self.live = Live(self.table(), console=console, refresh_per_second=8)
            self.live.__enter__()
        return self

    def __exit__(self, *exc):
        if self.live is not None:
            self.live.__exit__(*exc)
