"""The mappings screen: aliases, shipping codes and carriers listed, added and removed; aliases
imported from an uploaded CSV (all or nothing, a bad line named) and exported again."""

from __future__ import annotations

import csv
import io

import httpx

from orderbridge.store import integrations
from tests.web.conftest import Web, csrf_of, post_form
from tests.web.flow import field_errors, flashes


def _with_integration(web: Web) -> httpx.Client:
    with web.store.begin() as session:
        integrations.get_or_create_integration(session)
    return web.logged_in()


def _upload(client: httpx.Client, name: str, content: bytes) -> httpx.Response:
    token = csrf_of(client.get("/mappings"))
    return client.post("/mappings/aliases/import", data={"csrf_token": token},
                       files={"file": (name, content, "text/csv")})


def test_aliases_add_remove_import_export(web: Web) -> None:
    client = _with_integration(web)
    added = post_form(client, "/mappings", "/mappings/aliases", channel_sku=" HZ-1 ",
                      warehouse_sku="QBC-1")
    assert added.status_code == 303
    page = client.get("/mappings")
    assert "Alias HZ-1 → QBC-1." in flashes(page)
    assert '<tr data-sku="HZ-1"><td>HZ-1</td><td>QBC-1</td>' in page.text

    long = post_form(client, "/mappings", "/mappings/aliases", channel_sku="H" * 256,
                     warehouse_sku="QBC-2")
    assert long.status_code == 400
    assert field_errors(long) == ["the channel SKU 'HHHHHHHHHHHHHHHHHHHH'... is 256 characters "
                                  "long; at most 255 fit"]
    assert 'value="QBC-2"' in long.text  # what was typed stays in the field

    good = "channel_sku,warehouse_sku\nHZ-2,QBC-2\n\"HZ,3\",\"QBC \"\"3\"\"\"\nHZ-1,QBC-1B\n"
    imported = _upload(client, "aliases.csv", good.encode())
    assert imported.status_code == 303
    assert "Imported 3 aliases from aliases.csv (2 new, 1 replaced or repeated)." in flashes(
        client.get("/mappings"))

    bad = _upload(client, "bad.csv", b"HZ-7,QBC-7\nHZ-8\nHZ-9,QBC-9\n")
    assert bad.status_code == 400
    assert field_errors(bad) == ["bad.csv line 2: expected channel_sku,warehouse_sku, got "
                                 "'HZ-8'; nothing was imported"]
    latin = _upload(client, "latin.csv", b"HZ-7,Sof\xe1\n")
    assert "latin.csv line 1: not UTF-8 text (byte 0xe1)" in field_errors(latin)[0]

    exported = client.get("/mappings/aliases.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith(
        "text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows == [["channel_sku", "warehouse_sku"], ["HZ,3", 'QBC "3"'], ["HZ-1", "QBC-1B"],
                    ["HZ-2", "QBC-2"]]
    assert "HZ-7" not in exported.text  # the bad files imported nothing

    removed = post_form(client, "/mappings", "/mappings/aliases/remove", channel_sku="HZ,3")
    assert removed.status_code == 303
    assert "Removed the alias of HZ,3." in flashes(client.get("/mappings"))
    again = post_form(client, "/mappings", "/mappings/aliases/remove", channel_sku="HZ,3")
    assert "the alias of HZ,3 was not mapped (any more)." in flashes(
        client.get(again.headers["location"]))

    round_trip = _upload(client, "export.csv", client.get("/mappings/aliases.csv").content)
    assert round_trip.status_code == 303
    assert client.get("/mappings/aliases.csv").text == exported.text.replace(
        '"HZ,3","QBC ""3"""\n', "")


def test_shipping_codes_and_carriers(web: Web) -> None:
    client = _with_integration(web)
    post_form(client, "/mappings", "/mappings/ship-methods", code="EXPEDITED",
              value="UPS 2nd Day")
    page = client.get("/mappings")
    assert '<tr data-code="EXPEDITED"><td>EXPEDITED</td><td>UPS 2nd Day</td>' in page.text
    control = post_form(client, "/mappings", "/mappings/ship-methods", code="EXP\nEDITED",
                        value="x")
    assert control.status_code == 400 and "control character U+000A" in field_errors(
        control)[0]
    post_form(client, "/mappings", "/mappings/ship-methods/remove", code="EXPEDITED")
    assert 'data-code="EXPEDITED"' not in client.get("/mappings").text

    mapped = post_form(client, "/mappings", "/mappings/carriers", name="Speedy Freight",
                       code="dhl")
    page = client.get(mapped.headers["location"])
    assert "Carrier Speedy Freight → DHL." in flashes(page)
    assert '<td>Speedy Freight</td><td>DHL</td><td>yours</td>' in page.text
    assert '<td>Federal Express</td><td>FedEx</td><td class="muted">built in</td>' in page.text
    odd = post_form(client, "/mappings", "/mappings/carriers", name="Royal Mail",
                    code="RoyalMail")
    assert "RoyalMail is not one of the Houzz carrier codes" in " ".join(
        flashes(client.get(odd.headers["location"])))
    blank = post_form(client, "/mappings", "/mappings/carriers", name="...", code="UPS")
    assert blank.status_code == 400
    assert field_errors(blank) == ["the carrier name needs at least one letter or digit"]
    post_form(client, "/mappings", "/mappings/carriers/remove", name="SPEEDY freight")
    page = client.get("/mappings")
    assert "Removed the mapping of SPEEDY freight." in flashes(page)
    assert 'data-carrier="Speedy Freight"' not in page.text
    assert 'data-carrier="Royal Mail"' in page.text


def test_forms_need_the_csrf_token(web: Web) -> None:
    client = _with_integration(web)
    refused = client.post("/mappings/aliases", data={"channel_sku": "A", "warehouse_sku": "B"})
    assert refused.status_code == 403
    assert "<tr data-sku" not in client.get("/mappings").text
