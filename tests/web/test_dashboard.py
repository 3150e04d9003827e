"""The dashboard after a real sync against the sandboxes, and the chart module's SVG."""

from __future__ import annotations

import re

import pytest

from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.web.charts import Series, bar_chart, duration, line_chart, nice_ceiling
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import place
from tests.web.conftest import Web
from tests.web.jobs_flow import connected

sandboxes, pair = cli_fixtures.sandboxes, cli_fixtures.pair
"""The sandbox fixtures of the CLI tests, used here as they are."""


def test_the_dashboard_shows_what_a_sync_did(web: Web, pair: SandboxPair) -> None:
    cli = connected(web, pair)
    place(pair, 3)
    cli.invoke("sync", "--once")
    qbc_calls = len(pair.calls("qbc"))

    page = web.logged_in().get("/")
    assert page.status_code == 200
    cards = dict(re.findall(r'<span class="status ([a-z_]+)">\1</span> <strong>(\d+)</strong>',
                            page.text))
    assert cards["at_wms"] == "3" and cards["new"] == "0"
    deliver = re.search(r'<tr id="job-deliver">(.*?)</tr>', page.text, re.S)
    assert deliver is not None and "delivered 3" in deliver.group(1)
    assert "never" not in deliver.group(1)

    used = re.search(r'<strong id="qbc-budget-used">(\d+)</strong> of 300 calls', page.text)
    assert used is not None  # a lower bound of what the QBC sandbox really received
    assert 3 <= int(used.group(1)) <= qbc_calls
    assert 'id="qbc-budget-how"' in page.text and "last 300 s" in page.text

    orders_table = re.search(r'id="orders-per-day-table">(.*?)</table>', page.text, re.S)
    assert orders_table is not None
    days = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", orders_table.group(1))
    assert len(days) == 30 and days[-1][1] == "3" and sum(int(n) for _, n in days) == 3
    assert page.text.count('<rect class="bar"') == 30
    # one day with deliveries: one median point and one p95 point
    assert page.text.count('class="point series-0"') == 1
    assert page.text.count('class="point series-1"') == 1


def test_the_dashboard_before_anything_ran(web: Web, pair: SandboxPair) -> None:
    connected(web, pair)
    page = web.logged_in().get("/")
    assert page.status_code == 200
    assert "No order was delivered in the last 30 days." in page.text
    assert re.search(r'<strong id="qbc-budget-used">0</strong>', page.text)
    assert page.text.count('<rect class="bar"') == 30


LABELS = ["Mar 01", "Mar 02", "Mar 03", "Mar 04", "Mar 05"]


def test_a_bar_chart_has_a_bar_and_a_table_row_per_value() -> None:
    svg = str(bar_chart("orders-per-day", "Orders per day", "Five days", LABELS,
                        [0, 4, 2, 9, 1], value_name="orders"))
    assert svg.count('<rect class="bar"') == 5
    assert '<title id="orders-per-day-title">Orders per day</title>' in svg
    assert '<desc id="orders-per-day-desc">Five days</desc>' in svg
    assert 'aria-labelledby="orders-per-day-title orders-per-day-desc"' in svg
    assert svg.count("<tr><td>") == 5 and "<tr><td>Mar 04</td><td>9</td></tr>" in svg
    heights = [float(h) for h in re.findall(r'class="bar"[^>]*height="([\d.]+)"', svg)]
    assert heights[0] == 0 and max(heights) == heights[3]  # the tallest bar is the 9


def test_a_line_chart_leaves_gaps_where_there_is_no_value() -> None:
    svg = str(line_chart("latency", "Latency", "desc", LABELS, [
        Series("median", [10, None, 30, 40, None]), Series("p95", [20, None, None, 80, 90])],
        fmt=duration))
    assert svg.count('class="point series-0"') == 3
    assert svg.count('class="point series-1"') == 3
    median_path = re.search(r'class="line series-0" d="([^"]+)"', svg)
    assert median_path is not None and median_path.group(1).count("M") == 2  # two pieces
    assert "<tr><td>Mar 02</td><td></td><td></td></tr>" in svg
    assert "<td>1.5 min</td>" in svg  # 90 s


def test_chart_text_is_escaped_and_ids_are_checked() -> None:
    svg = str(bar_chart("c", "<script>x</script>", "a & b", ["<b>"], [1]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a &amp; b" in svg
    with pytest.raises(ValueError):
        bar_chart('bad" onload="x', "t", "d", ["a"], [1])
    with pytest.raises(ValueError):
        bar_chart("c", "t", "d", ["a", "b"], [1])


@pytest.mark.parametrize(("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (9, 10), (11, 20),
                                                (0.3, 0.5), (250, 500)])
def test_the_scale_ends_at_a_round_number(value: float, ceiling: float) -> None:
    assert nice_ceiling(value) == pytest.approx(ceiling)
