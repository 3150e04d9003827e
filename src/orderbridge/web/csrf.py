"""The CSRF token: one random value per session, put in every form (``csrf_token``) and checked
on every unsafe request of the pages (the synchronizer-token pattern, OWASP's first choice). The
API needs none: it takes no cookies, only a bearer token a foreign site cannot send."""

from __future__ import annotations

import secrets

from fastapi import HTTPException, Request

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token(request: Request) -> str:
    """The session's token, made on first use."""
    token = request.session.get(FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[FIELD] = token
    return token


async def csrf_protected(request: Request) -> None:
    """A router dependency: an unsafe request must carry the session's token (form field or
    header), else 403."""
    if request.method not in UNSAFE:
        return
    expected = request.session.get(FIELD)
    sent = request.headers.get(HEADER)
    if sent is None:
        form = await request.form()  # cached: the handler's Form(...) reads the same
        value = form.get(FIELD)
        sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or sent is None or not secrets.compare_digest(sent,
                                                                                   expected):
        raise HTTPException(403, "This form has expired or did not come from orderbridge. "
                                 "Go back, reload the page and send it again.")
