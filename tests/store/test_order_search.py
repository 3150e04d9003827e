"""`search_orders` on SQLite and PostgreSQL: each key of the search box, the filters, paging."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from orderbridge.model import OrderLine, OrderStatus, Party
from orderbridge.store import Store
from orderbridge.store.order_search import OrderQuery, search_orders
from orderbridge.store.orders import DownloadedOrder, get_order, insert_downloaded
from orderbridge.store.tables import Order
from tests.store.factories import canonical, houzz_payload


def _order(session: Session, integration_id: int, channel_id: str, *, first: str, last: str,
           sku: str, day: int, warehouse_sku: str | None = None) -> Order:
    order = canonical(channel_id, f"R{channel_id}").model_copy(update={
        "ship_to": Party(first_name=first, last_name=last, country="US"),
        "order_date": datetime(2024, 3, day, 12, tzinfo=UTC),
        "items": (OrderLine(line_no=1, item="SHIP-FEE", quantity=Decimal(1), price=Decimal(5),
                            extended_amount=Decimal(5), line_type="shipping"),
                  OrderLine(line_no=2, item=sku, warehouse_sku=warehouse_sku,
                            quantity=Decimal(1), price=Decimal(9), extended_amount=Decimal(9))),
    })
    [(order_id, _)] = insert_downloaded(session, integration_id, [DownloadedOrder(
        channel_id, houzz_payload(channel_id), order, "Charged")]).values()
    found = get_order(session, order_id)
    assert found is not None
    return found


def _refs(session: Session, integration_id: int, **query: object) -> list[str | None]:
    rows, total = search_orders(session, integration_id, OrderQuery(**query))  # type: ignore[arg-type]
    assert total == len(rows)
    return [row.cust_ref for row in rows]


def test_one_box_finds_ids_names_and_skus(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        _order(session, integration_id, "1001", first="Ada", last="Lovelace", sku="HZ-CHAIR",
               day=1)
        _order(session, integration_id, "2002", first="Grace", last="Hopper", sku="LAMP_50%",
               day=2, warehouse_sku="QBC-LAMP")
        _order(session, integration_id, "3003", first="Alan", last="Turing", sku="HZ-TABLE",
               day=3)
    with store.session() as session:
        assert _refs(session, integration_id, text="r2002") == ["R2002"]  # cust_ref, any case
        assert _refs(session, integration_id, text="300") == ["R3003"]  # Houzz OrderId
        assert _refs(session, integration_id, text="grace hop") == ["R2002"]  # full name
        assert _refs(session, integration_id, text="LOVELACE") == ["R1001"]
        assert _refs(session, integration_id, text="hz-") == ["R3003", "R1001"]  # SKU, newest 1st
        assert _refs(session, integration_id, text="qbc-lamp") == ["R2002"]  # aliased SKU
        assert _refs(session, integration_id, text="50%") == ["R2002"]
        assert _refs(session, integration_id, text="%lamp") == []  # % is a character
        assert _refs(session, integration_id, text="_") == ["R2002"]  # so is _
        assert _refs(session, integration_id, text="ship-fee") == ["R3003", "R2002", "R1001"]
        assert _refs(session, integration_id, text="nobody") == []
        assert _refs(session, integration_id, text="  ") == ["R3003", "R2002", "R1001"]


def test_status_dates_and_pages(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        for day in range(1, 8):
            order = _order(session, integration_id, f"{day}00", first="B", last=f"N{day}",
                           sku=f"S{day}", day=day)
            if day % 2 == 0:
                order.status = OrderStatus.AT_WMS
    with store.session() as session:
        assert _refs(session, integration_id, status=OrderStatus.AT_WMS) == ["R600", "R400",
                                                                              "R200"]
        assert _refs(session, integration_id, status=[OrderStatus.NEW], text="n7") == ["R700"]
        assert _refs(session, integration_id, ordered_from=datetime(2024, 3, 3, tzinfo=UTC),
                     ordered_before=datetime(2024, 3, 5, tzinfo=UTC)) == ["R400", "R300"]
        query = OrderQuery(ordered_from=datetime(2024, 3, 2, tzinfo=UTC))
        first, total = search_orders(session, integration_id, query, limit=4)
        second, again = search_orders(session, integration_id, query, limit=4, offset=4)
        assert (total, again) == (6, 6)
        assert [o.cust_ref for o in first + second] == [f"R{d}00" for d in range(7, 1, -1)]
        assert search_orders(session, integration_id + 1, OrderQuery()) == ([], 0)
