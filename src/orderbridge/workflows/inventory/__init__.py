"""Inventory: stock levels from QuickBooks Commerce back to Houzz, never more than can ship.

```
QBC variants (250 a page) ──stock_plan + stock_policy──▶ one quantity per Houzz SKU
      minus units on orders QBC has not committed (pending_units)
                            ──push (only what changed, many at once)──▶ Houzz updateInventory
```

- `job` (job `inventory`) runs a cycle; `--full` re-pushes everything and reads the listings.
- `stock_policy` is the pure rule of what may be sold; `stock_plan` maps QBC SKUs to Houzz SKUs
  through the aliases; `stock_settings` makes the integration's settings a policy.
- `pending_units` counts what buyers bought that QBC does not show as committed yet.
- `push` sends the levels; `report` explains each SKU's figure from the store alone.
"""
