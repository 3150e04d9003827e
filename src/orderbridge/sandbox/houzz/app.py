"""Assembling the Houzz simulator: state, the `/api` endpoint, the shared harness (call log,
faults, rate limits) and the control API."""

from __future__ import annotations

from fastapi import FastAPI

from orderbridge.clock import Clock, SystemClock
from orderbridge.sandbox.harness import SandboxHarness
from orderbridge.sandbox.houzz.api import api_router
from orderbridge.sandbox.houzz.control import control_router
from orderbridge.sandbox.houzz.settings import HouzzSandboxSettings
from orderbridge.sandbox.houzz.state import HouzzState
from orderbridge.sandbox.houzz.wire import HOUZZ_WIRE


def create_houzz_app(settings: HouzzSandboxSettings | None = None,
                     clock: Clock | None = None) -> FastAPI:
    """A fresh simulated Houzz Seller API; `settings` are also what `/_sandbox/reset` restores."""
    clock = clock or SystemClock()
    state = HouzzState(settings or HouzzSandboxSettings(), clock)
    harness = SandboxHarness(HOUZZ_WIRE, default_rate_limit=None, clock=clock)
    app = FastAPI(title="Houzz Seller API sandbox (orderbridge)", docs_url="/_sandbox/docs",
                  openapi_url="/_sandbox/openapi.json", redoc_url=None)
    app.include_router(api_router(state))
    app.include_router(control_router(state, harness))
    harness.install(app)
    app.state.houzz = state
    app.state.harness = harness
    return app
