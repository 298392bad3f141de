"""Report charts are server-rendered SVG an owner can read without colour: bars that keep their
proportions, a patterned legend, lines with gaps, escaped labels, a table of the same numbers,
and odd data (nothing, one point, zeros, 1e12, 1,000 days) that neither breaks nor bloats them."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import Page, Route, expect

from responses.reports.charts import Series, line_chart, ranked_bar_chart, stacked_bar_chart
from tests.page_checks import assert_accessible, assert_fits_phone

SVG = "{http://www.w3.org/2000/svg}"
DAYS = ["1 Nov", "2 Nov", "3 Nov", "4 Nov"]


def parse(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def bars(svg: ET.Element, series: int) -> list[ET.Element]:
    return [rect for rect in svg.iter(f"{SVG}rect") if rect.get("data-series") == str(series)]


def height(element: ET.Element) -> float:
    return float(element.get("height"))


def sentiment_chart(values: dict[str, list[float]], labels=DAYS):
    series = [Series(name, numbers) for name, numbers in values.items()]
    return stacked_bar_chart("volume", "Mentions per day", labels, series, unit="mentions")


def test_stacked_bars_are_as_tall_as_their_counts_and_sit_on_one_another():
    chart = sentiment_chart({"Negative": [2, 4, 0, 1], "Positive": [6, 2, 3, 0]})
    svg = parse(chart)
    negative, positive = bars(svg, 0), bars(svg, 1)
    assert len(negative) == 3 and len(positive) == 3, "a zero draws no bar"
    unit = height(negative[0]) / 2
    assert [height(bar) / unit for bar in negative] == pytest.approx([2, 4, 1])
    assert [height(bar) / unit for bar in positive] == pytest.approx([6, 2, 3])
    bottom, on_top = negative[0], positive[0]
    assert float(on_top.get("y")) + height(on_top) == pytest.approx(float(bottom.get("y")))


def test_each_series_has_its_own_pattern_and_a_legend_swatch_filled_the_same_way():
    names = ["Negative", "Neutral", "Positive", "Google", "Yelp"]
    chart = sentiment_chart({name: [1, 2, 3, 4] for name in names})
    svg = parse(chart)
    patterns = {pattern.get("id") for pattern in svg.iter(f"{SVG}pattern")}
    fills = []
    for index, name in enumerate(names):
        swatch = next(r for r in svg.iter(f"{SVG}rect") if r.get("data-legend") == str(index))
        fill = swatch.get("fill")
        assert {bar.get("fill") for bar in bars(svg, index)} == {fill}
        if fill.startswith("url("):
            assert fill[5:-1] in patterns, f"{name}'s pattern is defined"
        fills.append(fill)
    assert len(set(fills)) == len(names), "no two series look alike"
    assert sum(fill.startswith("url(") for fill in fills) >= len(names) - 1, "patterned, not colour"
    assert [t.text for t in svg.iter(f"{SVG}text")][: len(names)] == names, "legend names"


def test_a_line_breaks_where_there_is_no_value_and_marks_each_point():
    chart = line_chart(
        "rating", "Average rating", ["a", "b", "c", "d", "e", "f"],
        [Series("Google", [4.5, None, 3, 3.5, None, 2])], unit="stars", y_max=5,
    )  # fmt: skip
    svg = parse(chart)
    lines = [line for line in svg.iter(f"{SVG}polyline") if line.get("data-series") == "0"]
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2, "only c–d is joined"
    markers = [m for m in svg.iter() if m.get("data-series") == "0" and m.tag != f"{SVG}polyline"]
    assert len(markers) == 4, "the lone 4.5 and 2 still show"
    ys = [float(point.split(",")[1]) for point in lines[0].get("points").split()]
    zero = ys[0] + (ys[0] - ys[1]) / 0.5 * 3  # 3 stars sit 3 units above the axis
    assert (zero - ys[0]) / (zero - ys[1]) == pytest.approx(3 / 3.5)
    assert (
        "Google: 4.5 (a) to 2 (f), lowest 2, highest 4.5 (a), no value for 2." in chart.description
    )
    assert "total" not in chart.description, "averages are not added up"
    assert chart.table.rows[1] == ("b", ("no value",))


def test_lines_differ_by_dash_and_marker_shape_as_in_their_legend():
    chart = line_chart(
        "compare", "Average rating", DAYS,
        [Series("Us", [4, 4, 5, 4]), Series("Rival", [3, 2, 3, 3])], unit="stars", y_max=5,
    )  # fmt: skip
    svg = parse(chart)
    dashes = [line.get("stroke-dasharray") for line in svg.iter(f"{SVG}polyline")]
    assert len(set(dashes)) == 2
    legend = [m.tag for m in svg.iter() if m.get("data-legend") is not None]
    points = {
        (m.get("data-series"), m.tag)
        for m in svg.iter()
        if m.get("data-series") is not None and m.tag != f"{SVG}polyline"
    }
    assert points == {("0", legend[0]), ("1", legend[1])} and legend[0] != legend[1]
    legend_lines = [line for line in svg.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert [line.get("stroke-dasharray") for line in legend_lines] == dashes


def test_the_chart_names_itself_for_screen_readers_with_a_title_and_a_summary():
    chart = sentiment_chart({"Negative": [2, 4, 0, 1], "Positive": [6, 2, 3, 0]})
    svg = parse(chart)
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Mentions per day"
    assert desc.text.startswith("Mentions, 4 × day, 1 Nov to 4 Nov.")
    assert "Negative: total 7, lowest 0, highest 4 (2 Nov)" in desc.text
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "mentions" in texts and "Day" in texts, "both axes say what they count"
    assert "style=" not in str(chart.svg), "the strict CSP refuses inline styles"


def test_names_and_labels_with_markup_are_shown_as_text_not_run():
    hostile = '<script>alert("x")</script>'
    charts = [
        stacked_bar_chart("a", hostile, [hostile], [Series(hostile, [1])], unit=hostile),
        line_chart("b", hostile, [hostile], [Series(hostile, [1])], unit="stars", x_label=hostile),
        ranked_bar_chart("c", hostile, [(hostile, 3)], unit="mentions", item_label="phrases"),
    ]
    for chart in charts:
        markup = str(chart.svg)
        assert "<script" not in markup and "&lt;script&gt;" in markup
        svg = parse(chart)
        assert svg.find(f"{SVG}title").text == hostile
        assert any(t.text and t.text.startswith("<script>") for t in svg.iter(f"{SVG}text"))
        table = render_to_string("responses/reports/partials/chart.html", {"chart": chart})
        assert "<script" not in table and "&lt;script&gt;" in table


@pytest.mark.parametrize("kind", ["bars", "line", "ranked"])
def test_a_period_with_no_data_says_so(kind):
    chart = {
        "bars": lambda: sentiment_chart({"Negative": [], "Positive": []}, labels=[]),
        "line": lambda: line_chart("rating", "Rating", [], [Series("Google", [])], unit="stars"),
        "ranked": lambda: ranked_bar_chart("phrases", "P", [], unit="mentions", item_label="x"),
    }[kind]()
    svg = parse(chart)
    assert not [e for e in svg.iter() if e.get("data-series") is not None]
    assert "No data in this period" in [t.text for t in svg.iter(f"{SVG}text")]
    assert chart.description == "No data in this period."
    assert chart.table.rows == ()
    table = render_to_string("responses/reports/partials/chart.html", {"chart": chart})
    assert "No data in this period." in table


def test_one_day_of_zeros_draws_an_axis_and_no_bars():
    chart = sentiment_chart({"Negative": [0], "Positive": [0]}, labels=["1 Nov"])
    svg = parse(chart)
    assert bars(svg, 0) == [] and bars(svg, 1) == []
    ticks = [t.text for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert ticks == ["0", "1", "2", "3", "4", "5"], "whole counts get whole ticks"
    assert chart.table.rows == (("1 Nov", ("0", "0", "0")),)


def test_one_point_on_a_line_is_a_marker():
    chart = line_chart("r", "Rating", ["1 Nov"], [Series("Google", [4.2])], unit="stars", y_max=5)
    svg = parse(chart)
    assert list(svg.iter(f"{SVG}polyline")) == []
    assert len([e for e in svg.iter() if e.get("data-series") == "0"]) == 1


def test_huge_counts_keep_their_proportions_and_read_compactly_on_the_axis():
    chart = sentiment_chart({"Negative": [1e12, 5e11, 0, 2.5e11]})
    svg = parse(chart)
    heights = [height(bar) for bar in bars(svg, 0)]
    assert [h / heights[0] for h in heights] == pytest.approx([1, 0.5, 0.25])
    ticks = [t.text for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert ticks[-1] == "1T"
    assert chart.table.rows[0] == ("1 Nov", ("1,000,000,000,000",))


def test_ranked_bars_are_as_long_as_their_counts():
    items = [("cold food", 12), ("late delivery", 6), ("<b>rude</b> staff", 3)]
    chart = ranked_bar_chart("phrases", "Complaints", items, unit="mentions", item_label="phrases")
    lengths = [float(bar.get("width")) for bar in bars(parse(chart), 0)]
    assert [length / lengths[0] for length in lengths] == pytest.approx([1, 0.5, 0.25])
    assert chart.table.headers == ("Phrases", "Mentions")
    assert chart.description.startswith("3 phrases, most first. cold food: 12")
    huge = ranked_bar_chart("huge", "C", [("late", 2e12)], unit="mentions", item_label="phrases")
    assert "2T mentions" in [t.text for t in parse(huge).iter(f"{SVG}text")]
    assert huge.table.rows == (("late", ("2,000,000,000,000",)),)


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf")])
def test_negative_or_impossible_values_are_refused(bad):
    with pytest.raises(ValueError, match="0 or more"):
        sentiment_chart({"Negative": [1, bad, 2, 3]})
    with pytest.raises(ValueError, match="0 or more"):
        line_chart("r", "Rating", ["a"], [Series("G", [bad])], unit="stars")
    with pytest.raises(ValueError, match="0 or more"):
        ranked_bar_chart("p", "Phrases", [("late", bad)], unit="mentions", item_label="phrases")


def test_series_that_do_not_fit_the_labels_or_a_bad_id_are_refused():
    with pytest.raises(ValueError, match="3 values for 4 labels"):
        sentiment_chart({"Negative": [1, 2, 3]})
    with pytest.raises(ValueError, match="identifier"):
        stacked_bar_chart('x" onload="', "T", [], [], unit="mentions")
    with pytest.raises(ValueError, match="identifier"):
        stacked_bar_chart("chart\n", "T", [], [], unit="mentions")
    with pytest.raises(ValueError, match="told apart"):
        sentiment_chart({str(n): [1, 1, 1, 1] for n in range(9)})


def test_a_thousand_days_thin_the_axis_labels_and_keep_the_markup_bounded():
    labels = [f"day {n}" for n in range(1000)]
    eight = {f"Source {k}": [1 + (n + k) % 3 for n in range(1000)] for k in range(8)}
    bars_chart = sentiment_chart(eight, labels=labels)
    lines = line_chart(
        "trend", "Rating", labels, [Series(name, v) for name, v in eight.items()], unit="stars"
    )
    for chart in (bars_chart, lines):
        svg = parse(chart)
        day_labels = [t for t in svg.iter(f"{SVG}text") if (t.text or "").startswith("day ")]
        assert 2 <= len(day_labels) <= 8
        assert len(chart.svg) < 250_000, "8 series × 1,000 days stay under 250 kB"
        assert len(chart.table.rows) == 1000, "the table keeps every day"
    assert len(bars(parse(bars_chart), 0)) == 200
    assert "Each bar adds up 5 rows of the table." in bars_chart.description
    assert "Each point averages 5 rows of the table." in lines.description
    assert height(bars(parse(bars_chart), 0)[0]) > 0


def test_a_lone_value_in_a_long_range_still_shows_as_a_marker():
    values = [4.0 if n in (0, 500) else None for n in range(1000)]
    chart = line_chart("lone", "Rating", [str(n) for n in range(1000)], [Series("G", values)],
                       unit="stars", y_max=5)  # fmt: skip
    markers = [e for e in parse(chart).iter() if e.get("data-series")]
    assert len(markers) == 2 and all(m.tag == f"{SVG}circle" for m in markers)


def test_the_chart_as_a_data_uri_is_the_same_svg_for_an_img_in_email():
    chart = sentiment_chart({"Negative": [2, 4, 0, 1]})
    prefix, encoded = chart.as_data_uri().split(",", 1)
    assert prefix == "data:image/svg+xml;base64"
    assert base64.b64decode(encoded).decode() == str(chart.svg)


def test_the_table_beneath_has_a_caption_and_headers_scoped_to_columns_and_rows():
    chart = sentiment_chart({"Negative": [2, 4, 0, 1], "Positive": [6, 2, 3, 0]})
    html = render_to_string("responses/reports/partials/chart.html", {"chart": chart})
    assert "<caption>Mentions per day</caption>" in html
    headers = re.findall(r'<th scope="col">([^<]*)</th>', html)
    assert headers == ["Day", "Negative", "Positive", "Total"]
    assert re.findall(r'<th scope="row">([^<]*)</th>', html) == DAYS
    assert re.findall(r"<td>([^<]*)</td>", html)[:3] == ["2", "6", "8"]
    assert '<details class="chart-table">' in html
    opened = render_to_string(
        "responses/reports/partials/chart.html", {"chart": chart, "table_open": True}
    )
    assert '<details class="chart-table" open>' in opened, "an email shows the table unasked"


APP_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"
ORIGIN = "http://charts.reviewwatch.test"
STRICT_CSP = "default-src 'none'; style-src 'self'; img-src 'self'"


@pytest.mark.browser
def test_a_chart_and_its_table_show_under_the_strict_policy_and_pass_the_accessibility_check(
    page: Page,
):
    volume = sentiment_chart(
        {"Negative": [2, 4, 0, 1], "Neutral": [1, 1, 2, 0], "Positive": [6, 2, 3, 0]}
    )
    rating = line_chart(
        "rating", "Average rating", DAYS,
        [Series("Google", [4.5, None, 3, 3.5]), Series("Yelp", [4, 4, 5, 4])],
        unit="stars", y_max=5,
    )  # fmt: skip
    phrases = ranked_bar_chart(
        "phrases", "Complaints", [("cold food", 12), ("late", 6)], unit="mentions",
        item_label="phrases",
    )  # fmt: skip
    partial = "".join(
        render_to_string("responses/reports/partials/chart.html", {"chart": chart})
        for chart in (volume, rating, phrases)
    )
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Report</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="stylesheet" href="/app.css"></head><body><main><h1>Report</h1>{partial}'
        "</main></body></html>"
    )

    def serve(route: Route) -> None:
        if route.request.url.endswith("/app.css"):
            route.fulfill(body=APP_CSS.read_text(), content_type="text/css")
        else:
            route.fulfill(
                body=html, content_type="text/html", headers={"Content-Security-Policy": STRICT_CSP}
            )

    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Policy" in m.text else None)
    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/report")
    chart = page.get_by_role("img", name="Mentions per day")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["height"] > 100
    assert page.locator("#volume rect[data-series]").count() == 9
    page.get_by_text("The numbers as a table").first.click()
    expect(page.get_by_role("table", name="Mentions per day")).to_be_visible()
    expect(page.get_by_role("row", name="1 Nov 2 1 6 9")).to_be_visible()
    assert refused == [], "the Content Security Policy refused nothing"
    assert_accessible(page)
    assert_fits_phone(page)
