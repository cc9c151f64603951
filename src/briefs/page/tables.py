"""Tables recomputed from tidy data, their totals, and how they are shown.

Published tables carry totals; the project recomputes them from the parts and
checks them against the printed ones rather than copying them, so a
transcription slip or an arithmetic error in the source shows up as a finding.
Every shown table carries its data as a CSV download and as a machine-readable
record in the executed notebook, so reviewers can diff it cell by cell.
"""

from __future__ import annotations

import base64
import html
import json
import re
from typing import Iterable

import pandas as pd

from briefs.media import TABLE_MIME
from briefs.page.periods import period_label

TOTAL = "Total"


def crosstab(
    frame: pd.DataFrame,
    category: str,
    value: str = "people",
    order: Iterable[str] | None = None,
    totals: bool = True,
    label: str | None = None,
) -> pd.DataFrame:
    """Categories down, periods across (labelled), with a total row and column.

    Columns are period labels in date order; `order` fixes the row order (the
    schema's enum, so tables read like the source).
    """
    periods = frame[["period_start", "period_end"]].drop_duplicates().sort_values("period_start")
    if periods["period_start"].duplicated().any():
        clash = periods[periods["period_start"].duplicated(keep=False)]
        raise ValueError(
            f"crosstab: periods starting {clash.period_start.iloc[0]:%Y-%m-%d} end on different days; one column cannot hold both"
        )
    labels = {row.period_start: period_label(row.period_start, row.period_end) for row in periods.itertuples()}
    wide = frame.pivot_table(index=category, columns="period_start", values=value, aggfunc="sum", observed=True)
    wide = wide.reindex(columns=list(labels)).rename(columns=labels)
    if TOTAL in wide.index:
        # The total row would silently overwrite it: a transcribed total row is a data error.
        raise ValueError(f"crosstab: {category!r} has a category named {TOTAL!r}, which the totals row would overwrite")
    cats = [c for c in (order or sorted(wide.index)) if c in wide.index]
    wide = wide.reindex(cats).fillna(0).astype("int64")
    wide.index.name = label or category
    wide.columns.name = None
    return add_totals(wide) if totals else wide


def add_totals(wide: pd.DataFrame) -> pd.DataFrame:
    """Append a total column and a total row, each the sum of its parts."""
    out = wide.copy()
    out[TOTAL] = out.sum(axis=1)
    out.loc[TOTAL] = out.sum(axis=0)
    return out


def melt(wide: pd.DataFrame, value: str = "people") -> pd.DataFrame:
    """The inverse of a pivot without totals: one row per (row label, column label)."""
    name = wide.index.name or "row"
    body = wide.drop(index=TOTAL, errors="ignore").drop(columns=TOTAL, errors="ignore")
    long = body.rename_axis(name).reset_index().melt(id_vars=name, var_name="column", value_name=value)
    return long


def compare_totals(
    recomputed: pd.DataFrame,
    published: pd.DataFrame,
    table: str,
) -> pd.DataFrame:
    """Recomputed margins beside the printed ones.

    `recomputed` is a crosstab with totals; `published` is the totals resource.
    Margins outside the recomputed window are left out rather than compared.
    """
    rows = []
    pub = published[published["table"] == table]
    labels = {period_label(r.period_start, r.period_end): r for r in pub[pub["margin"] == "period"].itertuples()}
    for label, row in labels.items():
        if label in recomputed.columns:
            rows.append(("month", label, int(recomputed.loc[TOTAL, label]), int(row.people)))
    full_window = all(label in recomputed.columns for label in labels) if labels else True
    for row in pub[pub["margin"] == "category"].itertuples():
        if row.category in recomputed.index:
            rows.append(("category", row.category, int(recomputed.loc[row.category, TOTAL]), int(row.people)))
    for row in pub[pub["margin"] == "grand"].itertuples():
        rows.append(("all", "Total", int(recomputed.loc[TOTAL, TOTAL]), int(row.people)))
    out = pd.DataFrame(rows, columns=["margin", "label", "recomputed", "published"])
    if not full_window:
        # Category and grand totals span the whole window; a shorter run cannot match them.
        out = out[out["margin"] == "month"]
    out["difference"] = out["recomputed"] - out["published"]
    return out.reset_index(drop=True)


def fmt_int(value: float | int) -> str:
    return f"{int(round(value)):,}"


def fmt_pct(value: float, digits: int = 1) -> str:
    return f"{value * 100:.{digits}f}%"


