"""How fast the sandboxes answer: the ceiling for every other benchmark.

Run: `make bench` (or `.venv/bin/python bench/sandbox_throughput.py`). Prints a table and writes
bench/results/sandbox_throughput.json.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from _common import report, stopwatch

from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN, start_sandboxes

HOUZZ_HEADERS = {
    "X-HOUZZ-API-SSL-TOKEN": HOUZZ_CREDENTIALS["token"],
    "X-HOUZZ-API-USER-NAME": HOUZZ_CREDENTIALS["username"],
    "X-HOUZZ-API-APP-NAME": HOUZZ_CREDENTIALS["app_name"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=1_000)
    parser.add_argument("--updates", type=int, default=2_000)
    args = parser.parse_args()
    pair = start_sandboxes()
    rows: list[dict[str, Any]] = []
    try:
        pair.seed(args.variants, seed=1)
        pair.set_faults("qbc", rate_limit={"limit": 1_000_000, "window_s": 300})
        pair.control("houzz", "orders", {"count": args.orders})
        houzz = httpx.Client(base_url=pair.houzz_url, headers=HOUZZ_HEADERS, timeout=60)
        qbc = httpx.Client(base_url=pair.qbc_url, timeout=60,
                           headers={"Authorization": f"Bearer {QBC_TOKEN}"})
        rows.append(_measure("Houzz getOrders, 1000 per page", args.orders // 1000 or 1, lambda i:
                    houzz.get("/api", params={"format": "json", "method": "getOrders",
                                              "Status": "All", "Start": i * 1000,
                                              "NumberOfItems": 1000})))
        skus = [v["SKU"] for v in pair._control.get(f"{pair.houzz_url}/_sandbox/listings")
                .json()["listings"]][: args.updates]
        body = "<UpdateInventoryRequest><SKU>{}</SKU><Action>update</Action>" \
               "<Quantity>3</Quantity></UpdateInventoryRequest>"
        with ThreadPoolExecutor(16) as pool:
            rows.append(_measure("Houzz updateInventory, 16 threads", len(skus), lambda i:
                        houzz.post("/api", params={"format": "xml", "method": "updateInventory"},
                                   content=body.format(skus[i])), pool))
        pages = -(-args.variants // 250)
        rows.append(_measure("QBC GET /variants, 250 per page", pages, lambda i:
                    qbc.get("/variants", params={"limit": 250, "page": i + 1})))
        variant = qbc.get("/variants", params={"limit": 1}).json()["variants"][0]["id"]
        order = {"order": {"issued_at": "2026-11-28", "status": "active",
                           "company": {"name": "Bench Buyer", "company_type": "consumer"},
                           "shipping_address": {"address1": "1 Main St", "city": "Austin"},
                           "order_line_items": [{"variant_id": variant, "quantity": "1"}]}}
        rows.append(_measure("QBC POST /orders", 500, lambda i: qbc.post("/orders", json=order)))
    finally:
        pair.stop()
    report("sandbox_throughput", "Sandbox throughput (loopback, one process)", rows)


def _measure(name: str, count: int, call: Any, pool: ThreadPoolExecutor | None = None
             ) -> dict[str, Any]:
    with stopwatch() as timing:
        responses = list(pool.map(call, range(count))) if pool else [call(i) for i in
                                                                     range(count)]
    failures = sum(1 for r in responses if r.status_code >= 300)
    return {"call": name, "requests": count, "failures": failures,
            "wall_s": timing["wall_s"], "requests_per_s": count / timing["wall_s"]}


if __name__ == "__main__":
    main()
