"""The key that signs session cookies: ``<home>/session.key``, made on first start (0600).

Kept apart from the credentials key (``secret.key``): the web app must be able to start before
any credentials exist, and making the credentials key is ``crypto``'s business alone (it refuses
to replace a lost one). Deleting this file logs everyone out, nothing more.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from orderbridge.errors import UsageError


def load_or_create_session_key(home: Path) -> str:
    path = home / "session.key"
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_urlsafe(48))
        return path.read_text().strip()
    except FileExistsError:  # another process made it between the two calls
        return path.read_text().strip()
    except OSError as exc:
        raise UsageError(f"cannot create {path} ({exc.strerror or exc}): ORDERBRIDGE_HOME must "
                         "be a directory orderbridge can write") from None
