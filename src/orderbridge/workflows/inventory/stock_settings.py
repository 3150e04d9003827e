"""The integration's settings as a `StockPolicy`, with the stock locations resolved.

`inventory_locations` empty means "where orders ship from": the integration's `location_id`,
else the account's primary location. QBC names the primary only in `GET /accounts/current`, so
that answer is kept (cursor `qbc_primary_location_id`) and asked again only on `--full` runs:
one QBC call on the first cycle, none after.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from orderbridge.errors import RemoteError
from orderbridge.store import cursors
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.integration_config import IntegrationConfig
from orderbridge.workflows.inventory.stock_policy import StockPolicy

PRIMARY_LOCATION = "qbc_primary_location_id"


def stock_policy(ctx: IntegrationContext, *, refresh: bool = False) -> StockPolicy:
    """The policy of `ctx`'s config (`refresh` asks QBC for the primary location again)."""
    return policy_from_config(ctx.config, lambda: primary_location(ctx, refresh=refresh))


def policy_from_config(config: IntegrationConfig, primary: Callable[[], int]) -> StockPolicy:
    """The policy of `config`; `primary` gives the primary location when it is needed."""
    chosen = config.inventory_location_ids
    locations: frozenset[int] | Literal["all"]
    if chosen == "all":
        locations = "all"
    elif chosen:
        locations = frozenset(chosen)
    elif config.location_id is not None:
        locations = frozenset({config.location_id})
    else:
        locations = frozenset({primary()})
    return StockPolicy(locations=locations, buffer=config.inventory_buffer,
                       minimum=config.inventory_minimum,
                       untracked_quantity=config.untracked_quantity)


def known_primary_location(ctx: IntegrationContext) -> int | None:
    """The primary location remembered by an earlier cycle (no API call)."""
    with ctx.store.session() as session:
        known = cursors.get_cursor(session, ctx.integration_id, PRIMARY_LOCATION)
    return int(known) if known is not None and known.isdigit() else None


def primary_location(ctx: IntegrationContext, *, refresh: bool = False) -> int:
    """The QBC account's primary stock location (remembered after the first ask)."""
    known = None if refresh else known_primary_location(ctx)
    if known is not None:
        return known
    primary = ctx.qbc.current_account().primary_location_id
    if primary is None:
        raise RemoteError("QuickBooks Commerce", "the account names no primary stock location;"
                          " set inventory_locations (orderbridge config set "
                          "inventory_locations 1)")
    with ctx.store.begin() as session:
        cursors.set_cursor(session, ctx.integration_id, PRIMARY_LOCATION, str(primary))
    return int(primary)
