"""A local simulator of the QuickBooks Commerce (ex-TradeGecko) REST API.

Serves the resources an order hub touches (accounts, locations, products, variants, companies,
addresses, orders and their line items and actions, fulfillments and their line items,
webhooks), the OAuth endpoints, and a control API under `/_sandbox/`. The facts come from
shared/reference/quickbooks-commerce-api.md; where that marks a fact [I] or leaves it open,
the simulator chooses as follows (details in each module's docstring and docs/sandbox-qbc.md):

- Errors: 401/402/403/404/400/429/5xx bodies are `{"type","message"}`; 401 adds
  `WWW-Authenticate: Bearer error="invalid_token"`; 422 is `{"errors": {attr: [msg]}}` and
  invalid transitions use `{"errors": {"base": [msg]}}`. Unknown routes answer 404 in that shape.
- Accounts: data is per account (the token's `account_id`). A lapsed subscription makes every
  call 402; a read-only token makes every write 403 (both set through the control API).
- Pagination: `limit` default 50, max 250, above → 400; `limit=0` → empty page with totals;
  `page` past the end → empty page with `out_of_bounds: true`; `total_pages` is at least 1.
  `X-Pagination` always carries every key (also with `ids`). Default sort newest first (line
  items by position); `order=` accepts `id`, `created_at`, `updated_at` with `asc|desc` (400
  otherwise).
- Filters: `ids` as array or comma list; `*_at_min/max` take ISO-8601 or dates (400 if
  unparseable); `status` multi-valued; `tags` matches any; `sku` exact and case-sensitive, may be
  repeated (`sku[]=`). Default statuses: orders and fulfillments all; variants, addresses,
  locations `active`; companies and products `active` + `disabled` (archived hidden).
- Rate limit: 300 / 300 s per `f"{app_id}:{account_id}"`, epoch-aligned; unknown tokens are
  counted per raw token; `/oauth/*` is not limited; 429 adds `Retry-After` (seconds to reset).
- Idempotency-Key (POST/PUT): per account, 24 h, only 2xx answers are remembered; replay returns
  the same status/body/Location plus `Idempotent-Replayed: true`; a different request with the
  same key → 422 `{"errors":{"idempotency_key":[...]}}`; concurrent duplicates wait.
- Orders: `status` defaults to `draft`; settable statuses draft/active/finalized (back to draft
  only without fulfillments); `order_number` auto `SO0001`... (not unique-checked); billing
  address defaults to shipping; line `price` defaults to the variant's retail price; freeform and
  non-product lines may omit `variant_id`; unknown currency ISO → 422; PUT adds nested lines
  without an `id`; DELETE: draft → `deleted`, otherwise void.
- Stock: committed = unshipped quantity on active/finalized orders at the order's location;
  fulfilment lowers on hand and releases committed; available = on hand − committed, may go
  negative. Any stock change bumps the variant's `updated_at` and raises
  `variant.stock_level_update`. `shippability_status` compares on hand with each unshipped line.
- Actions answer 201: pack/fulfil `{"fulfillment"}`, invoice `{"invoice"}`, pay `{"payment"}`,
  void `{"order"}`; `fulfill` is an alias of `fulfil`. Void of a void/deleted order, or of an
  order with shipped items, is 422. Draft/void/deleted/fulfilled orders cannot be packed or
  fulfilled (422). Nothing left to pack/fulfil → 422.
- Fulfillments: created `packed` unless `status: fulfilled`; `fulfilled` sets `shipped_at` if
  empty; no lines → 422 "Cannot create or update a Fulfillment without line items"; more than is
  left unpacked → 422; DELETE of a packed one → `deleted`, of a shipped one → 422.
- Webhook events are published on an in-process bus; seeding through the control API does not
  publish events.
"""

from __future__ import annotations

from orderbridge.sandbox.qbc.app import create_qbc_app
from orderbridge.sandbox.qbc.settings import QbcSandboxSettings

__all__ = ["QbcSandboxSettings", "create_qbc_app"]
