"""What a screen or API call needs to run a fix (`workflows.mapping_fixes`): the integration's
context, opened from the app's store and settings. No remote client is made: the fixes read
and write the store only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import HTTPException, Request

from orderbridge.settings import Settings
from orderbridge.store.tables import Integration
from orderbridge.web.auth import store_of
from orderbridge.web.choice import chosen_integration
from orderbridge.workflows.context import IntegrationContext, open_context


@contextmanager
def fixing(request: Request, integration: str) -> Iterator[IntegrationContext]:
    settings = request.app.state.settings
    assert isinstance(settings, Settings)
    ctx = open_context(store_of(request), settings, integration)
    try:
        yield ctx
    finally:
        ctx.close()


def chosen_row(request: Request) -> Integration:
    """The integration the screen shows (`chosen_integration`); a 404 page if there is none."""
    with store_of(request).session() as session:
        row = chosen_integration(request, session)
    if row is None:
        raise HTTPException(404, "There is no integration yet: connect Houzz and "
                                 "QuickBooks Commerce first (Connections)")
    return row
