"""Altair charts that work offline, in print, and in a diff.

Altair's own HTML output fetches Vega from a CDN, so a reader with no network
sees nothing. A chart here is shown as one output carrying: the Vega-Lite spec
(drawn by the book's self-hosted Vega scripts, see `assets/briefs.js`), a static
SVG rendered by vl-convert (shown when scripts are off and in print), a title,
a one-sentence description for screen readers, and its data as a CSV download.
"""

from __future__ import annotations

import copy
import csv
import html
import io
import json
import math
from dataclasses import dataclass

import altair as alt
import pandas as pd

from briefs.media import CHART_DESCRIBING, CHART_MIME, VL_VERSION
from briefs.page.tables import column_label, download_link, text_html, to_csv

PALETTE = ["#1f5c99", "#d9822b", "#3a8f5c", "#b8403a", "#7a5ba6", "#8c6d46", "#c2649a", "#6b6b6b"]
FONT = "Helvetica, Arial, sans-serif"


@alt.theme.register("briefs", enable=True)
def theme() -> alt.theme.ThemeConfig:
    """One look for every brief: quiet axes, readable labels, a colour-blind-safe-ish palette."""
    return {
        "config": {
            "font": FONT,
            "view": {
                "stroke": None,
                "continuousWidth": 520,
                "continuousHeight": 280,
                "discreteWidth": 520,
                "discreteHeight": 280,
            },
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "grid": True, "gridColor": "#e6e6e6", "domainColor": "#888"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12, "subtitleColor": "#555"},
            "header": {"labelFontSize": 12, "titleFontSize": 12},
            # Tooltips of numbers without their own format get thousands separators, not 19561.
            "tooltipFormat": {"numberFormat": ",~f"},
            "range": {"category": PALETTE},
            "bar": {"color": PALETTE[0]},
            "line": {"color": PALETTE[0]},
        }
    }


def svg(spec: dict) -> str:
    """Static SVG of a Vega-Lite spec, rendered without a browser (vl-convert; kept by spec, see page.rendered)."""
    from briefs.page import rendered

    return rendered.svg(spec, VL_VERSION)


def spec_of(chart: alt.TopLevelMixin) -> dict:
    return chart.to_dict(validate=True)


# --- reference lines and the chart's CSV --------------------------------------------------------


@dataclass
class Reference:
    """A line or mark a chart draws that is not in its data: a ceiling, a document's figure.

    It becomes a row of the chart's CSV: `value` in the column `field` (the column the line is
    drawn against), `label` in the `reference` column, and any other columns of that row in `at`
    (the month a marked point sits at, say).
    """

    label: str
    value: float
    field: str
    unit: str | None = None
    source: str | None = None
    at: dict | None = None


CSV_EXTRA = ("reference", *CHART_DESCRIBING)  # columns a chart's CSV adds to its data


