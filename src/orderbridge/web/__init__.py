"""The web app: server-rendered pages for merchants, and the REST API under ``/api/v1``.

    browser ──session cookie + CSRF──▶ pages/*   ─┐
    program ──Authorization: Bearer──▶ api/*     ─┼─▶ workflows / store (the CLI's functions)
                                                  ┘
Modules: ``app`` (the factory: middleware, routers, error pages), ``auth`` (who is asking:
sessions, tokens, the login guard), ``csrf`` (the form token), ``session_key`` (the cookie
signing key, a file in the home), ``templating`` (Jinja2 and what every page gets), ``pages``
(one router per screen), ``api`` (one router per resource). Route handlers hold no business
logic: they parse, call the same functions the CLI calls, and render.
"""
