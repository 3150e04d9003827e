"""The Connections screen: Houzz and QBC setup with Test and Save (what `orderbridge connect`
does), QBC by OAuth, the integration's settings with their bounds, another integration, resume.

Every handler parses the form, calls the workflow the CLI calls (`workflows.connect`,
`workflows.qbc_oauth`, `workflows.settings_edit`, `workflows.integration_names`) and renders:
a refused field re-renders the page (400) with the message next to it and what was typed,
secrets excepted; a test's answer or a save is a flash after a redirect.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from orderbridge.connectors.check import CheckResult
from orderbridge.crypto import SecretBox, SecretKeyError
from orderbridge.errors import OrderbridgeError, UsageError
from orderbridge.settings import Settings
from orderbridge.store import integrations
from orderbridge.store.integrations import DEFAULT_INTEGRATION
from orderbridge.web.auth import store_of
from orderbridge.web.connections_view import connections_of
from orderbridge.web.pages import page_router
from orderbridge.web.qbc_webhook_route import delivery_address
from orderbridge.web.templating import flash, render
from orderbridge.workflows import qbc_oauth
from orderbridge.workflows.connect import (
    Connected,
    InvalidFields,
    connect,
    houzz_connection,
    qbc_connection,
    saved_values,
    test_connection,
    test_saved,
    typed_or_saved,
)
from orderbridge.workflows.connect import resume as resume_integration
from orderbridge.workflows.context import opened_context
from orderbridge.workflows.integration_names import create_integration
from orderbridge.workflows.qbc_tokens import is_oauth
from orderbridge.workflows.qbc_webhooks.registration import register_webhooks
from orderbridge.workflows.settings_edit import apply_settings

router = page_router()
PAGE = "/connections"
_PENDING = "qbc_oauth"
_IN_FIELDS = "in the fields below"
Text = Annotated[str, Form()]


def _box(request: Request) -> SecretBox:
    settings = request.app.state.settings
    assert isinstance(settings, Settings)
    return SecretBox.from_settings(settings)


def _back(name: str) -> RedirectResponse:
    return RedirectResponse(f"{PAGE}?{urlencode({'integration': name})}", 303)


def _page(request: Request, status: int = 200, *, errors: dict[str, str] | None = None,
          typed: dict[str, str] | None = None, panel: str | None = None) -> Response:
    with store_of(request).session() as session:
        view = connections_of(request, session, _box(request),
                              typed=typed if panel == "settings" else None,
                              errors=errors if panel == "settings" else None)
    return render(request, "connections/index.html", status_code=status, view=view,
                  errors=errors or {}, typed=typed or {}, panel=panel)


def _kept(typed: dict[str, str], refused: InvalidFields) -> dict[str, str]:
    """What was typed, to show again, less what was refused: a refused base URL may hold a
    password (user:pass@host), and nothing that might be a secret is echoed."""
    return {key: value for key, value in typed.items()
            if key.removeprefix("oauth_") not in refused.fields}


def _say(request: Request, system: str, result: CheckResult, saved: Connected | None) -> None:
    """The test's answer as the CLI prints it: the summary, what to fix, what was found."""
    if result.ok:
        what = "connected and saved" if saved is not None and saved.saved else "test passed"
        flash(request, f"{system}: {what}: {result.summary}.")
        for key, value in result.details.items():
            flash(request, f"{key}: {value}", "info")
        if saved is not None and saved.was_paused:
            flash(request, "The integration was paused; it runs again.")
        return
    tail = " (nothing saved)" if saved is not None else ""
    flash(request, f"{system}: {result.summary}{tail}.", "error")
    for problem in result.problems:
        flash(request, problem, "error")


@router.get(PAGE)
def connections(request: Request) -> Response:
    return _page(request)


@router.post(f"{PAGE}/houzz")
def houzz(request: Request, integration: Text = DEFAULT_INTEGRATION, token: Text = "",
          username: Text = "", app_name: Text = "", base_url: Text = "",
          step: Text = "test") -> Response:
    store, box = store_of(request), _box(request)
    typed = {"username": username, "app_name": app_name, "base_url": base_url}
    try:
        secret = typed_or_saved(store, box, integration, "houzz", token)
        connection = houzz_connection(secret, username, app_name, base_url or None,
                                      credentials=_IN_FIELDS)
        saved = connect(store, box, integration, connection) if step == "save" else None
    except InvalidFields as exc:
        return _page(request, 400, errors=exc.fields, typed=_kept(typed, exc), panel="houzz")
    except (UsageError, SecretKeyError) as exc:
        return _page(request, 400, errors={"houzz": str(exc)}, typed=typed, panel="houzz")
    result = saved.result if saved is not None else test_connection(connection)
    _say(request, "Houzz", result, saved)
    return _back(integration)


