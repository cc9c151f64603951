"""Altair charts that work offline, in print, and in a diff.

Altair's own HTML output fetches Vega from a CDN, so a reader with no network
sees nothing. A chart here is shown as one output carrying: the Vega-Lite spec
(drawn by the book's self-hosted Vega scripts, see `assets/briefs.js`), a static
SVG rendered by vl-convert (shown when scripts are off and in print), a title,
a one-sentence description for screen readers, and its data as a CSV download.
"""

from __future__ import annotations

import html
import json

import altair as alt
import pandas as pd

from briefs.media import CHART_MIME, VL_VERSION
from briefs.page.tables import download_link, to_csv


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
            # Tooltips of numbers without their own format get thousands separators, not 19561.
            "tooltipFormat": {"numberFormat": ",~f"},
            "range": {"category": PALETTE},
            "bar": {"color": PALETTE[0]},
            "line": {"color": PALETTE[0]},
        }
    }


def svg(spec: dict) -> str:
    """Static SVG of a Vega-Lite spec, rendered without a browser."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec, vl_version=VL_VERSION)


def spec_of(chart: alt.TopLevelMixin) -> dict:
    return chart.to_dict(validate=True)


def html_block(spec: dict, static: str, data: pd.DataFrame, name: str, title: str, description: str, source: str | None) -> str:
    """The chart's HTML: a drawing target, the static SVG, caption, source and download."""
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
        f'<div class="briefs-chart-static" role="img" aria-label="{html.escape(title)}">{static}</div>'
        f'<figcaption id="{desc_id}"><strong>{html.escape(title)}.</strong> {html.escape(description)}{src} '
        f"{download_link(data, f'{name}.csv', 'Download the chart data (CSV)')}</figcaption>"
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
) -> None:
    """Display a chart for the book. `data` defaults to the chart's own DataFrame."""
    from IPython.display import display

    frame = data if data is not None else chart.data
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"chart {name!r}: pass its data as a DataFrame (data=...)")
    spec = spec_of(chart.properties(title=title))
    static = svg(spec)
    bundle = {
        "text/html": html_block(spec, static, frame, name, title, description, source),
        "image/svg+xml": static,
        "text/plain": f"Chart: {title}. {description}",
        CHART_MIME: {"name": name, "title": title, "description": description, "data": json.loads(to_csv_json(frame))},
    }
    display(bundle, raw=True)


def to_csv_json(frame: pd.DataFrame) -> str:
    """The chart data as JSON records, in the same form as its CSV download."""
    import io

    return pd.read_csv(io.StringIO(to_csv(frame)), dtype=str, keep_default_na=False).to_json(orient="records")
