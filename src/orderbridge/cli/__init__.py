"""The `orderbridge` command line.

Each command lives in its own module and registers itself on `app`; this module only assembles
them, so `orderbridge --help` lists everything a merchant or an operator can do.
"""

from __future__ import annotations

import typer

from orderbridge import __version__
from orderbridge.cli import demo_cmd, sandbox_cmd

app = typer.Typer(
    name="orderbridge",
    help="Houzz orders into QuickBooks Commerce; tracking, stock and cancellations back.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("sandbox")(sandbox_cmd.sandbox)
app.command("demo")(demo_cmd.demo)


@app.command("version")
def version() -> None:
    """Print the orderbridge version."""
    typer.echo(__version__)


def main() -> None:
    app()
