"""A local simulator of the Houzz Seller API (`GET|POST /api?format=...&method=...`).

Built from shared/reference/houzz-seller-api.md. Facts marked observed there are followed
exactly; where the reference says inferred [INF] or unknown [OPEN], this simulator chooses:

Transport and envelope
- `format` defaults to xml; any other value than json/xml is an Ack Error (in XML). Query
  parameter order is free, values are URL-decoded normally; a `+` that an un-encoding client
  let turn into a space in an offset (`... 00:00:00 00:00`) still reads as `+00:00`.
- Method names are case-sensitive (an error suggests the right spelling). getOrder, addListing,
  updateListing, getPayments and getTransactions are not simulated; they get an Ack Error saying
  so. Unknown query parameters are ignored. Any method may be called by GET or POST; write
  methods read the raw POST body as XML whatever the Content-Type.
- XML roots are `<{Method}Response>` (`GetOrdersResponse`); an error for an unknown or missing
  method uses `<ErrorResponse>`. Lists are wrapped: `Orders/Order`, `OrderItems/OrderItem`,
  `Listings/Listing`, `Errors/Error`.
- Errors: `Errors` holds `Error{Code, Message}` items (JSON: a list of objects); answered with
  HTTP 200 unless setting `error_http_status` says otherwise. Codes: MissingCredentials,
  InvalidCredentials, PermissionDenied, InvalidMethod, InvalidFormat, InvalidParameter,
  MissingParameter, MalformedXml, MissingField, InvalidField, InvalidAction, InvalidTransition,
  OrderNotFound, ListingNotFound; injected faults give InternalError/ServiceUnavailable (5xx)
  and RateLimitExceeded (HTTP 429). Success answers to updateOrder/updateInventory carry only Ack.
- Checks run in this order: format, auth headers, method name, permission, method parameters.
- Auth header values are trimmed; an empty header counts as missing. Rate limiting is off unless
  a fault sets one; it is counted per token; no X-Rate-Limit-* headers are sent.

Orders
- Statuses: Placed, InProduction (reported for processed orders), Charged, FailedToCharge,
  Shipped, Canceled (one l). Lifecycle `post2021` (default): new orders arrive Charged and
  Process/Charge on them are refused as invalid transitions; `legacy`: they arrive Placed. The
  setting only decides the starting status; the state machine is the same (see `lifecycle`).
  Charge from FailedToCharge is allowed (the buyer updated the card); an order fails to charge
  while marked with `POST /_sandbox/orders/{id}/fail_charge`. The 7-day authorisation expiry and
  the buyer's 30-minute self-cancel window are not modelled (the control API cancels any time).
- getOrders `Status` filter is case-insensitive; extras beyond the observed list: Processing
  (= InProduction), Placed (= New), Canceled/Cancelled. Unknown values are an Ack Error. From/To
  filter on Created, both inclusive; To given as a date covers that whole day. Results sorted by
  Created, then OrderId. NumberOfItems defaults to 100 and is capped at 1000; no total count.
- Created is written in setting `timezone` (default America/Los_Angeles).
- Orders carry, beyond the observed fields, `ShippingOption` (STANDARD/EXPEDITED/CURBSIDE/INSIDE)
  and, once shipped, `ShippingMethod` and `TrackingNumber` (numbers comma-joined); setting
  `emit_shipping_option=false` leaves all three out. `Address1` is "" when there is no second
  line. Line `Cost` is the listing's cost (the seller's unit cost), `Price` the buyer's unit
  price; `Shipping` and `Tax` are per unit. OrderTotal = sum((Price+Shipping+Tax)*Quantity) +
  FlatShipping. Random orders may carry a `Type` "Coupon" line (negative Price, Quantity 1).
- Ship needs ShippingMethod (checked case-insensitively against setting `carrier_codes`, stored
  in the configured spelling) and TrackingNumber (comma-separated numbers allowed). Shipping
  again is refused (an order is Shipped once). Cancel takes optional Comments and CancelCode
  (any value); `Cancle` is accepted only with setting `accept_cancle_typo`.
- Explicit orders from the control API are stored as given (see `given_orders`); money given as
  JSON numbers stays numbers, whereas money the simulator computes is a two-place string.

Listings
- getListings `Status` is Active, Inactive or All (default All), case-insensitive. Listings are
  in catalog order. ProductId is an eight-digit string derived from the seed.
- updateInventory needs SKU and Action=update (case-insensitive) and at least one of Quantity,
  Status, Price, MSRP, ShippingLeadTimeMin, ShippingLeadTimeMax; all fields are validated
  before any change; Price/MSRP are rounded to cents; lead-time min must not exceed max.
"""

from orderbridge.sandbox.houzz.app import create_houzz_app
from orderbridge.sandbox.houzz.settings import HouzzSandboxSettings

__all__ = ["HouzzSandboxSettings", "create_houzz_app"]
