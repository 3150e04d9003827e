"""cust_ref: short, deterministic, within the rules, unique, never reused."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderbridge.workflows.cust_ref_rules import CHARSETS, CustRefRules
from orderbridge.workflows.orders.cust_ref import candidates


def make_cust_ref(order_id: str, rules: CustRefRules, is_taken: Callable[[str], bool]) -> str:
    """The first candidate not taken, as the store's reservation takes them."""
    return next(candidate for candidate in candidates(order_id, rules) if not is_taken(candidate))


def test_houzz_order_id_fits_as_is() -> None:
    assert make_cust_ref("1656-9927-9120-7805", CustRefRules(), lambda _: False) == (
        "1656-9927-9120-7805")


def test_same_id_gives_same_reference() -> None:
    rules = CustRefRules(max_length=10)
    first = make_cust_ref("1656-9927-9120-7805", rules, lambda _: False)
    assert first == make_cust_ref("1656-9927-9120-7805", rules, lambda _: False)
    assert len(first) == 10


def test_collision_takes_the_next_free_reference() -> None:
    rules = CustRefRules(max_length=10)
    taken: set[str] = set()
    refs = []
    for _ in range(3):
        ref = make_cust_ref("1656-9927-9120-7805", rules, taken.__contains__)
        taken.add(ref)
        refs.append(ref)
    assert len(set(refs)) == 3
    assert all(len(ref) <= 10 for ref in refs)


def test_prefix_is_kept_and_checked() -> None:
    ref = make_cust_ref("1656-9927-9120-7805", CustRefRules(prefix="HZ-"), lambda _: False)
    assert ref.startswith("HZ-") and len(ref) <= 20
    with pytest.raises(ValueError, match="outside"):
        CustRefRules(prefix="H Z", charset="alnum")


@given(order_id=st.text(min_size=0, max_size=60),
       max_length=st.integers(min_value=8, max_value=30),
       charset=st.sampled_from(sorted(CHARSETS)))
def test_any_id_gives_a_reference_within_the_rules(order_id: str, max_length: int,
                                                   charset: str) -> None:
    rules = CustRefRules(max_length=max_length, charset=charset)
    taken: set[str] = set()
    for _ in range(3):
        ref = make_cust_ref(order_id, rules, taken.__contains__)
        assert ref not in taken
        assert 0 < len(ref) <= max_length
        assert re.fullmatch(f"[{CHARSETS[charset]}]+", ref)
        taken.add(ref)
