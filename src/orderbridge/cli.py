"""The `orderbridge` command (placeholder until the sandbox command lands)."""

import typer

app = typer.Typer(no_args_is_help=True)


@app.command()
def version() -> None:
    """Print the version."""
    from orderbridge import __version__

    typer.echo(__version__)


def main() -> None:
    app()
