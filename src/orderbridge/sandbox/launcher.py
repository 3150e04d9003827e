"""Starting both simulators together, seeded and configured, on loopback.

Used by `orderbridge sandbox`, `orderbridge demo`, the integration tests and the benchmarks, so
that all of them meet the sandboxes the same way: real HTTP servers driven through their
control API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from orderbridge.sandbox.houzz import create_houzz_app
from orderbridge.sandbox.qbc import create_qbc_app
from orderbridge.sandbox.server import LOOPBACK, RunningServer, serve_in_thread

HOUZZ_DEFAULT_PORT = 8701
QBC_DEFAULT_PORT = 8702
HOUZZ_CREDENTIALS = {
    "token": "sandbox-token",
    "username": "sandbox-seller",
    "app_name": "orderbridge-sandbox",
}
QBC_TOKEN = "sandbox-token"


@dataclass
class SandboxPair:
    """The Houzz and QBC simulators, running."""

    houzz: RunningServer
    qbc: RunningServer
    _control: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))

    @property
    def houzz_url(self) -> str:
        return self.houzz.base_url

    @property
    def qbc_url(self) -> str:
        return self.qbc.base_url

    def control(self, side: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """POST to a simulator's control API (`side` is "houzz" or "qbc") and return the JSON."""
        base = self.houzz_url if side == "houzz" else self.qbc_url
        response = self._control.post(f"{base}/_sandbox/{path.lstrip('/')}", json=body or {})
        response.raise_for_status()
        return response.json()

    def calls(self, side: str) -> list[dict[str, Any]]:
        """The API calls a simulator has received, oldest first."""
        base = self.houzz_url if side == "houzz" else self.qbc_url
        response = self._control.get(f"{base}/_sandbox/calls")
        response.raise_for_status()
        calls: list[dict[str, Any]] = response.json()["calls"]
        return calls

    def seed(self, skus: int, seed: int) -> None:
        """Give both sides the same catalog."""
        for side in ("houzz", "qbc"):
            self.control(side, "seed", {"skus": skus, "seed": seed})

    def set_faults(self, side: str, **faults: Any) -> None:
        self.control(side, "faults", faults)

    def set_webhook_faults(self, **settings: Any) -> dict[str, Any]:
        """Make QBC drop, duplicate or delay its webhook deliveries (`drop_rate`,
        `duplicate_rate`, `delay_rate`, `delay_min_s`, `delay_max_s`, `seed`...); omitted
        settings mean no such fault. Raises unless the sandbox now reports exactly these."""
        self.control("qbc", "webhook-faults", settings)
        response = self._control.get(f"{self.qbc_url}/_sandbox/webhook-faults")
        response.raise_for_status()
        landed: dict[str, Any] = response.json()
        missed = {key: landed.get(key) for key, value in settings.items()
                  if landed.get(key) != value}
        if missed:
            raise RuntimeError(f"the QBC sandbox did not take webhook faults {settings}: "
                               f"it reports {missed}")
        return landed

    def reset(self) -> None:
        for side in ("houzz", "qbc"):
            self.control(side, "reset")

    def stop(self) -> None:
        self._control.close()
        self.houzz.stop()
        self.qbc.stop()


def start_sandboxes(
    houzz_port: int = 0, qbc_port: int = 0, host: str = LOOPBACK
) -> SandboxPair:
    """Start both simulators (port 0 = any free port) and return once both accept requests."""
    houzz = serve_in_thread(create_houzz_app(), houzz_port, host)
    try:
        qbc = serve_in_thread(create_qbc_app(), qbc_port, host)
    except BaseException:
        houzz.stop()
        raise
    return SandboxPair(houzz, qbc)