def _csv_value(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def csv_text(frame: pd.DataFrame, unit: str, source: str | None, references: list[Reference] = ()) -> str:
    """The chart's CSV: its data, a `unit` and a `source` on every row, then one row per reference
    line (named in a `reference` column, present only when the chart has such lines).

    A `source` column the data already has (one source a row) is kept, its gaps filled with the
    chart's source.
    """
    out = frame.copy()
    if references:
        out["reference"] = ""
    out["unit"] = unit
    if "source" in out.columns:
        out["source"] = out["source"].where(out["source"].notna() & (out["source"] != ""), source or "")
        out = out[[c for c in out.columns if c != "source"] + ["source"]]
    else:
        out["source"] = source or ""
    text = to_csv(out)
    if not references:
        return text
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = list(out.columns)
    unknown = [c for r in references for c in [r.field, *(r.at or {})] if c not in columns]
    if unknown:
        raise ValueError(
            f"reference line on {unknown[0]!r}: the chart's data has no such column (columns: {', '.join(map(str, frame.columns))})"
        )
    for ref in references:
        row = {c: "" for c in columns}
        row.update({k: _csv_value(v) for k, v in (ref.at or {}).items()})
        row.update(
            {
                ref.field: _csv_value(ref.value),
                "reference": ref.label,
                "unit": ref.unit or unit,
                "source": ref.source or source or "",
            }
        )
        writer.writerow([row[c] for c in columns])
    return text + buffer.getvalue()


def _number(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return f"{float(value):.6g}"


def missing_numbers(spec: dict, text: str) -> list[tuple[str, object]]:
    """(column, value) of every number the chart's datasets hold that its CSV does not."""
    carried = set()
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            try:
                carried.add(f"{float(cell):.6g}")
            except ValueError:
                pass
    out = []
    for rows in spec.get("datasets", {}).values():
        for row in rows:
            for column, value in row.items():
                number = _number(value)
                if number is not None and number not in carried and (column, value) not in out:
                    out.append((column, value))
    return out


def value_unit(spec: dict) -> str:
    """The unit of what the chart measures: the title of its first quantitative x or y axis."""
    for enc in _encodings(spec):
        for channel in ("y", "x"):
            e = enc.get(channel)
            if isinstance(e, dict) and e.get("type") == "quantitative":
                axis = e.get("axis") if isinstance(e.get("axis"), dict) else {}
                title = axis.get("title", e.get("title"))
                if title:
                    return " ".join(title) if isinstance(title, list) else str(title)
                return str(e.get("field", ""))
    return ""


# --- layout: charts that follow their container, labels that wrap ---------------------------------

WRAP = 24  # characters in a line of a long axis or legend label
HEADER_WRAP = 12  # characters in a line of a facet's header
AXIS_TITLE_WRAP = 36  # characters in a line of an axis title
PADDING = {"left": 5, "top": 5, "bottom": 5, "right": 30}  # room at the right for a label at a bar's end
STATIC_WIDTH = 600  # the static SVG (print, and pages read without scripts), in CSS px
TITLE_WRAP = 64  # characters in a line of the static SVG's title


def wrap(text: str, width: int = WRAP) -> list[str]:
    """Words in lines of at most `width` characters (a longer word keeps a line of its own)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _encodings(spec: dict):
    """Every encoding block of a spec, its layers and facet's inner spec included."""
    if not isinstance(spec, dict):
        return
    if isinstance(spec.get("encoding"), dict):
        yield spec["encoding"]
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key, []) or []:
            yield from _encodings(child)
    if isinstance(spec.get("spec"), dict):
        yield from _encodings(spec["spec"])


def _field_values(spec: dict, name: str) -> list[str]:
    seen: dict[str, None] = {}
    for rows in spec.get("datasets", {}).values():
        for row in rows:
            if isinstance(row.get(name), str):
                seen[row[name]] = None
    return list(seen)


def label_expr(values: list[str], width: int = WRAP) -> str | None:
    """A Vega expression that shows each long label on several lines, or None if none is long."""
    long = [v for v in values if len(v) > width]
    if not long:
        return None
    keys = json.dumps(long, ensure_ascii=False)
    lines = json.dumps([wrap(v, width) for v in long], ensure_ascii=False)
    # indexof over a list, not a lookup in an object: a label such as "__proto__" stays a label.
    return f"indexof({keys}, datum.label) >= 0 ? {lines}[indexof({keys}, datum.label)] : datum.label"


def wrap_labels(spec: dict) -> None:
    """Long category labels on axes and legends wrap over lines instead of being cut short; so do
    long axis titles. Bars whose labels take several lines get the height those lines need."""
    lines, bars = 1, 0
    for enc in _encodings(spec):
        for channel in ("x", "y"):
            e = enc.get(channel)
            if not isinstance(e, dict):
                continue
            if "axis" in e and e["axis"] is None:
                continue
            axis = e.get("axis") or {}
            title = axis.get("title", e.get("title"))
            if isinstance(title, str) and len(title) > AXIS_TITLE_WRAP:
                e["axis"] = {**axis, "title": wrap(title, AXIS_TITLE_WRAP)}
        y = enc.get("y")
        if isinstance(y, dict) and y.get("type") in ("nominal", "ordinal") and y.get("axis", {}) is not None:
            values = _field_values(spec, y.get("field", ""))
            lines = max([lines, *(len(wrap(v)) for v in values)])
            bars = max(bars, len(values))
    if lines > 1 and "height" not in spec and not faceted(spec):
        # A fixed height, not a step: Vega-Lite drops a step height's fit with a warning when the width fits its container.
        spec["height"] = bars * (14 * lines + 10)
    for enc in _encodings(spec):
        for channel, e in enc.items():
            if not isinstance(e, dict) or e.get("type") not in ("nominal", "ordinal") or "field" not in e:
                continue
            guide = {"x": "axis", "y": "axis", "row": "header", "column": "header", "facet": "header"}.get(
                channel, "legend" if channel in ("color", "fill", "stroke", "shape", "opacity") else None
            )
            if guide is None or (guide in e and e[guide] is None):
                continue
            # A facet's header sits beside the chart it names: its lines are kept shorter.
            expr = label_expr(_field_values(spec, e["field"]), HEADER_WRAP if guide == "header" else WRAP)
            if expr is None:
                continue
            settings = dict(e.get(guide) or {})
            settings.setdefault("labelExpr", expr)
            e[guide] = settings


def faceted(spec: dict) -> bool:
    if any(k in spec for k in ("facet", "hconcat", "vconcat", "concat", "repeat")):
        return True
    return any(ch in enc for enc in _encodings(spec) for ch in ("row", "column", "facet"))


def live(spec: dict) -> dict:
    """The spec the page draws: as wide as its container, re-laid out (not shrunk) when that changes.

    A faceted chart cannot follow its container in Vega-Lite; the page narrows it instead (briefs.js).
    """
    out = copy.deepcopy(spec)
    wrap_labels(out)
    out.setdefault("padding", PADDING)
    if not faceted(out):
        out["width"] = "container"
        out["autosize"] = {"type": "fit-x", "contains": "padding", "resize": True}
    return out


def static(spec: dict) -> dict:
    """The spec of the static SVG: a fixed width that fits a printed page."""
    out = copy.deepcopy(spec)
    wrap_labels(out)
    out.setdefault("padding", PADDING)
    if not faceted(out):
        out["width"] = STATIC_WIDTH
        out["autosize"] = {"type": "fit-x", "contains": "padding"}
    title = out.get("title")
    if isinstance(title, str) and len(title) > TITLE_WRAP:
        out["title"] = {"text": wrap(title, TITLE_WRAP)}
    return out


# --- the chart's HTML ---------------------------------------------------------------------------------


def _shown(cell: str) -> str:
    """A CSV cell as the data table beside the chart shows it: numbers grouped, to 1 decimal at most."""
    try:
        number = float(cell)
    except ValueError:
        return text_html(cell)
    if not cell.strip() or math.isnan(number):
        return text_html(cell)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.1f}"


