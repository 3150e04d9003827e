"""How the live run shows itself: a Rich `Live` frame in a terminal, log lines otherwise.

In a terminal the frame is redrawn in place and sized to the terminal's height; it disappears
when the run ends, replaced by the summary. Piped into a file or a CI log, each event is printed
once as a line instead, so the output stays readable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from rich.console import Console
from rich.live import Live

from orderbridge.cli.demo.feed import DemoEvent, EventFeed, timeline_events
from orderbridge.cli.demo.live_view import event_line, render
from orderbridge.cli.demo.snapshot import Observer
from orderbridge.cli.demo.world import DemoWorld

LIVE_HELD, LIVE_EVENTS = 4, 7

Show = Callable[[list[str]], None]


@contextmanager
def display(world: DemoWorld, feed: EventFeed, console: Console) -> Iterator[Show]:
    """A live frame in a terminal; otherwise one printed line per new event."""
    if not console.is_terminal:
        yield PlainLog(world, feed, console)
        return
    observer = Observer(world, feed)
    live = Live(console=console, auto_refresh=False, transient=True,
                vertical_overflow="ellipsis")

    def show(heading: list[str]) -> None:
        held, events = live_rows(console.height)
        snapshot = observer.snapshot(held_limit=held, event_limit=events)
        live.update(render(snapshot, heading=heading, compact=True), refresh=True)

    try:
        with live:
            yield show
    finally:
        observer.close()


def live_rows(height: int) -> tuple[int, int]:
    """Held orders and events to show so the frame fits the terminal (about 23 fixed lines)."""
    held = LIVE_HELD if height >= 30 else 2
    return held, max(2, min(LIVE_EVENTS, height - 20 - held))


class PlainLog:
    """Prints each event once, oldest first, as it appears (the heading is not repeated)."""

    def __init__(self, world: DemoWorld, feed: EventFeed, console: Console) -> None:
        self.world, self.feed, self.console = world, feed, console
        self._feed_read = 0
        self._timeline_after = 0

    def __call__(self, heading: list[str]) -> None:
        scenario = self.feed.since(self._feed_read)
        self._feed_read += len(scenario)
        timeline = timeline_events(self.world.store, self.world.ctx.integration_id,
                                   after_id=self._timeline_after)
        if timeline:
            self._timeline_after = timeline[-1].seq
        for event in sorted(scenario + timeline, key=_event_order):
            self.console.print(event_line(event), highlight=False, soft_wrap=True)


def _event_order(event: DemoEvent) -> tuple[datetime, int]:
    return (event.at, event.seq)
