"""Checks of where alerts go: email addresses, a mail server's host name, a webhook URL.

Plain functions (no hub imports), so the settings model (`workflows.integration_config`) can
check its fields with them and say what is wrong in a merchant's words. Control characters
are refused before these run (a line break in an address would add a mail header).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$")
_ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$|^[^@\s<>,;]+@localhost$")
MAX_RECIPIENTS = 20


def email_list(value: str) -> str:
    """Comma-separated addresses (``a@shop.com, b@shop.com``), normalised; empty is allowed
    (no email is sent)."""
    value = value.strip()
    if not value:
        return ""
    parts = [part.strip() for part in value.replace(";", ",").split(",")]
    if any(not part for part in parts):
        raise ValueError("separate the addresses with single commas, e.g. "
                         "ops@shop.com, me@shop.com")
    addresses = []
    for part in parts:
        if not _ADDRESS.match(part):
            raise ValueError(f"{part!r} is not an email address (like ops@shop.com)")
        addresses.append(part)
    if len(addresses) > MAX_RECIPIENTS:
        raise ValueError(f"at most {MAX_RECIPIENTS} addresses; use a mailing list for more")
    return ", ".join(addresses)


def email_address(value: str) -> str:
    """One address, or empty."""
    value = value.strip()
    if value and (not _ADDRESS.match(value)):
        raise ValueError(f"{value!r} is not an email address (like orderbridge@shop.com)")
    return value


def host_name(value: str) -> str:
    """A host name or address (``smtp.shop.com``, ``127.0.0.1``), without a port; or empty."""
    value = value.strip()
    if not value:
        return ""
    if ":" in value and not value.startswith("["):
        raise ValueError("give the host name alone (like smtp.shop.com) and the port in "
                         "smtp_port")
    if not _HOST.match(value):
        raise ValueError(f"{value!r} is not a host name (like smtp.shop.com)")
    return value


def webhook_url(value: str) -> str:
    """An ``https://`` (or ``http://``) address with a host; or empty (no webhook)."""
    value = value.strip()
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError(f"{value!r} is not a web address") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError("use a web address starting with https:// (or http://), like "
                         "https://hooks.shop.com/orderbridge")
    if parts.username is not None or parts.password is not None:
        raise ValueError("put no user name or password in the address: every call is signed "
                         "with the signing secret instead")
    if port == 0:
        raise ValueError("the port of the address must be 1 to 65535")
    return value
