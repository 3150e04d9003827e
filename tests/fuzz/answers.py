"""A remote's whole answer, fuzzed: the status, the headers that shape how the body is read,
and the body; served by a loopback `HostileFront` whose one rule answers every request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from hypothesis import strategies as st

from tests.fuzz.mangling import Body, mostly
from tests.hostile_front import Answer, HostileFront, Rule

ODD_STATUSES = [201, 400, 401, 403, 404, 422, 429, 500, 502, 503, 301]
_CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "text/html",
                  "text/xml", "application/octet-stream", ""]
ODD_ENCODINGS = ["gzip", "deflate", "identity", "br"]


@dataclass(frozen=True)
class Reply:
    """One answer: a status, a body and its headers."""

    status: int
    body: Body
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def plain(self) -> bool:
        """A 200 whose body is read as it is sent (no Content-Encoding claimed)."""
        return self.status == 200 and "Content-Encoding" not in self.headers

    def answer(self) -> Answer:
        return Answer(self.status, self.body.data, self.headers)


@st.composite
def replies(draw: st.DrawFn, bodies: st.SearchStrategy[Body],
            extra_headers: st.SearchStrategy[dict[str, str]] | None = None) -> Reply:
    status = draw(mostly(st.just(200), st.sampled_from(ODD_STATUSES)))
    headers: dict[str, str] = {}
    content_type = draw(st.sampled_from(_CONTENT_TYPES))
    if content_type:
        headers["Content-Type"] = content_type
    encoding = draw(mostly(st.just(""), st.sampled_from(ODD_ENCODINGS)))
    if encoding:
        headers["Content-Encoding"] = encoding
    if status == 301:
        headers["Location"] = draw(st.sampled_from(["https://elsewhere.example/api", "/x"]))
    if extra_headers is not None:
        headers.update(draw(extra_headers))
    return Reply(status, draw(bodies), headers)


@contextmanager
def answering_front() -> Iterator[HostileFront]:
    """A loopback front with no upstream: every request meets the rule `answer_with` set."""
    front = HostileFront("http://127.0.0.1:9")
    try:
        yield front
    finally:
        front.close()


def answer_with(front: HostileFront, reply: Reply) -> None:
    front.clear()
    front.add(Rule(lambda seen: True, reply.answer()))
