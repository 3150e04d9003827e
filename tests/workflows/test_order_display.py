"""The pure parts of the order detail: secrets masked at any depth, tracking links that only
ever point at http(s) pages."""

from __future__ import annotations

from orderbridge.workflows.payload_masking import masked
from orderbridge.workflows.tracking_links import tracking_link


def test_secret_looking_values_are_masked_at_any_depth() -> None:
    payload = {"OrderId": "123", "AccessToken": "abcdefghijklmnop", "nested": [
        {"client_secret": "s3cr3t-value-9999", "password": 12345678901234, "note": "token"},
        {"ApiKey": {"inner": "x"}, "Authorization": "", "tokenized": None, "auth_ok": True}]}
    shown = masked(payload)
    assert shown == {"OrderId": "123", "AccessToken": "••••mnop", "nested": [
        {"client_secret": "••••9999", "password": "••••1234", "note": "token"},
        {"ApiKey": "••••", "Authorization": "", "tokenized": None, "auth_ok": True}]}
    assert payload["AccessToken"] == "abcdefghijklmnop"  # a copy; the stored one is kept
    assert masked(None) is None and masked([1, "a"]) == [1, "a"]


def test_tracking_links() -> None:
    assert tracking_link("UPS Ground", "1Z 99", None) == "https://www.ups.com/track?tracknum=1Z%2099"
    assert tracking_link("fed ex", "77", "") == "https://www.fedex.com/fedextrack/?trknbr=77"
    assert tracking_link("Anyone", "1", " https://t.example/1 ") == "https://t.example/1"
    assert tracking_link("UPS", "1Z", "javascript:alert(1)") == "https://www.ups.com/track?tracknum=1Z"
    assert tracking_link("Speedy Freight", "SF-1", "javascript:alert(1)") is None
    assert tracking_link("UPS", None, None) is None and tracking_link(None, "1", None) is None
    assert tracking_link("USPS", "9400", "ftp://x/1") == (
        "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400")
