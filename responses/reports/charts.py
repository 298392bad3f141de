"""Server-rendered SVG charts for the reports: pure functions from plain series to safe markup.

Series are told apart without colour: bars by fill pattern, lines by dash and marker, with a
legend drawn the same way. The <svg> has role="img", a <title> and a <desc> saying in words what
it shows, and a table of the same numbers (templates/responses/reports/partials/chart.html shows
both). Every element is built by `_el`, which escapes values and text; no style="" (strict CSP).

Email: the SVG is standalone (it carries its xmlns), so it can be inlined or, through
`Chart.as_data_uri()`, used as an <img src>. Apple Mail, iOS Mail and Thunderbird show it; Gmail
and Outlook strip SVG whichever way it comes, so an email must always include the table as well:
the table is the fallback, not an extra.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, BOTTOM = 64, 16, 56  # margins around the plot: y-axis ticks, x-axis labels
LEGEND_ROW, LEGEND_COLUMNS = 22, 3
MAX_X_LABELS = 8
MAX_DRAWN = 240  # bars or points; about 2 px each in the plot
MAX_MARKED_POINTS = 60  # beyond this a line shows markers only on points standing alone
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"
INK, MUTED, GRID = "#1b1f24", "#5a6270", "#d6dae1"
# Colour, fill pattern, dash and marker per series; the first three suit negative/neutral/positive.
COLOURS = ("#b3261e", "#5a6270", "#1e6b34", "#1f5fbf", "#8a5a00", "#6b3fa0", "#0b6e75", "#9c2f6b")
PATTERNS = ("solid", "stripes", "dots", "lines", "cross", "bars", "checks", "rings")
DASHES = ("none", "8 4", "2 3", "10 3 2 3", "none", "8 4", "2 3", "10 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond") * 2  # the second four are hollow
PATTERN_MARKS = {
    "stripes": ("path", {"d": "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4", "stroke_width": 2}),
    "dots": ("path", {"d": "M2,2 h.1 M6,6 h.1", "stroke_width": 3, "stroke_linecap": "round"}),
    "lines": ("path", {"d": "M0,4 h8", "stroke_width": 2}),
    "cross": ("path", {"d": "M0,0 l8,8 M8,0 l-8,8", "stroke_width": 1.5}),
    "bars": ("path", {"d": "M4,0 v8", "stroke_width": 2}),
    "checks": ("path", {"d": "M0,0 h4 v4 h-4 z M4,4 h4 v4 h-4 z", "stroke_width": 1}),
    "rings": ("path", {"d": "M4,1.5 a2.5,2.5 0 1 0 .1,0", "stroke_width": 1.2, "fill": "none"}),
}
CHART_ID = re.compile(r"[A-Za-z][\w-]{0,40}", re.ASCII)  # the SVG's id: unique per page


@dataclass(frozen=True)
class Series:
    """One named row of values, one per x label; None means no value (a gap in a line)."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class ChartTable:
    caption: str
    headers: tuple[str, ...]  # the first names the column of row labels
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (row label, cells)


