"""`orderbridge serve`: the web app and the REST API, with uvicorn, until Ctrl-C.

With no user yet, it prints a one-time setup link that makes the first one. It serves on
127.0.0.1 unless told otherwise: put a TLS proxy in front before serving beyond this machine
(and pass --secure-cookies there).
"""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from orderbridge.cli.common import reports_errors, say
from orderbridge.settings import load_settings
from orderbridge.store import open_store
from orderbridge.web.app import create_app


@reports_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    secure_cookies: Annotated[bool, typer.Option(
        help="Send the session cookie over HTTPS only (behind a TLS proxy).")] = False,
) -> None:
    """Serve the web app (dashboard, orders, alerts, connections) and the REST API."""
    settings = load_settings()
    store = open_store(settings)
    try:
        app = create_app(settings, store, secure_cookies=secure_cookies)
        shown = "localhost" if host in ("127.0.0.1", "::1") else host
        say(f"orderbridge web app: http://{shown}:{port}/  (Ctrl-C stops)")
        if app.state.setup_token is not None:
            say(f"No user yet. Open this one-time link to create the first one: "
                f"http://{shown}:{port}/setup/{app.state.setup_token}")
        uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower(),
                    access_log=False)
    finally:
        store.close()
