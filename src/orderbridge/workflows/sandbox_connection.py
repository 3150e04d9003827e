"""Connecting an integration to running sandboxes, as `orderbridge connect` would leave it:
the sandboxes' own test credentials, stored encrypted with their base URLs. Used by the demo,
the tests and the benchmarks."""

from __future__ import annotations

from sqlalchemy.orm import Session

from orderbridge.crypto import SecretBox
from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN
from orderbridge.store.credentials import save_credentials


def save_sandbox_credentials(session: Session, integration_id: int, box: SecretBox, *,
                             houzz_url: str, qbc_url: str) -> None:
    """Store both sandboxes' credentials for the integration, in the caller's transaction."""
    save_credentials(session, integration_id, "houzz", dict(HOUZZ_CREDENTIALS), box,
                     base_url=houzz_url)
    save_credentials(session, integration_id, "qbc", {"token": QBC_TOKEN}, box,
                     base_url=qbc_url)