@router.post(f"{PAGE}/qbc")
def qbc(request: Request, integration: Text = DEFAULT_INTEGRATION, token: Text = "",
        base_url: Text = "", location_id: Text = "", step: Text = "test") -> Response:
    store, box = store_of(request), _box(request)
    typed = {"base_url": base_url, "location_id": location_id}
    try:
        saved_oauth = is_oauth(saved_values(store, box, integration, "qbc") or {})
        if step == "test" and not token.strip() and saved_oauth:
            _say(request, "QuickBooks Commerce",
                 test_saved(store, request.app.state.settings, integration, "qbc"), None)
            return _back(integration)
        secret = typed_or_saved(store, box, integration, "qbc", token)
        connection = qbc_connection(secret, base_url or None, location_id,
                                    credentials=_IN_FIELDS)
        saved = connect(store, box, integration, connection) if step == "save" else None
    except InvalidFields as exc:
        return _page(request, 400, errors=exc.fields, typed=_kept(typed, exc), panel="qbc")
    except (UsageError, SecretKeyError) as exc:
        return _page(request, 400, errors={"qbc": str(exc)}, typed=typed, panel="qbc")
    result = saved.result if saved is not None else test_connection(connection)
    _say(request, "QuickBooks Commerce", result, saved)
    return _back(integration)


@router.post(f"{PAGE}/qbc/oauth")
def qbc_oauth_start(request: Request, integration: Text = DEFAULT_INTEGRATION,
                    client_id: Text = "", client_secret: Text = "",
                    base_url: Text = "") -> Response:
    store, box = store_of(request), _box(request)
    typed = {"client_id": client_id, "oauth_base_url": base_url}
    try:
        pending, url = qbc_oauth.start(store, box, integration, client_id, client_secret,
                                       base_url or None,
                                       str(request.url_for("qbc_oauth_callback")))
    except InvalidFields as exc:
        fields = {("oauth_base_url" if key == "base_url" else key): message
                  for key, message in exc.fields.items()}
        return _page(request, 400, errors=fields, typed=_kept(typed, exc), panel="oauth")
    except (UsageError, SecretKeyError) as exc:
        return _page(request, 400, errors={"oauth": str(exc)}, typed=typed, panel="oauth")
    request.session[_PENDING] = qbc_oauth.seal(box, pending)
    return RedirectResponse(url, 303)


@router.get(f"{PAGE}/qbc/oauth/callback", name="qbc_oauth_callback")
def qbc_oauth_callback(request: Request, code: str = "", state: str = "", error: str = "",
                       error_description: str = "") -> Response:
    store, box = store_of(request), _box(request)
    sealed = request.session.pop(_PENDING, None)
    try:
        pending = qbc_oauth.unseal(box, sealed, state)
    except UsageError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(PAGE, 303)
    if error or not code:
        flash(request, "QuickBooks Commerce did not approve the app: "
                       f"{error_description or error or 'no code came back'}.", "error")
        return _back(pending.integration)
    done = qbc_oauth.finish(store, box, pending, code)
    _say(request, "QuickBooks Commerce (OAuth)", done.result, done)
    if done.saved:
        _register_webhooks(request, pending)
    return _back(pending.integration)


def _register_webhooks(request: Request, pending: qbc_oauth.PendingOAuth) -> None:
    """An app connected by OAuth gets its webhooks at once (QBC signs them with the app's
    secret, which the hub now holds). A refusal leaves the connection as saved: polling carries
    on, and the flash says how to try again."""
    settings = request.app.state.settings
    public_url = settings.public_url or str(request.base_url).rstrip("/")
    try:
        with opened_context(store_of(request), settings, pending.integration) as ctx:
            done = register_webhooks(ctx, delivery_address(public_url, ctx.name),
                                     pending.client_secret)
    except OrderbridgeError as exc:
        option = ("" if pending.integration == DEFAULT_INTEGRATION
                  else f" --integration {pending.integration}")
        flash(request, f"QBC webhooks could not be registered: {exc}. Polling carries on "
                       "(shipments and stock are read on their schedules); to try again: "
                       f"orderbridge webhooks register --url {public_url}{option}", "warn")
        return
    flash(request, f"QBC webhooks registered at {done.address}")


@router.post(f"{PAGE}/settings")
async def settings(request: Request) -> Response:
    form = await request.form()
    name = str(form.get("integration", DEFAULT_INTEGRATION))
    submitted = {key: value for key, value in form.items()
                 if isinstance(value, str) and key not in ("integration", "csrf_token")}
    with store_of(request).begin() as session:
        row = integrations.get_or_create_integration(session, name) if (
            name == DEFAULT_INTEGRATION) else integrations.get_integration(session, name)
        errors = {"settings": f"there is no integration named {name!r}"} if row is None else (
            apply_settings(session, row.id, submitted))
    if errors:
        return _page(request, 400, errors=errors, typed=submitted, panel="settings")
    flash(request, f"Settings of {name!r} saved.")
    return _back(name)


@router.post(f"{PAGE}/integrations")
def new_integration(request: Request, name: Text = "") -> Response:
    try:
        with store_of(request).begin() as session:
            create_integration(session, name)
    except UsageError as exc:
        return _page(request, 400, errors={"name": str(exc)}, typed={"name": name},
                     panel="integration")
    flash(request, f"Integration {name!r} created: connect Houzz and QuickBooks Commerce.")
    return _back(name)


@router.post(f"{PAGE}/resume")
def resume(request: Request, integration: Text = DEFAULT_INTEGRATION) -> Response:
    with store_of(request).begin() as session:
        row = integrations.get_integration(session, integration)
        resumed = row is not None and resume_integration(session, row)
    flash(request, f"Integration {integration!r} resumed." if resumed
          else f"Integration {integration!r} is not paused.")
    return _back(integration)
