"""Where a buyer (or the merchant) follows a package: the tracking page of its carrier.

QBC's fulfillment may carry a tracking URL; when it does not, the carrier's name (matched as
the carrier map matches it: "UPS Ground" is UPS) gives the carrier's public tracking page for
the number. Only http(s) addresses are ever linked, so a fulfillment cannot smuggle a
``javascript:`` link into a page.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from orderbridge.workflows.shipments.carriers import CarrierMap

TRACKING_PAGES = {
    "UPS": "https://www.ups.com/track?tracknum={}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "DHL": "https://www.dhl.com/en/express/tracking.html?AWB={}",
    "OnTrac": "https://www.ontrac.com/tracking/?number={}",
    "LaserShip": "https://www.lasership.com/track/{}",
    "Purolator": "https://www.purolator.com/en/shipping/tracker?pin={}",
    "CanadaPost": "https://www.canadapost-postescanada.ca/track-reperage/en#/details/{}",
}
"""Houzz carrier code → the carrier's public tracking page for one number."""

_BUILT_IN = CarrierMap({})


def is_web_address(url: str | None) -> bool:
    """Whether ``url`` is an absolute http(s) address."""
    if not url:
        return False
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def tracking_link(carrier: str | None, number: str | None, url: str | None) -> str | None:
    """The page that tracks the package, or None (then show the number as it is)."""
    if url is not None and is_web_address(url):
        return url.strip()
    if not number or not number.strip():
        return None
    page = TRACKING_PAGES.get(_BUILT_IN.resolve(carrier) or "")
    return None if page is None else page.format(quote(number.strip(), safe=""))
