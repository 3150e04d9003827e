"""Orders, Houzz → QuickBooks Commerce, exactly once.

```
Houzz getOrders ──download──▶ new ──deliver──▶ at_wms     (POST /orders, Idempotency-Key)
                               │ ▲
                   held ◀──────┘ └── released once the merchant fixed it (alias, ship map)
```

- `download` (job) polls Houzz over overlapping windows (`download_window`), gives each order a
  short unique reference (`cust_ref`) and stores it once.
- `delivery` (job `deliver`) translates each new order (`translate`: aliases, the variant index
  of `variant_index`, the ship-method map, stored buyer ids) and sends it in groups
  (`delivery_run`); `delivery_recovery` settles failures and orders left in flight.
- `verbs` are the order's steps; `result` what a delivery run did.
"""