@dataclass(frozen=True)
class Chart:
    chart_id: str
    title: str
    description: str
    svg: SafeString
    table: ChartTable

    def as_data_uri(self) -> str:
        """The SVG as a data: URI for <img src> (mail clients that block SVG show the table)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def stacked_bar_chart(
    chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series], *,
    unit: str, x_label: str = "Day",
) -> Chart:  # fmt: skip
    """Counts per day or week (`labels`), several series stacked in each bar."""
    _check(chart_id, labels, series)
    drawn, stacks, size = _grouped(labels, series, lambda group: sum(v or 0 for v in group))
    totals = [sum(s.values[i] or 0 for s in stacks) for i in range(len(drawn))]
    top, ticks = _scale(totals, whole=_all_whole(series))
    slot, plot_top, plot_bottom = _plot_frame(len(drawn), len(series))
    bar, scale = (slot * 0.7 if slot >= 4 else slot), (plot_bottom - plot_top) / top
    edge = {"stroke": "#fff", "stroke_width": 0.5} if slot >= 4 else {}
    parts = [_defs(chart_id, len(series)), *_legend(chart_id, series, lines=False)]
    parts += _y_axis(ticks, top, plot_top, plot_bottom, unit)
    for i in range(len(drawn)):
        base = plot_bottom
        for index, one in enumerate(stacks):
            height = (one.values[i] or 0) * scale
            if height > 0:
                base -= height
                x = LEFT + i * slot + (slot - bar) / 2
                parts.append(
                    _el("rect", data_series=index, x=x, y=base, width=bar, height=height,
                        fill=_fill(chart_id, index), **edge)
                )  # fmt: skip
    parts += _x_axis(drawn, slot, plot_bottom, x_label)
    description = _describe_series(labels, series, unit, x_label, totals=True)
    if size > 1:
        description += f" Each bar adds up {size} rows of the table."
    return _chart(chart_id, title, description, parts, labels, series, x_label, total=True)


def line_chart(
    chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series], *,
    unit: str, x_label: str = "Day", y_max: float | None = None,
) -> Chart:  # fmt: skip
    """A value over time per series (e.g. average rating), with gaps where there is no value.
    `y_max` fixes the top of the scale (5 for stars) so a small move does not look like a cliff."""
    _check(chart_id, labels, series)
    values = [v for s in series for v in s.values if v is not None]
    top, ticks = _scale([*values, y_max or 0], whole=_all_whole(series))
    drawn, lines, size = _grouped(labels, series, _mean)
    slot, plot_top, plot_bottom = _plot_frame(len(drawn), len(series))
    scale = (plot_bottom - plot_top) / top
    parts = [*_legend(chart_id, series, lines=True)]
    parts += _y_axis(ticks, top, plot_top, plot_bottom, unit)
    for index, one in enumerate(lines):
        points = [
            None if v is None else (LEFT + (i + 0.5) * slot, plot_bottom - v * scale)
            for i, v in enumerate(one.values)
        ]
        for run in _runs(points):
            if len(run) > 1:
                parts.append(
                    _el("polyline", data_series=index, fill="none", stroke=COLOURS[index],
                        stroke_width=2, stroke_dasharray=DASHES[index],
                        points=" ".join(f"{_n(x)},{_n(y)}" for x, y in run))
                )  # fmt: skip
            if len(run) == 1 or len(drawn) <= MAX_MARKED_POINTS:
                parts += [_marker(index, x, y) for x, y in run]
    parts += _x_axis(drawn, slot, plot_bottom, x_label)
    description = _describe_series(labels, series, unit, x_label, totals=False)
    if size > 1:
        description += f" Each point averages {size} rows of the table."
    return _chart(chart_id, title, description, parts, labels, series, x_label, total=False)


def ranked_bar_chart(
    chart_id: str, title: str, items: Sequence[tuple[str, float]], *, unit: str, item_label: str
) -> Chart:
    """Ranked items as horizontal bars in the order given (e.g. complaint phrases by count)."""
    labels = [label for label, _ in items]
    series = [Series(unit.capitalize(), [value for _, value in items])]
    _check(chart_id, labels, series)
    top, _ = _scale([value for _, value in items], whole=_all_whole(series))
    label_width, row = WIDTH * 0.4, 26
    height = max(len(items), 1) * row + 16
    parts: list[SafeString] = []
    for i, (label, value) in enumerate(items):
        y, length = 8 + i * row, value / top * (WIDTH - label_width - RIGHT - 96)
        parts.append(_text(label_width - 8, y + 17, _short(label, 36), anchor="end"))
        parts.append(
            _el("rect", data_series=0, x=label_width, y=y + 3, width=length, height=row - 6,
                fill=COLOURS[3])
        )  # fmt: skip
        parts.append(_text(label_width + length + 6, y + 17, f"{_compact(value)} {unit}"))
    if not items:
        parts.append(_text(WIDTH / 2, 24, "No data in this period", anchor="middle"))
    shown = "; ".join(f"{label}: {_number(value)}" for label, value in items[:5])
    words = f"{len(items)} {item_label}, most first. {shown}{'; …' if len(items) > 5 else '.'}"
    header = item_label.capitalize()
    return _chart(chart_id, title, words if items else "", parts, labels, series, header,
                  total=False, height=height)  # fmt: skip


def _check(chart_id: str, labels: Sequence[str], series: Sequence[Series]) -> None:
    if not CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart id {chart_id!r} must be a short identifier, a letter first")
    if len(series) > len(COLOURS):
        raise ValueError(f"at most {len(COLOURS)} series can be told apart in one chart")
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(f"{one.name!r} has {len(one.values)} values for {len(labels)} labels")
        for value in one.values:
            if value is not None and (not math.isfinite(value) or value < 0):
                raise ValueError(f"{one.name!r} has {value!r}: values must be 0 or more")


def _all_whole(series: Sequence[Series]) -> bool:
    return all(v is None or float(v).is_integer() for s in series for v in s.values)


def _scale(values: Sequence[float], *, whole: bool) -> tuple[float, list[float]]:
    """A round top for the axis (1, 2, 2.5 or 5 × 10ⁿ; at least 5 for counts) and its ticks."""
    highest = max(values, default=0)
    if highest <= 0:
        top = 5.0 if whole else 1.0
    else:
        power = 10 ** math.floor(math.log10(highest))
        top = next(m * power for m in (1, 2, 2.5, 5, 10) if highest <= m * power * (1 + 1e-9))
        top = max(top, 5.0) if whole else top
    steps = 4 if round(top / 10 ** math.floor(math.log10(top)), 6) == 2 else 5
    return top, [top * k / steps for k in range(steps + 1)]


def _plot_frame(points: int, series_count: int) -> tuple[float, float, float]:
    """The width of one x label's slot, and the plot's top (below the legend) and bottom."""
    legend_rows = max(1, math.ceil(series_count / LEGEND_COLUMNS))
    return (WIDTH - LEFT - RIGHT) / max(points, 1), 16 + legend_rows * LEGEND_ROW, HEIGHT - BOTTOM


def _grouped(labels: Sequence[str], series: Sequence[Series], combine):
    """Past MAX_DRAWN points, neighbours are drawn as one (first label, values combined), so the
    markup stays bounded however long the range; the table keeps every row."""
    size = math.ceil(len(labels) / MAX_DRAWN)
    if size <= 1:
        return labels, series, 1
    starts = range(0, len(labels), size)
    grouped = [Series(s.name, [combine(s.values[i : i + size]) for i in starts]) for s in series]
    return [labels[i] for i in starts], grouped, size


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Consecutive points with a value: the pieces of a line between its gaps."""
    return [list(run) for drawn, run in groupby(points, key=lambda p: p is not None) if drawn]


