"""Shipments: tracking from QuickBooks Commerce back to Houzz, exactly once.

```
at_wms ──fulfilled in QBC (fulfillments)──▶ shipped ──updateOrder Ship (confirmation)──▶ confirmed
                                              └──▶ held: carrier unmapped, no tracking number
                                                   (released by itself once fixed)
```

- `job` (job `shipments`) runs both phases.
- `fulfillments` reads QBC fulfillments incrementally and records each package once;
  `named_fulfillments` reads those QBC's webhooks named, through the same recording.
- `ship_policy` decides when an order counts as shipped and what goes to Houzz; `carriers`
  maps QBC's free-text carrier names to Houzz codes.
- `confirmation` posts the tracking to Houzz, many orders at once; `verbs` are the steps.
"""
