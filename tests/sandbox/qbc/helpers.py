"""A thin test client for the QBC simulator: API calls with a token, control calls, and the
few records most tests need (a customer, a catalog, an order)."""

from __future__ import annotations

from typing import Any

import httpx

DEFAULT_TOKEN = "sandbox-token"


class Qbc:
    """Talks to one running QBC simulator, as account 1 unless told otherwise."""

    def __init__(self, http: httpx.Client, token: str = DEFAULT_TOKEN) -> None:
        self.http = http
        self.token = token

    # -- API -------------------------------------------------------------------------------

    def headers(self, token: str | None = None, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}", **extra}

    def get(self, path: str, token: str | None = None, **params: Any) -> httpx.Response:
        return self.http.get(path, params=params, headers=self.headers(token))

    def post(self, path: str, body: Any = None, token: str | None = None,
             headers: dict[str, str] | None = None) -> httpx.Response:
        return self.http.post(path, json=body, headers={**self.headers(token), **(headers or {})})

    def put(self, path: str, body: Any, token: str | None = None,
            headers: dict[str, str] | None = None) -> httpx.Response:
        return self.http.put(path, json=body, headers={**self.headers(token), **(headers or {})})

    def delete(self, path: str, token: str | None = None) -> httpx.Response:
        return self.http.delete(path, headers=self.headers(token))

    def show(self, plural: str, record_id: int, singular: str, **params: Any) -> dict[str, Any]:
        response = self.get(f"/{plural}/{record_id}", **params)
        assert response.status_code == 200, response.text
        record: dict[str, Any] = response.json()[singular]
        return record

    # -- control ---------------------------------------------------------------------------

    def control(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        response = self.http.request(method, f"/_sandbox{path}", json=body, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def seed(self, skus: int = 5, seed: int = 7, locations: int = 1) -> dict[str, Any]:
        result: dict[str, Any] = self.control("POST", "/seed",
                                              {"skus": skus, "seed": seed,
                                               "locations": locations})
        return result

    def variants(self) -> list[dict[str, Any]]:
        variants: list[dict[str, Any]] = self.control("GET", "/variants")["variants"]
        return variants

    def variant(self, variant_id: int) -> dict[str, Any]:
        return self.show("variants", variant_id, "variant")

    def order_detail(self, order_id: int) -> dict[str, Any]:
        detail: dict[str, Any] = self.control("GET", f"/orders/{order_id}")["order"]
        return detail

    def calls(self) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = self.control("GET", "/calls")["calls"]
        return calls

    def set_faults(self, **faults: Any) -> None:
        self.control("POST", "/faults", faults)

    # -- records ---------------------------------------------------------------------------

    def customer(self) -> tuple[int, int]:
        """A consumer company with one shipping address: (company_id, address_id)."""
        company = self.post("/companies", {"company": {"name": "Jane Doe",
                                                       "company_type": "consumer"}})
        assert company.status_code == 201, company.text
        company_id = company.json()["company"]["id"]
        address = self.post("/addresses", {"address": {
            "company_id": company_id, "label": "Shipping", "address1": "1 Main St",
            "city": "Austin", "state": "TX", "zip_code": "78701", "country": "United States"}})
        assert address.status_code == 201, address.text
        return company_id, address.json()["address"]["id"]

    def order_body(self, lines: list[tuple[int, int]], status: str = "active",
                   **extra: Any) -> dict[str, Any]:
        company_id, address_id = self.customer()
        return {"order": {
            "company_id": company_id, "shipping_address_id": address_id,
            "issued_at": "2024-05-01", "status": status,
            "order_line_items": [{"variant_id": v, "quantity": q} for v, q in lines],
            **extra}}

    def create_order(self, lines: list[tuple[int, int]], status: str = "active",
                     **extra: Any) -> dict[str, Any]:
        response = self.post("/orders", self.order_body(lines, status, **extra))
        assert response.status_code == 201, response.text
        order: dict[str, Any] = response.json()["order"]
        return order
