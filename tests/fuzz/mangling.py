"""Bodies a remote or a client may send instead of a good one: the good one with bytes
flipped, dropped or inserted, cut short, or something else entirely (random bytes, an HTML
page, an empty body). Each comes with the name of what was done to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from hypothesis import strategies as st

T = TypeVar("T")
ODD_BODIES = (b"", b"null", b"[]", b"{}", b"<html><body>Bad gateway</body></html>",
              b'{"Ack": "Success"', b"\xef\xbb\xbf{}", b"\x00" * 64, b"true", b"1e999",
              b'"just a string"', b"NaN")


@dataclass(frozen=True)
class Body:
    """A body and how it was made: ``intact`` bodies are the good document unchanged."""

    data: bytes
    how: str

    @property
    def intact(self) -> bool:
        return self.how == "intact"


@st.composite
def _mutated(draw: st.DrawFn, good: bytes) -> bytes:
    data = bytearray(good)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        operation = draw(st.sampled_from(["flip", "drop", "insert"]))
        if operation == "insert" or not data or position == len(data):
            data[position:position] = draw(st.binary(min_size=1, max_size=4))
        elif operation == "drop":
            del data[position:position + draw(st.integers(1, 8))]
        else:
            data[position] = draw(st.integers(0, 255))
    return bytes(data)


@st.composite
def mangled(draw: st.DrawFn, good: st.SearchStrategy[bytes]) -> Body:
    """The good body (six times in ten), or a damaged one, or something else."""
    how = draw(mostly(st.just("intact"), st.sampled_from(["mutated", "truncated", "random",
                                                          "odd"]), in_ten=6))
    if how == "random":
        return Body(draw(st.binary(max_size=300)), how)
    if how == "odd":
        return Body(draw(st.sampled_from(ODD_BODIES)), how)
    document = draw(good)
    if how == "mutated":
        return Body(draw(_mutated(document)), how)
    if how == "truncated":
        return Body(document[:draw(st.integers(0, max(len(document) - 1, 0)))], how)
    return Body(document, how)


def mostly(common: st.SearchStrategy[T], odd: st.SearchStrategy[T],
           in_ten: int = 8) -> st.SearchStrategy[T]:
    """``common`` ``in_ten`` times in ten, else ``odd`` (``a | b`` draws each half the time,
    which leaves too few sound cases to see the accepted path)."""
    return st.integers(0, 9).flatmap(lambda roll: common if roll < in_ten else odd)
