"""orderbridge's log lines: text for a person at a terminal, or one JSON object per line for a
log pipeline (``ORDERBRIDGE_LOG_FORMAT=json``), each saying which integration, job and order it
is about where that is known, and never holding a secret.

``configure_logging(settings)`` sets up the ``orderbridge`` logger once per process (the CLI
calls it at start; calling it again replaces its handler, never adds a second one). Lines go
to the process's stderr as it is when each line is written.

Context: `runtime.jobs.run_job` holds ``log_context(integration=..., job=...)`` while a job
runs; every line logged meanwhile, in that thread, carries them (contextvars: a thread started
inside a job without copying the context, such as a lease's renewer, does not). A line about
one order adds ``extra={"order_id": ...}``. In JSON the fields are ``time``, ``level``,
``logger``, ``message``, then ``integration``, ``integration_id``, ``job``, ``order_id`` when
known, and ``exc_info`` for a traceback.

Secrets: the code never logs one (it logs ``crypto.mask`` tails). `RedactSecrets` is the last
line of defence behind that: it rewrites, before any line is written, whatever looks like a
bearer token, an orderbridge API token, a Fernet key or a JWT, and the value after any field
named like a secret (``token``, ``password``, ``secret``, ``api_key``, ``authorization``, ...),
in the message, the extra fields and the traceback alike.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any, TextIO

from pythonjsonlogger.json import JsonFormatter

from orderbridge.crypto import mask
from orderbridge.settings import Settings

LOGGER = "orderbridge"
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(message)s"

_NOTHING: Mapping[str, Any] = MappingProxyType({})
_context: ContextVar[Mapping[str, Any]] = ContextVar("orderbridge_log_context",
                                                    default=_NOTHING)


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Every line logged in the block (in this thread or task) carries ``fields``; fields of
    an enclosing block stay unless given again. ``None`` values are left out."""
    known = {key: value for key, value in fields.items() if value is not None}
    token = _context.set(MappingProxyType({**_context.get(), **known}))
    try:
        yield
    finally:
        _context.reset(token)


class ContextFilter(logging.Filter):
    """Adds the fields of the current `log_context` to each record that has not its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


_SECRET_NAME = r"[\w-]*(?:token|password|passwd|secret|api[_-]?key|authorization|cookie)[\w-]*"
_PATTERNS = (
    # Authorization: Bearer abc / Basic abc (the scheme stays, the credential goes)
    re.compile(r"(?i)\b(bearer|basic)(\s+)([A-Za-z0-9._~+/=-]{4,})"),
    # token=abc, "password": "abc", 'X-HOUZZ-API-SSL-TOKEN': 'abc', secret: abc
    re.compile(rf"(?i)\b({_SECRET_NAME})(\\?[\"']?\s*[:=]\s*\\?[\"']?)([^\s\"'\\,;&}}\]]+)"),
    # orderbridge API tokens, Fernet keys, JWTs: recognisable wherever they are
    re.compile(r"()()\b(obt_[A-Za-z0-9_-]{16,})"),
    re.compile(r"()()(?<![A-Za-z0-9_-])([A-Za-z0-9_-]{43}=)"),
    re.compile(r"()()\b(eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)"),
)


def _hidden(match: re.Match[str]) -> str:
    value = match.group(3)
    if value.lower() in ("bearer", "basic"):  # "Authorization: Bearer" with its value masked
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}{mask(value)}"


def redact(text: str) -> str:
    """``text`` with whatever looks like a secret masked (`crypto.mask`: at most its last 4
    characters stay)."""
    for pattern in _PATTERNS:
        text = pattern.sub(_hidden, text)
    return text


_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message",
                                                                               "asctime"}


class RedactSecrets(logging.Filter):
    """Masks secrets in the message and the extra fields of each record (see `redact`); the
    formatters of `configure_logging` mask tracebacks too."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        for key, value in vars(record).items():
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, redact(value))
        return True


class _TextFormatter(logging.Formatter):
    def formatException(self, ei: Any) -> str:
        return redact(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return redact(super().formatStack(stack_info))


class _JsonFormatter(JsonFormatter):
    def formatException(self, ei: Any) -> str:
        return redact(str(super().formatException(ei)))

    def formatStack(self, stack_info: str) -> str:
        return redact(str(super().formatStack(stack_info)))


def json_formatter() -> logging.Formatter:
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, then the
    context fields."""
    return _JsonFormatter("{levelname}{name}{message}", style="{", timestamp="time",
                          rename_fields={"levelname": "level", "name": "logger"})


class _Stderr(logging.StreamHandler[TextIO]):
    """Writes to ``sys.stderr`` as it is at each line (a test or a runner may swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def configure_logging(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """Log ``orderbridge.*`` lines at ``settings.log_level`` in ``settings.log_format`` to
    ``stream`` (default: stderr), through the context and redaction filters; the handler."""
    logger = logging.getLogger(LOGGER)
    for old in [h for h in logger.handlers if getattr(h, "_orderbridge", False)]:
        logger.removeHandler(old)
    handler: logging.StreamHandler[TextIO] = (_Stderr() if stream is None
                                              else logging.StreamHandler(stream))
    handler._orderbridge = True  # type: ignore[attr-defined]
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactSecrets())
    handler.setFormatter(json_formatter() if settings.log_format == "json"
                         else _TextFormatter(TEXT_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(settings.log_level)
    return handler
