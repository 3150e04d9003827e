"""The Orders screen's search form: the query string read into an `OrderFilter` with an error
per field in a merchant's words (a bad field is left out of the search, never a 500), and the
links of the pages of results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from orderbridge.model import OrderStatus
from orderbridge.workflows.order_view import OrderFilter

PAGE_SIZE = 50
MAX_TEXT = 200
MAX_PAGE = 100_000
FIELDS = ("q", "status", "date_from", "date_to")


@dataclass
class Search:
    filter: OrderFilter
    page: int
    values: dict[str, str]
    """What the merchant typed, shown back in the form."""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE


def parse_search(params: Mapping[str, str]) -> Search:
    values = {name: (params.get(name) or "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    text = values["q"]
    if len(text) > MAX_TEXT:
        errors["q"] = f"Search for at most {MAX_TEXT} characters."
        text = ""
    status = None
    if values["status"]:
        try:
            status = OrderStatus(values["status"].lower())
        except ValueError:
            errors["status"] = "Pick a status from the list."
    days = {name: _day(values[name], name, errors) for name in ("date_from", "date_to")}
    if days["date_from"] and days["date_to"] and days["date_from"] > days["date_to"]:
        errors["date_to"] = "The last day comes before the first day."
        days["date_to"] = None
    page = params.get("page") or "1"
    number = int(page) if page.isascii() and page.isdigit() and len(page) < 7 else 1
    return Search(OrderFilter(text or None, status, days["date_from"], days["date_to"]),
                  max(1, min(number, MAX_PAGE)), values, errors)


def _day(value: str, name: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = "Give a day as YYYY-MM-DD, for example 2024-03-01."
        return None


@dataclass(frozen=True)
class PageLink:
    number: int
    href: str
    current: bool


def search_links(search: Search, total: int, window: int = 3) -> list[PageLink]:
    """Links to the first, the last and the pages near the current one (none for one page)."""
    last = max(1, -(-total // PAGE_SIZE))
    if last == 1:
        return []
    kept = {name: value for name, value in search.values.items() if value}
    shown = sorted({1, last, *range(max(1, search.page - window),
                                    min(last, search.page + window) + 1)})
    return [PageLink(number, "/orders?" + urlencode({**kept, "page": number}),
                     number == search.page) for number in shown]
