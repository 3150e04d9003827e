"""What a notification says: one email text and one JSON body for a batch of alerts (or for a
test). The JSON shape is documented in docs/webhooks.md; change both together."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orderbridge.store.tables import Alert
from orderbridge.workflows.notifications.batch import is_urgent

LABELS = {"paused": "integration paused",
          "canceled_after_ship": "order canceled after it shipped"}


@dataclass(frozen=True)
class Notice:
    """One alert as it goes out (read out of the session that loaded it)."""

    id: int
    kind: str
    message: str
    order_id: int | None
    created_at: datetime

    @property
    def urgent(self) -> bool:
        return is_urgent(self.kind)

    @classmethod
    def of(cls, alert: Alert) -> Notice:
        return cls(alert.id, alert.kind, alert.message, alert.order_id, alert.created_at)


def label(kind: str) -> str:
    return LABELS.get(kind, kind.replace("_", " "))


def subject(integration: str, notices: list[Notice]) -> str:
    urgent = [notice for notice in notices if notice.urgent]
    count = len(notices)
    if urgent:
        more = f" (and {count - 1} more alert{'s' * (count > 2)})" if count > 1 else ""
        return f"[orderbridge] {integration}: URGENT: {label(urgent[0].kind)}{more}"
    return f"[orderbridge] {integration}: {count} new alert{'s' * (count != 1)}"


def text_body(integration: str, notices: list[Notice]) -> str:
    count = len(notices)
    lines = [f"{count} new alert{'s' * (count != 1)} for integration {integration!r}, oldest "
             "first:", ""]
    for number, notice in enumerate(notices, 1):
        flag = "URGENT " if notice.urgent else ""
        lines.append(f"{number}. {flag}{label(notice.kind)}: {notice.message}")
        order = f", order #{notice.order_id}" if notice.order_id is not None else ""
        lines.append(f"   raised {notice.created_at:%Y-%m-%d %H:%M} UTC{order}")
    lines += ["", "Open the Alerts screen of orderbridge to fix them; alerts about held orders "
                  "resolve by themselves once the orders flow."]
    return "\n".join(lines) + "\n"


def test_text(integration: str) -> str:
    return (f"This is a test from orderbridge (integration {integration!r}).\n\n"
            "Alerts will arrive like this: new ones collected into one message per batch "
            "window, urgent ones (integration paused, order canceled after it shipped) at "
            "once.\n")


def json_body(integration: str, notices: list[Notice], *, sent_at: datetime,
              test: bool = False) -> bytes:
    """The webhook body: compact UTF-8 JSON, exactly the bytes that are signed."""
    document: dict[str, Any] = {
        "event": "test" if test else "alerts",
        "integration": integration,
        "sent_at": sent_at.isoformat(),
        "alerts": [{"id": notice.id, "kind": notice.kind, "label": label(notice.kind),
                    "urgent": notice.urgent, "message": notice.message,
                    "order_id": notice.order_id, "created_at": notice.created_at.isoformat()}
                   for notice in notices],
    }
    if test:
        document["message"] = test_text(integration).strip()
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
