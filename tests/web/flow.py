"""Helpers of the alerts and mappings tests: what the alerts screen shows, read from its HTML."""

from __future__ import annotations

import html
import re

import httpx

GROUP = re.compile(r'<section class="held-group card" id="group-\d+" data-fix="([a-z_]+)" '
                   r'data-key="([^"]*)">')


def groups(page: httpx.Response) -> list[tuple[str, str]]:
    """``(fix, key)`` of each held-order group the alerts screen shows."""
    return [(fix, html.unescape(key)) for fix, key in GROUP.findall(page.text)]


def resolved_rows(page: httpx.Response) -> list[str]:
    """The messages of the resolved list, newest first."""
    table = page.text.split('id="resolved-alerts"', 1)
    if len(table) < 2:
        return []
    body = table[1].split("</table>", 1)[0]
    return [html.unescape(m) for m in re.findall(r"<td>[^<]*UTC</td><td>[^<]*</td><td>([^<]*)"
                                                 r"</td>", body)]


def flashes(page: httpx.Response) -> list[str]:
    return [html.unescape(m) for m in
            re.findall(r'<p class="flash [a-z]+" role="status">([^<]*)</p>', page.text)]


def field_errors(page: httpx.Response) -> list[str]:
    return [html.unescape(m) for m in
            re.findall(r'class="field-error"[^>]*>([^<]*)<', page.text)]
