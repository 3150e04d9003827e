"""The job runner: whatever a job raises ends that job only, in one line, never a traceback."""

from __future__ import annotations

import logging

import pytest

from orderbridge.runtime import jobs
from orderbridge.runtime.jobs import run_once
from orderbridge.settings import Settings
from orderbridge.store import Store
from orderbridge.workflows.context import open_context


def test_a_surprise_in_one_job_is_reported_and_the_next_job_runs(
        store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    ctx = open_context(store, settings, "default", create=True)
    ran = []

    def explodes(*_: object) -> None:
        raise KeyError("Orders")

    def counts(*_: object) -> None:
        ran.append("after")

    monkeypatch.setitem(jobs.JOBS, "explodes", explodes)
    monkeypatch.setitem(jobs.JOBS, "after", counts)
    with caplog.at_level(logging.ERROR):
        first, second = run_once(ctx, ["explodes", "after"])
    assert first.error is not None and "unexpected failure (KeyError: 'Orders')" in first.error
    assert second.error is None and ran == ["after"]
    assert "explodes job of" in caplog.text
