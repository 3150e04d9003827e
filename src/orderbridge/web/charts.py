"""Charts as inline SVG built on the server: no JavaScript, no image files, nothing from a CDN.

Each chart is a ``<figure>``: the SVG (``role="img"`` with a ``<title>`` and a ``<desc>``, each
bar or point with its own ``<title>`` as a tooltip) and the same figures as a table beneath
it, for screen readers and for anyone who wants the numbers. Every text is escaped.

    bar_chart("orders-per-day", "Orders per day", "…", labels, values)
    line_chart("latency", "Delivery latency", "…", labels, [Series("median", [...]), ...])
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 28
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
GRID_LINES = 4

Format = Callable[[float], str]


def plain(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Series:
    """One line of a line chart: a value (or None: no data) per label."""

    name: str
    values: Sequence[float | None]


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above ``value`` (1 for nothing)."""
    if value <= 0:
        return 1.0
    power = 1.0
    while power * 10 <= value:
        power *= 10
    while power > value:
        power /= 10
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _y(value: float, top: float) -> float:
    return TOP + PLOT_H - (value / top) * PLOT_H


_ID = re.compile(r"[a-z][a-z0-9-]{0,40}")


def _frame(chart_id: str, title: str, desc: str, top: float, fmt: Format,
           labels: Sequence[str]) -> list[str]:
    if not _ID.fullmatch(chart_id):
        raise ValueError(f"chart id {chart_id!r}: lower-case letters, digits and dashes")
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(desc)}</desc>']
    for line in range(GRID_LINES + 1):
        value = top * line / GRID_LINES
        y = _y(value, top)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" '
                     f'y2="{y:.1f}" stroke="#d8dee5"/>')
        parts.append(f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'font-size="11" fill="#5d6b7a">{escape(fmt(value))}</text>')
    if labels:
        shown = sorted({0, len(labels) // 2, len(labels) - 1})
        for index in shown:
            x = LEFT + (index + 0.5) * PLOT_W / len(labels)
            parts.append(f'<text class="axis" x="{x:.1f}" y="{HEIGHT - 8}" '
                         f'text-anchor="middle" font-size="11" fill="#5d6b7a">'
                         f'{escape(labels[index])}</text>')
    return parts


def _table(chart_id: str, title: str, headers: Sequence[str],
           rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th scope=\"col\">{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
                   for row in rows)
    return (f'<details><summary>{escape(title)} as a table</summary>'
            f'<table class="chart-data" id="{chart_id}-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{body}</tbody></table></details>')


def _figure(chart_id: str, svg: list[str], table: str) -> Markup:
    return Markup(f'<figure class="chart" id="{chart_id}">{"".join(svg)}</svg>'
                  f'{table}</figure>')


def bar_chart(chart_id: str, title: str, desc: str, labels: Sequence[str],
              values: Sequence[float], *, fmt: Format = plain,
              value_name: str = "value") -> Markup:
    """One bar per label."""
    if len(labels) != len(values):
        raise ValueError("a bar chart needs one value per label")
    top = nice_ceiling(max(values, default=0))
    svg = _frame(chart_id, title, desc, top, fmt, labels)
    slot = PLOT_W / max(1, len(labels))
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = _y(value, top)
        svg.append(f'<rect class="bar" x="{LEFT + index * slot + slot * 0.1:.1f}" '
                   f'y="{y:.1f}" width="{slot * 0.8:.1f}" height="{TOP + PLOT_H - y:.1f}" '
                   f'fill="#2457c5"><title>{escape(label)}: {escape(fmt(value))}</title>'
                   f'</rect>')
    rows = [(label, fmt(value)) for label, value in zip(labels, values, strict=True)]
    return _figure(chart_id, svg, _table(chart_id, title, ("day", value_name), rows))


COLOURS = ("#2457c5", "#b42318", "#1e7d45", "#a86400")


def line_chart(chart_id: str, title: str, desc: str, labels: Sequence[str],
               series: Sequence[Series], *, fmt: Format = plain) -> Markup:
    """One line per series, a point per label that has a value; gaps where none."""
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(f"series {one.name!r} needs one value per label")
    known = [v for one in series for v in one.values if v is not None]
    top = nice_ceiling(max(known, default=0))
    svg = _frame(chart_id, title, desc, top, fmt, labels)
    slot = PLOT_W / max(1, len(labels))
    for number, one in enumerate(series):
        colour = COLOURS[number % len(COLOURS)]
        path, pen_down = [], False
        points = []
        for index, value in enumerate(one.values):
            if value is None:
                pen_down = False
                continue
            x, y = LEFT + (index + 0.5) * slot, _y(value, top)
            path.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
            pen_down = True
            points.append(f'<circle class="point series-{number}" cx="{x:.1f}" cy="{y:.1f}" '
                          f'r="3" fill="{colour}"><title>{escape(one.name)} '
                          f'{escape(labels[index])}: {escape(fmt(value))}</title></circle>')
        if path:
            svg.append(f'<path class="line series-{number}" d="{" ".join(path)}" '
                       f'fill="none" stroke="{colour}" stroke-width="2"/>')
        svg.extend(points)
    for number, one in enumerate(series):  # the legend
        x = LEFT + 8 + number * 120
        svg.append(f'<rect x="{x}" y="{TOP}" width="10" height="10" '
                   f'fill="{COLOURS[number % len(COLOURS)]}"/><text x="{x + 14}" '
                   f'y="{TOP + 9}" font-size="11">{escape(one.name)}</text>')
    rows = [(label, *("" if one.values[index] is None else fmt(one.values[index] or 0)
                      for one in series)) for index, label in enumerate(labels)]
    return _figure(chart_id, svg, _table(chart_id, title, ("day", *(s.name for s in series)),
                                         rows))


def duration(seconds: float) -> str:
    """A latency in words a merchant reads: 45 s, 3.5 min, 2.1 h."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"