def _n(value: float) -> str:
    """A coordinate, two decimals at most (keeps the markup short)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _number(value: float) -> str:
    """A value for the table and the description: 1,234 or 4.25."""
    return (
        f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    )


def _compact(value: float) -> str:
    """An axis tick: 250, 12.5k, 3M, 1T."""
    for divisor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= divisor * (1 if divisor >= 1e6 else 10):
            return _number(round(value / divisor, 1)) + suffix
    return _number(round(value, 2))


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _el(tag: str, content: object = "", /, **attributes: object) -> SafeString:
    """One SVG element; attribute names from code (stroke_width → stroke-width), values and text
    escaped. Floats are written with two decimals at most."""
    pairs = (
        (name.rstrip("_").replace("_", "-"), _n(value) if isinstance(value, float) else value)
        for name, value in attributes.items()
    )
    attrs = format_html_join("", ' {}="{}"', pairs)
    if content == "":
        return format_html("<{}{}/>", tag, attrs)
    return format_html("<{}{}>{}</{}>", tag, attrs, content, tag)


def _join(parts: Iterable[object]) -> SafeString:
    """Join pieces of markup; anything not already safe is escaped."""
    return mark_safe("".join(str(conditional_escape(part)) for part in parts))


def _text(x: float, y: float, text: str, *, anchor: str = "start", **more: object) -> SafeString:
    attributes = {"fill": INK, "font_size": 12, **more}
    return _el("text", text, x=float(x), y=float(y), text_anchor=anchor, **attributes)


def _fill(chart_id: str, index: int) -> str:
    return COLOURS[index] if PATTERNS[index] == "solid" else f"url(#{chart_id}-p{index})"


def _defs(chart_id: str, series_count: int) -> SafeString:
    patterns = []
    for index in range(series_count):
        if PATTERNS[index] != "solid":
            tag, attributes = PATTERN_MARKS[PATTERNS[index]]
            mark = _el(tag, **{"stroke": "#fff", "fill": "#fff", **attributes})
            background = _el("rect", width=8, height=8, fill=COLOURS[index])
            patterns.append(
                _el("pattern", _join([background, mark]), id=f"{chart_id}-p{index}",
                    width=8, height=8, patternUnits="userSpaceOnUse")
            )  # fmt: skip
    return _el("defs", _join(patterns))


def _legend(chart_id: str, series: Sequence[Series], *, lines: bool) -> list[SafeString]:
    """One entry per series, drawn as the series is: a patterned swatch or a dashed, marked line."""
    parts = []
    for index, one in enumerate(series):
        column, row = index % LEGEND_COLUMNS, index // LEGEND_COLUMNS
        x, y = LEFT + column * (WIDTH - LEFT - RIGHT) / LEGEND_COLUMNS, 8 + row * LEGEND_ROW
        if lines:
            parts.append(
                _el("line", x1=x, y1=y + 7, x2=x + 28, y2=y + 7, stroke=COLOURS[index],
                    stroke_width=2, stroke_dasharray=DASHES[index])
            )  # fmt: skip
            parts.append(_marker(index, x + 14, y + 7, legend=True))
        else:
            parts.append(
                _el("rect", x=x, y=y, width=28, height=14, fill=_fill(chart_id, index), stroke=INK,
                    data_legend=index)
            )  # fmt: skip
        parts.append(_text(x + 34, y + 12, _short(one.name, 24)))
    return parts


def _marker(index: int, x: float, y: float, *, legend: bool = False) -> SafeString:
    colour = COLOURS[index]
    look = {"fill": colour if index < 4 else "#fff", "stroke": colour, "stroke_width": 1.5}
    which = {"data_legend": index} if legend else {"data_series": index}
    if MARKERS[index] == "circle":
        return _el("circle", cx=float(x), cy=float(y), r=4, **look, **which)
    outline = {
        "square": f"M{_n(x - 4)},{_n(y - 4)} h8 v8 h-8 z",
        "triangle": f"M{_n(x)},{_n(y - 5)} l5,9 h-10 z",
        "diamond": f"M{_n(x)},{_n(y - 5)} l5,5 l-5,5 l-5,-5 z",
    }[MARKERS[index]]
    return _el("path", d=outline, **look, **which)


def _y_axis(ticks, top, plot_top, plot_bottom, unit) -> list[SafeString]:
    parts = []
    for tick in ticks:
        y = plot_bottom - tick / top * (plot_bottom - plot_top)
        parts.append(_el("line", x1=LEFT, y1=y, x2=WIDTH - RIGHT, y2=y, stroke=GRID))
        parts.append(_text(LEFT - 6, y + 4, _compact(tick), anchor="end", fill=MUTED))
    middle = (plot_top + plot_bottom) / 2
    turn = f"rotate(-90 14 {_n(middle)})"
    parts.append(_text(14, middle, _short(unit, 30), anchor="middle", transform=turn))
    return parts


def _x_axis(labels: Sequence[str], slot: float, bottom: float, x_label: str) -> list[SafeString]:
    """At most MAX_X_LABELS labels, evenly thinned, so 1,000 days still read."""
    parts = [_el("line", x1=LEFT, y1=bottom, x2=WIDTH - RIGHT, y2=bottom, stroke=INK)]
    step = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    for i in range(0, len(labels), step):
        x = LEFT + (i + 0.5) * slot
        parts.append(_text(x, bottom + 18, _short(labels[i], 14), anchor="middle", fill=MUTED))
    parts.append(_text(LEFT + (WIDTH - LEFT - RIGHT) / 2, HEIGHT - 10, x_label, anchor="middle"))
    if not labels:
        parts.append(_text(WIDTH / 2, (bottom + 40) / 2, "No data in this period", anchor="middle"))
    return parts


def _describe_series(labels, series, unit: str, x: str, *, totals: bool) -> str:
    """What the chart shows, in words: the range, then per series its total (counts) or first
    and last value (averages), its low and its peak."""
    if not labels:
        return ""
    span = f"{len(labels)} × {x.lower()}, {labels[0]} to {labels[-1]}" if labels[1:] else labels[0]
    sentences = [f"{unit.capitalize()}, {span}."]
    for one in series:
        present = [(v, label) for v, label in zip(one.values, labels, strict=True) if v is not None]
        if not present:
            sentences.append(f"{one.name}: no value.")
            continue
        high, high_at = max(present, key=lambda pair: pair[0])
        low, gaps = min(v for v, _ in present), len(labels) - len(present)
        (first, first_at), (last, last_at) = present[0], present[-1]
        summary = f"{_number(first)} ({first_at}) to {_number(last)} ({last_at})"
        summary = f"total {_number(sum(v for v, _ in present))}" if totals else summary
        sentences.append(
            f"{one.name}: {summary}, lowest {_number(low)}, highest {_number(high)} ({high_at})"
            f"{f', no value for {gaps}' if gaps else ''}."
        )
    return " ".join(sentences)


def _chart(chart_id, title, description, parts, labels, series, header, *, total, height=HEIGHT):
    description = description or "No data in this period."
    svg = _el(
        "svg",
        _join([_el("title", title, id=f"{chart_id}-title"),
               _el("desc", description, id=f"{chart_id}-desc"), *parts]),
        xmlns="http://www.w3.org/2000/svg", id=chart_id, class_="chart-svg", role="img",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc", viewBox=f"0 0 {WIDTH} {height}",
        width=WIDTH, height=height, font_family=FONT,
    )  # fmt: skip
    total = total and len(series) > 1
    headers = (header, *(s.name for s in series), *(("Total",) if total else ()))
    rows = []
    for i, label in enumerate(labels):
        cells = ["no value" if s.values[i] is None else _number(s.values[i]) for s in series]
        if total:
            cells.append(_number(sum(s.values[i] or 0 for s in series)))
        rows.append((label, tuple(cells)))
    return Chart(chart_id, title, description, svg, ChartTable(title, headers, tuple(rows)))
