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


def download_link(frame: pd.DataFrame, filename: str, label: str = "Download the data (CSV)") -> str:
    """An <a download> link carrying the CSV inline, so it works offline and in any edition."""
    payload = base64.b64encode(to_csv(frame).encode("utf-8")).decode("ascii")
    return (
        f'<a class="briefs-download" download="{html.escape(filename)}" '
        f'href="data:text/csv;charset=utf-8;base64,{payload}">{html.escape(label)}</a>'
    )


def _cell(value: object) -> str:
    if isinstance(value, (int,)) or (isinstance(value, float) and value.is_integer()):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return html.escape(str(value))


def to_html(frame: pd.DataFrame, name: str, caption: str, source: str | None = None) -> str:
    """A plain, accessible HTML table: caption, scoped headers, right-aligned numbers."""
    index_name = frame.index.name or ""
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in [index_name, *frame.columns])
    body = []
    for label, row in frame.iterrows():
        cls = ' class="briefs-total"' if label == TOTAL else ""
        cells = "".join(
            f'<td class="num">{_cell(v)}</td>' if not isinstance(v, str) else f"<td>{html.escape(v)}</td>" for v in row
        )
        body.append(f'<tr{cls}><th scope="row">{html.escape(str(label))}</th>{cells}</tr>')
    foot = f'<p class="briefs-source">Source: {html.escape(source)}</p>' if source else ""
    return (
        # A region that can take focus, so a keyboard can scroll a table wider than a phone.
        f'<div class="briefs-table" id="table-{html.escape(name)}" role="region" aria-label="{html.escape(caption)}" tabindex="0">'
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


def show(frame: pd.DataFrame, name: str, caption: str, source: str | None = None) -> None:
    """Display a table in the notebook: HTML for the page, JSON for machines, text for consoles."""
    from IPython.display import display

    bundle = {
        "text/html": to_html(frame, name, caption, source),
        "text/plain": f"{caption}\n{frame.to_string()}",
        TABLE_MIME: record(frame, name, caption),
    }
    display(bundle, raw=True)