def data_table(text: str, title: str) -> str:
    """The chart's data (its CSV) as a table a keyboard or a screen reader can read, folded away."""
    rows = list(csv.reader(io.StringIO(text)))
    head = "".join(f'<th scope="col">{html.escape(column_label(c))}</th>' for c in rows[0])
    body = "".join(
        "<tr>"
        + "".join(f'<td class="num">{_shown(c)}</td>' if _number_text(c) else f"<td>{text_html(c)}</td>" for c in row)
        + "</tr>"
        for row in rows[1:]
    )
    return (
        '<details class="briefs-chart-data"><summary>The chart\'s data as a table</summary>'
        f'<div class="briefs-chart-table" role="region" aria-label="{html.escape(title)}: data" tabindex="0">'
        f"<table><caption>{html.escape(title)}: the data drawn</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div></details>"
    )


def _number_text(cell: str) -> bool:
    try:
        return bool(cell.strip()) and not math.isnan(float(cell))
    except ValueError:
        return False


def html_block(
    spec: dict, static_svg: str, data: pd.DataFrame | str, name: str, title: str, description: str, source: str | None
) -> str:
    """The chart's HTML: a drawing target, the static SVG, caption, source, download and data table.

    `data` is the chart's CSV text (see `csv_text`), or a frame to write as it stands.
    """
    text = data if isinstance(data, str) else to_csv(data)
    # Data labels travel inside the spec: with <, > and & escaped, no label can end the script
    # element or open a comment in it, whatever it contains.
    spec_json = (
        json.dumps(spec, sort_keys=True, ensure_ascii=True)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    desc_id = f"chart-{name}-desc"
    src = f" Source: {html.escape(source)}." if source else ""
    return (
        f'<figure class="briefs-chart" id="chart-{html.escape(name)}" aria-labelledby="{desc_id}">'
        f'<div class="briefs-chart-live" aria-hidden="true"></div>'
        f'<div class="briefs-chart-static" role="img" aria-label="{html.escape(title)}">{static_svg}</div>'
        f'<figcaption id="{desc_id}"><strong>{html.escape(title)}.</strong> {html.escape(description)}{src} '
        f"{download_link(text, f'{name}.csv', 'Download the chart data (CSV)')}</figcaption>"
        f"{data_table(text, title)}"
        f'<script type="application/json" class="briefs-chart-spec">{spec_json}</script>'
        f"</figure>"
    )


def show(
    chart: alt.TopLevelMixin,
    name: str,
    title: str,
    description: str,
    data: pd.DataFrame | None = None,
    source: str | None = None,
    references: list[Reference] | None = None,
    unit: str | None = None,
) -> None:
    """Display a chart for the book. `data` defaults to the chart's own DataFrame.

    Its CSV carries every number the chart draws: lines and marks that are not in `data` (a
    ceiling, a document's figure) are passed as `references`, and a chart that draws a number
    its CSV lacks is refused, naming it. `unit` (default: the title of the chart's value axis)
    and the source (`source`, or a `source` column of the data) go on every row.
    """
    from IPython.display import display

    frame = data if data is not None else chart.data
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"chart {name!r}: pass its data as a DataFrame (data=...)")
    spec = spec_of(chart.properties(title=title))
    if not source and "source" not in frame.columns:
        raise ValueError(f"chart {name!r}: give its source (source=...) or a source column in its data")
    text = csv_text(frame, unit or value_unit(spec), source, list(references or []))
    missing = missing_numbers(spec, text)
    if missing:
        column, value = missing[0]
        raise ValueError(
            f"chart {name!r} draws {value!r} ({column}) but its CSV does not carry it: "
            "pass the line or mark as references=[charts.Reference(label, value, field)]"
        )
    static_svg = svg(static(spec))
    bundle = {
        "text/html": html_block(live(spec), static_svg, text, name, title, description, source),
        "image/svg+xml": static_svg,
        "text/plain": f"Chart: {title}. {description}",
        CHART_MIME: {"name": name, "title": title, "description": description, "data": json.loads(csv_json(text))},
    }
    display(bundle, raw=True)


def csv_json(text: str) -> str:
    """CSV text as JSON records of strings (what the outputs lock and `briefs diff` compare)."""
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False).to_json(orient="records")


def to_csv_json(frame: pd.DataFrame) -> str:
    """The chart data as JSON records, in the same form as its CSV download."""
    return csv_json(to_csv(frame))