def to_csv(frame: pd.DataFrame) -> str:
    """CSV text with a stable layout (LF endings, ISO dates) for downloads and diffs."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    index = out.index.name is not None or not isinstance(out.index, pd.RangeIndex)
    return out.to_csv(index=index, lineterminator="\n")


def download_link(frame: pd.DataFrame | str, filename: str, label: str = "Download the data (CSV)") -> str:
    """An <a download> link carrying the CSV (of a frame, or CSV text) inline, so it works offline and in any edition."""
    text = frame if isinstance(frame, str) else to_csv(frame)
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return (
        f'<a class="briefs-download" download="{html.escape(filename)}" '
        f'href="data:text/csv;charset=utf-8;base64,{payload}">{html.escape(label)}</a>'
    )


NUMERIC_TEXT = re.compile(r"[-+−]?[$€£]?\d[\d,]*(\.\d+)?%?( (million|billion))?")
IDENTIFIER = re.compile(r"[a-z0-9]+(_[a-z0-9]+)+")
NUMBER_RUN = re.compile(r"[-+−]?\d[\d,.]*\d%?|\d%")
WIDE_PX = 1000  # about what fits across a printed page at the usual size; wider tables print smaller


def column_label(name: object, labels: dict | None = None) -> str:
    """What a reader sees for a column: `labels[name]`, else the name with a data frame's spelling
    undone (`per_day` -> `Per day`, `month` -> `Month`); labels already written for readers stay."""
    if labels and name in labels:
        return str(labels[name])
    text = str(name)
    if text[:1].islower():
        text = text.replace("_", " ")
        text = text[0].upper() + text[1:]
    return text


def text_html(text: str) -> str:
    """Escaped text whose numbers never break across lines (a table cell may wrap between words)."""
    out, at = [], 0
    for match in NUMBER_RUN.finditer(text):
        out.append(html.escape(text[at : match.start()]))
        out.append(f'<span class="briefs-nowrap">{html.escape(match.group())}</span>')
        at = match.end()
    out.append(html.escape(text[at:]))
    return "".join(out)


def _cell(value: object) -> str:
    if isinstance(value, (int,)) or (isinstance(value, float) and value.is_integer()):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return html.escape(str(value))


def _td(value: object, label: str) -> str:
    """A body cell: numbers (and text that is only a number) right-aligned and never broken.

    `data-label` names the column, for the phone layout that stacks a row's cells (briefs.css).
    """
    data = f' data-label="{html.escape(label)}"'
    if not isinstance(value, str):
        return f'<td class="num"{data}>{_cell(value)}</td>'
    if NUMERIC_TEXT.fullmatch(value.strip()):
        return f'<td class="num"{data}>{html.escape(value)}</td>'
    if IDENTIFIER.fullmatch(value):  # a key in the data (a figure's id): code, breakable after each _
        return f'<td{data}><code class="briefs-id">{"_<wbr>".join(html.escape(p) for p in value.split("_"))}</code></td>'
    return f"<td{data}>{text_html(value)}</td>"


def is_prose(frame: pd.DataFrame) -> bool:
    """Whether rows read as sentences (long labels or text cells): on a phone each row is then a
    block of labelled lines, since a column of words beside the numbers would be a word a line."""

    def long(values) -> bool:
        texts = [v for v in values if isinstance(v, str) and not NUMERIC_TEXT.fullmatch(v.strip())]
        return bool(texts) and sum(len(t) for t in texts) / len(texts) > 24

    return long(list(frame.index)) or any(long(list(frame[c])) for c in frame.columns)


def _chars(value: object) -> int:
    """About how many characters a cell needs on one line: a number all of it, text until it wraps."""
    text = _cell(value) if not isinstance(value, str) else value
    if isinstance(value, str) and not NUMERIC_TEXT.fullmatch(value.strip()):
        return min(len(text), 22)
    return len(text)


def is_wide(frame: pd.DataFrame, labels: dict | None = None) -> bool:
    """Whether the table needs more than a printed page's width at the usual size (about 7.5 px a
    character, 20 px of padding a cell; text cells counted as if wrapped)."""
    columns = [(frame.index.name or "", list(frame.index)), *((c, list(frame[c])) for c in frame.columns)]
    width = 0.0
    for name, values in columns:
        head = max((len(w) for w in column_label(name, labels).split()), default=0)
        width += max([head, *(_chars(v) for v in values)]) * 7.5 + 20
    return width > WIDE_PX


def to_html(frame: pd.DataFrame, name: str, caption: str, source: str | None = None, labels: dict | None = None) -> str:
    """A plain, accessible HTML table: caption, scoped headers, right-aligned numbers.

    Column headers are for readers (`column_label`); each header that differs from the
    column's name in the data keeps that name in `data-column`, as the CSV download writes it.
    """
    index_name = frame.index.name or ""

    def th(column: object) -> str:
        label = column_label(column, labels) if str(column) else ""
        data = f' data-column="{html.escape(str(column))}"' if label != str(column) else ""
        return f'<th scope="col"{data}>{html.escape(label)}</th>'

    head = "".join(th(c) for c in [index_name, *frame.columns])
    names = [column_label(c, labels) for c in frame.columns]
    body = []
    for label, row in frame.iterrows():
        cls = ' class="briefs-total"' if label == TOTAL else ""
        cells = "".join(_td(v, n) for v, n in zip(row, names))
        body.append(f'<tr{cls}><th scope="row">{text_html(str(label))}</th>{cells}</tr>')
    foot = f'<p class="briefs-source">Source: {html.escape(source)}</p>' if source else ""
    layout = (" briefs-wide" if is_wide(frame, labels) else "") + (" briefs-stack" if is_prose(frame) else "")
    return (
        # A region that can take focus, so a keyboard can scroll a table wider than a phone.
        f'<div class="briefs-table{layout}" id="table-{html.escape(name)}" role="region" aria-label="{html.escape(caption)}" tabindex="0">'
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>{foot}"
        f"<p>{download_link(frame, f'{name}.csv')}</p></div>"
    )


def record(frame: pd.DataFrame, name: str, caption: str) -> dict:
    """The table as JSON: what `briefs diff` and the outputs lock read."""
    out = frame.copy()
    out.index = out.index.map(str)
    out.columns = out.columns.map(str)
    cells = json.loads(out.to_json(orient="split", date_format="iso"))
    return {"name": name, "caption": caption, "index_name": frame.index.name, **cells}


def show(frame: pd.DataFrame, name: str, caption: str, source: str | None = None, labels: dict | None = None) -> None:
    """Display a table in the notebook: HTML for the page, JSON for machines, text for consoles.

    `labels` maps column names to the headers readers see (see `column_label` for the rest).
    """
    from IPython.display import display

    bundle = {
        "text/html": to_html(frame, name, caption, source, labels),
        "text/plain": f"{caption}\n{frame.to_string()}",
        TABLE_MIME: record(frame, name, caption),
    }
    display(bundle, raw=True)
