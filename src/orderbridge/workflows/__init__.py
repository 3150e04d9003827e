"""The workflows: what the hub does for an integration, one package each.

- `orders`: Houzz orders into QuickBooks Commerce (jobs `download`, `deliver`);
- `cancellations`: a cancel on Houzz carried out in QBC, and optionally the reverse (job
  `cancellations`);
- `shipments`: tracking from QBC fulfillments back to Houzz (job `shipments`);
- `inventory`: stock levels from QBC back to Houzz (job `inventory`).

Shared by all of them: `context` (one integration, its store, config and API clients),
`_outbound` (the exactly-once protocol of every outbound call), `holds` (holding for a person
and releasing), `pause`, `cancel_requests`, `fulfillment_cursor`, `backoff`, `stop`,
`options` and `integration_config`. Workflows call the connectors' typed verbs and the
store's repositories; `runtime.jobs` maps each job name to its function.
"""
