"""The `orderbridge` command line.

Each command lives in its own module and registers itself on `app`; this module only assembles
them, so `orderbridge --help` lists everything a merchant or an operator can do. The sandbox and
demo commands load only when used (see `lazy`), so everyday commands start quickly.
"""

from __future__ import annotations

import typer

from orderbridge import __version__
from orderbridge.cli import (
    admin_cmd,
    alias_cmd,
    audit_cmd,
    carrier_cmd,
    config_cmd,
    connect_cmd,
    inventory_cmd,
    orders_cmd,
    shipmethod_cmd,
    sync_cmd,
    user_cmd,
    webhooks_cmd,
)
from orderbridge.cli.common import start_logging
from orderbridge.cli.lazy import lazy_group

app = typer.Typer(
    name="orderbridge",
    help="Houzz orders into QuickBooks Commerce; tracking, stock and cancellations back.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=lazy_group({
        "sandbox": "orderbridge.cli.sandbox_cmd:sandbox",
        "demo": "orderbridge.cli.demo_cmd:demo",
        "serve": "orderbridge.cli.serve_cmd:serve",
        "worker": "orderbridge.cli.worker_cmd:worker",
        "scheduler": "orderbridge.cli.worker_cmd:scheduler",
    }),
)
app.add_typer(connect_cmd.app, name="connect")
app.add_typer(config_cmd.app, name="config")
app.command("sync")(sync_cmd.sync)
app.add_typer(orders_cmd.app, name="orders")
app.add_typer(alias_cmd.app, name="alias")
app.add_typer(shipmethod_cmd.app, name="shipmethod")
app.add_typer(inventory_cmd.app, name="inventory")
app.add_typer(carrier_cmd.app, name="carrier")
app.command("integrations")(admin_cmd.list_integrations)
app.command("resume")(admin_cmd.resume)
app.add_typer(admin_cmd.db_app, name="db")
app.add_typer(user_cmd.user_app, name="user")
app.add_typer(user_cmd.token_app, name="token")
app.add_typer(webhooks_cmd.app, name="webhooks")
app.command("audit")(audit_cmd.audit)


@app.command("version")
def version() -> None:
    """Print the orderbridge version."""
    typer.echo(__version__)


def main() -> None:
    start_logging()
    app()
