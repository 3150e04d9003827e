"""The shape of the code: each remote API's wire is spelled out in its connector only.

Workflows, the store, the runtime and the CLI call typed verbs and get typed records; a QBC
path or envelope key, or a Houzz method name or envelope key, anywhere else means a workflow
talks to the wire behind its connector's back. (The sandboxes speak both wires: they are the
other side. The demo drives them as the warehouse and the buyers do.) Docstrings may name
them; code may not. The web app has paths of its own that read like QBC's (``/orders``): there
only the QBC envelope keys and headers count, and every Houzz name.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import orderbridge

PACKAGE = Path(orderbridge.__file__).parent
WIRE_OWNERS = ("connectors/qbc", "connectors/houzz", "sandbox", "cli/demo")
QBC_KEYS = (r"^(order_line_items|fulfillment_line_items|X-Pagination|Idempotency-Key"
            r"|X-Rate-Limit-\w+|reference_number\[\]|updated_at_min)$")
QBC_WIRE = re.compile(
    r"^/(orders|variants|fulfillments|accounts|locations|webhooks|companies|addresses|products)"
    r"\b|" + QBC_KEYS)
WEB_APP = "web/"
"""The web app's own routes look like QBC paths; its strings are checked against the keys."""
HOUZZ_WIRE = re.compile(
    r"^(getOrders|getOrder|updateOrder|getListings|getListing|updateInventory|OrderItems"
    r"|TotalListingCount|ShippingMethod|TrackingNumber|X-HOUZZ-API-[\w-]+)$")


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string constants that are docstrings."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def wire_strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    skip = _docstrings(tree)
    qbc = (re.compile(QBC_KEYS) if str(path.relative_to(PACKAGE)).startswith(WEB_APP)
           else QBC_WIRE)
    return [f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in skip
            and (qbc.search(node.value) or HOUZZ_WIRE.search(node.value))]


def test_no_wire_outside_the_connectors() -> None:
    modules = [path for path in PACKAGE.rglob("*.py")
               if not str(path.relative_to(PACKAGE)).startswith(WIRE_OWNERS)]
    assert len(modules) > 50
    assert [found for path in modules for found in wire_strings(path)] == []


def test_the_check_sees_the_wire_where_it_is() -> None:
    """The check is not vacuous: the connectors do spell out their wire."""
    qbc = [found for path in (PACKAGE / "connectors/qbc").glob("*.py")
           for found in wire_strings(path)]
    houzz = [found for path in (PACKAGE / "connectors/houzz").glob("*.py")
             for found in wire_strings(path)]
    assert any("'/orders'" in found for found in qbc)
    assert any("'getOrders'" in found for found in houzz)
