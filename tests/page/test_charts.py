"""Charts for the book: a CSV with every number drawn, and specs that follow their container."""

from __future__ import annotations

import csv
import io
import re

import altair as alt
import pandas as pd
import pytest

from briefs.page import charts

RATE = pd.DataFrame({"month": ["Jun 2023", "Jul 2023"], "people": [2820, 3271], "per_day": [94.0, 105.5]})


def ceiling_chart(value: float = 1000):
    bars = alt.Chart(RATE).mark_bar().encode(x="month:N", y=alt.Y("per_day:Q", title="People returned per day"))
    rule = alt.Chart(pd.DataFrame({"y": [value]})).mark_rule().encode(y="y:Q")
    return bars + rule


@pytest.fixture()
def shown(monkeypatch):
    bundles = []
    monkeypatch.setattr("IPython.display.display", lambda bundle, raw=False: bundles.append(bundle))
    return bundles


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_carries_units_sources_and_reference_lines():
    ref = charts.Reference("Announced ceiling", 1000, "per_day", source="IMUMI factsheet, note 15")
    got = rows(charts.csv_text(RATE, "people a day", "IMUMI factsheet, note 27", [ref]))
    assert list(got[0]) == ["month", "people", "per_day", "reference", "unit", "source"]
    assert got[0] == {
        "month": "Jun 2023",
        "people": "2820",
        "per_day": "94.0",
        "reference": "",
        "unit": "people a day",
        "source": "IMUMI factsheet, note 27",
    }
    assert got[-1] == {
        "month": "",
        "people": "",
        "per_day": "1000",
        "reference": "Announced ceiling",
        "unit": "people a day",
        "source": "IMUMI factsheet, note 15",
    }
    # A source column of the data (one a row) is kept; without reference lines there is no reference column.
    own = RATE.assign(source=["note 1", None])
    got = rows(charts.csv_text(own, "people", "the chart's source"))
    assert [r["source"] for r in got] == ["note 1", "the chart's source"] and "reference" not in got[0]
    with pytest.raises(ValueError, match="'ceiling': the chart's data has no such column"):
        charts.csv_text(RATE, "people", "s", [charts.Reference("x", 1, "ceiling")])
    with pytest.raises(ValueError, match="'when'"):
        charts.csv_text(RATE, "people", "s", [charts.Reference("x", 1, "per_day", at={"when": "2023"})])


def test_a_chart_that_draws_a_number_its_csv_lacks_is_refused(shown):
    with pytest.raises(ValueError, match=r"chart 'rate' draws 1000 \(y\) but its CSV does not carry it"):
        charts.show(ceiling_chart(), "rate", "Rate", "Bars.", data=RATE, source="IMUMI factsheet, note 27")
    with pytest.raises(ValueError, match="give its source"):
        charts.show(ceiling_chart(), "rate", "Rate", "Bars.", data=RATE)
    assert shown == []
    charts.show(
        ceiling_chart(),
        "rate",
        "Rate",
        "Bars.",
        data=RATE,
        source="IMUMI factsheet, note 27",
        references=[charts.Reference("Announced ceiling", 1000, "per_day", source="note 15")],
    )
    record = shown[0][charts.CHART_MIME]["data"]
    assert record[-1]["reference"] == "Announced ceiling" and record[-1]["per_day"] == "1000"
    assert {r["unit"] for r in record} == {"People returned per day"}  # the value axis's title by default
    page = shown[0]["text/html"]
    assert '<details class="briefs-chart-data">' in page and "<td>Announced ceiling</td>" in page


def test_the_page_spec_follows_its_container_and_the_static_one_fits_paper():
    spec = charts.spec_of(ceiling_chart().properties(title="A title"))
    live, static = charts.live(spec), charts.static(spec)
    assert live["width"] == "container" and live["autosize"]["type"] == "fit-x" and live["autosize"]["resize"]
    assert static["width"] == charts.STATIC_WIDTH and "width" not in spec  # the spec itself is left alone
    faceted = charts.spec_of(alt.Chart(RATE).mark_bar().encode(x="people:Q", y="month:N", row="month:N").properties(width=360))
    assert charts.live(faceted)["width"] == 360  # Vega-Lite cannot fit a faceted chart: briefs.js narrows it


def test_long_labels_wrap_instead_of_being_cut():
    long = "DHS fact sheet: non-Mexicans removed or returned to Mexico (12 May – 20 Sep 2023)"
    frame = pd.DataFrame({"count": [long, "__proto__", "short"], "per_day": [129, 1, 2]})
    spec = charts.live(
        charts.spec_of(
            alt.Chart(frame)
            .mark_bar()
            .encode(y="count:N", x=alt.X("per_day:Q", title="People a day, over each count's own window of days"))
        )
    )
    expr = spec["encoding"]["y"]["axis"]["labelExpr"]
    assert expr.startswith("indexof(") and "20 Sep 2023)" in expr  # a list lookup: no label can reach an object's prototype
    assert all(len(line) <= charts.WRAP for line in charts.wrap(long)) and " ".join(charts.wrap(long)) == long
    assert spec["encoding"]["x"]["axis"]["title"] == ["People a day, over each count's own", "window of days"]
    assert spec["height"] == 3 * (14 * len(charts.wrap(long)) + 10)  # room for every line of each bar's label
    svg = charts.svg(charts.static(charts.spec_of(alt.Chart(frame).mark_bar().encode(y="count:N", x="per_day:Q"))))
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert "(12 May – 20 Sep 2023)" in " ".join(lines) and "…" not in svg  # drawn whole, on several lines
