"""Commands imported only when used, so `orderbridge sync` does not pay for the simulators.

The sandbox and demo commands pull in FastAPI and both simulators (half a second of imports);
every other command starts without them. `--help` still lists them (it imports them then).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, ClassVar

import typer
from typer.core import TyperGroup


class LazyGroup(TyperGroup):
    """A Typer group some of whose commands are `"module:function"` strings until invoked."""

    lazy_commands: ClassVar[dict[str, str]] = {}

    def list_commands(self, ctx: Any) -> list[str]:  # Any: Typer vendors its own click
        return [*super().list_commands(ctx), *self.lazy_commands]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        target = self.lazy_commands.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = target.partition(":")
        function: Callable[..., Any] = getattr(importlib.import_module(module), attribute)
        single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        single.command(cmd_name)(function)
        return typer.main.get_command(single)


def lazy_group(commands: dict[str, str]) -> type[LazyGroup]:
    """A `LazyGroup` class loading `commands` (name → "module:function") on demand."""
    return type("OrderbridgeGroup", (LazyGroup,), {"lazy_commands": dict(commands)})
