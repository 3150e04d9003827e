"""`orderbridge demo --once` shows stock flowing back: every SKU pushed to Houzz at first, then
only the SKUs a stocktake in QBC changed. Checked against the demo's own store too."""

from __future__ import annotations

import re
import shutil

from orderbridge.store.inventory import stored_levels
from tests.cli.test_demo import demo_store, printed_home, run_demo


def test_once_pushes_every_sku_then_only_the_changed_ones() -> None:
    result = run_demo("--once", columns=200)
    home = printed_home(result.stdout)
    try:
        assert result.returncode == 0, result.stdout + result.stderr
        pushes = [int(n) for n in re.findall(r"stock pushed: (\d+) SKUs? changed",
                                             result.stdout)]
        assert "stocktake:" in result.stdout
        with demo_store(home) as (store, iid), store.session() as session:
            levels = stored_levels(session, iid)
        assert levels and all(level.quantity is not None for level in levels.values())
        # the stocktake's SKUs, plus those whose orders were canceled meanwhile: not all
        assert pushes and 1 <= pushes[-1] < len(levels)
        last_run = " ".join(result.stdout.split())
        assert re.search(rf"inventory: [^·]*\b{pushes[-1]} pushed\b", last_run)
    finally:
        shutil.rmtree(home, ignore_errors=True)
