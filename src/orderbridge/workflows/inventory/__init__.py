"""Inventory: stock levels from QuickBooks Commerce back to Houzz, never more than can ship.

```
QBC variants changed since the last read, or named by a webhook, into the variant index
  the whole index ──stock_plan + stock_policy──▶ one quantity per Houzz SKU
      minus units on orders QBC has not committed (pending_units)
                            ──push (only what changed, many at once)──▶ Houzz updateInventory
```

- `job` (job `inventory`) runs a cycle (every variant every `inventory_full_every_s`); `--full`
  re-pushes everything and reads the listings.
- `named_variants` reads the variants QBC's stock webhooks named; `index_push` computes every
  level from the variant index and pushes what changed.
- `stock_policy` is the pure rule of what may be sold; `stock_plan` maps QBC SKUs to Houzz SKUs
  through the aliases; `stock_settings` makes the integration's settings a policy.
- `pending_units` counts what buyers bought that QBC does not show as committed yet.
- `push` sends the levels; `report` explains each SKU's figure from the store alone.
"""
