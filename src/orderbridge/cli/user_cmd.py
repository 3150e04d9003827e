"""`orderbridge user add|list` and `orderbridge token create|list|revoke`: who may use the web
app and the REST API. Passwords are prompted (hidden, twice) or read from ORDERBRIDGE_PASSWORD,
never taken as an argument (it would sit in the shell history); a token is printed once, at
creation, and only its hash is kept."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from orderbridge.cli.common import fail, opened_store, reports_errors, say
from orderbridge.passwords import (
    hash_password,
    new_api_token,
    token_hash,
    user_name_problem,
    weak_password_reason,
)
from orderbridge.store import users

user_app = typer.Typer(help="People who log in to the web app.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for /api/v1.", no_args_is_help=True)

PASSWORD_ENV = "ORDERBRIDGE_PASSWORD"
NameArgument = Annotated[str, typer.Argument(help="The user's (or token's) name.")]


@user_app.command("add")
@reports_errors
def user_add(name: NameArgument) -> None:
    """Add a user, or set a new password for an existing one (which logs out their sessions)."""
    problem = user_name_problem(name)
    if problem is not None:
        fail(problem)
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        try:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        except typer.Abort:  # stdin closed (a script) or Ctrl-C: say how else to give it
            fail(f"no password was typed; type it when asked, or set {PASSWORD_ENV}")
    problem = weak_password_reason(password)
    if problem is not None:
        fail(problem)
    with opened_store() as (_, store), store.begin() as session:
        _, created = users.save_user(session, name, hash_password(password))
    say(f"User {name!r} {'added' if created else 'has a new password'}.")


@user_app.command("list")
@reports_errors
def user_list() -> None:
    """Every user, with their last login."""
    with opened_store() as (_, store), store.session() as session:
        rows = users.list_users(session)
    if not rows:
        say("No user yet: orderbridge user add NAME")
    for user in rows:
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if user.last_login_at else "never"
        say(f"{user.name}  (last login: {last})")


@token_app.command("create")
@reports_errors
def token_create(name: NameArgument) -> None:
    """Make an API token and print it once: store it where your program reads it."""
    problem = user_name_problem(name)
    if problem is not None:
        fail(problem.replace("user name", "token name"))
    token = new_api_token()
    with opened_store() as (_, store), store.begin() as session:
        if users.get_token_by_name(session, name) is not None:
            fail(f"a token named {name!r} exists; revoke it first (orderbridge token revoke "
                 f"{name}) or choose another name")
        users.add_token(session, name, token_hash(token), token[:8])
    say(f"API token {name!r} (shown once; send it as Authorization: Bearer <token>):")
    typer.echo(token)


@token_app.command("list")
@reports_errors
def token_list() -> None:
    """Every token by name and first characters (the tokens themselves are not kept)."""
    with opened_store() as (_, store), store.session() as session:
        rows = users.list_tokens(session)
    if not rows:
        say("No API token yet: orderbridge token create NAME")
    for token in rows:
        used = token.last_used_at.strftime("%Y-%m-%d %H:%M UTC") if token.last_used_at else "never"
        say(f"{token.name}  {token.prefix}…  (last used: {used})")


@token_app.command("revoke")
@reports_errors
def token_revoke(name: NameArgument) -> None:
    """Revoke a token: calls with it are refused from now on."""
    with opened_store() as (_, store), store.begin() as session:
        gone = users.revoke_token(session, name)
    if not gone:
        fail(f"there is no token named {name!r} (see: orderbridge token list)")
    say(f"Token {name!r} revoked.")
