"""cust_ref: short, deterministic, within the rules, unique, never reused."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import islice

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


def first(order_id: str, rules: CustRefRules, count: int = 3) -> list[str]:
    return list(islice(candidates(order_id, rules), count))


def test_the_candidates_are_the_same_in_every_process_and_version() -> None:
    """Two workers downloading the same order must propose the same references, and so must
    the next release: the derivation is pinned here."""
    assert first("1656-9927-9120-7805", CustRefRules(max_length=10, charset="digits")) == [
        "0219607805", "0219607802", "0219607803"]
    assert first("1656-9927-9120-7805", CustRefRules(max_length=12)) == [
        "DZ6CJ20-7805", "DZ6CJ20-78-2", "DZ6CJ20-78-3"]
    assert first("###", CustRefRules()) == ["K3OG2R3TPUKV", "K3OG2R3TPUKV-2", "K3OG2R3TPUKV-3"]
    assert first("###", CustRefRules(charset="digits"), 2) == ["062589977357", "0625899773572"]


def test_dashes_at_the_ends_are_dropped_and_suffixes_follow_the_charset() -> None:
    assert first("--AB-12--", CustRefRules()) == ["AB-12", "AB-12-2", "AB-12-3"]
    assert first("ABC", CustRefRules(charset="alnum")) == ["ABC", "ABC2", "ABC3"]


def test_an_id_that_fits_exactly_is_kept_whole() -> None:
    assert first("ABCDEFGH12", CustRefRules(max_length=10), 2) == ["ABCDEFGH12", "ABCDEFGH-2"]
    assert first("ABCDEFGH123", CustRefRules(max_length=10), 1)[0] != "ABCDEFGH12"


def test_a_long_digits_only_reference_stays_digits() -> None:
    ref = first("HZ-ORDER-0000-1234-5678-9999", CustRefRules(max_length=12, charset="digits"),
                1)[0]
    assert ref.isdigit() and len(ref) == 12


def test_the_rules_refuse_what_cannot_work_and_say_why() -> None:
    with pytest.raises(ValueError, match="charset must be one of alnum-dash, alnum, digits"):
        CustRefRules(charset="emoji")
    with pytest.raises(ValueError, match="^cust_ref max length must be at least 8$"):
        CustRefRules(max_length=7)
    assert CustRefRules(max_length=8).max_length == 8
    assert CustRefRules(max_length=10, prefix="HZ-O").prefix == "HZ-O"  # 6 characters left
    no_room = "^cust_ref prefix leaves too little room for the order number$"
    with pytest.raises(ValueError, match=no_room):
        CustRefRules(max_length=10, prefix="HZ-OR")


def test_only_dashes_are_trimmed() -> None:
    assert first("XY-12-X", CustRefRules(), 1) == ["XY-12-X"]
