"""Cancellations: an order canceled on Houzz is canceled in QuickBooks Commerce, once.

```
Houzz (Status All) ──sweep──▶ cancel requested ──▶ not delivered yet: canceled, never sent
                                               ├─▶ at_wms: voided in QBC ──▶ canceled
                                               └─▶ shipped: an alert, it stays shipped
QBC (status void) ──reverse──▶ canceled on Houzz  (optional: cancel_on_houzz_when_voided)
```

- `job` (job `cancellations`) runs the sweep, then carries out every requested cancellation.
- `sweep` reads Houzz over the windows of the open orders (`sweep_windows`).
- `voiding` voids a delivered order in QBC exactly once; `reverse` cancels on Houzz an order
  voided in QBC first.
- `verbs` are the cancellation's steps.
"""
