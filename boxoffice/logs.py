"""Structured logs: one JSON object per line, through structlog, for our code and the libraries'.

Request-scoped fields (the request id) are bound in contextvars by the HTTP
middleware and appear on every line logged while that request runs.  What is
logged is chosen, never dumped: no bodies, headers or query strings, so no
password, token or hash can reach a log line.  Exception messages and
tracebacks are not chosen, so a last processor scrubs anything shaped like a
bcrypt hash, a JWT, a bearer credential or a rejected input from every line.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any, TextIO

import structlog

from boxoffice.log_throttle import Throttle

# asyncio logs some errors (a failed accept past the open-files limit) in a tight loop.
REPEATED_LOOP_ERROR_SECONDS = 10.0
_SHARED: list[structlog.types.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


REDACTED = "[redacted]"
_SECRETS = re.compile(
    r"\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}"  # bcrypt hash
    r"|eyJ[\w-]*\.[\w-]+\.[\w-]*"  # JWT (its header always starts {" -> eyJ)
    r"|(?i:bearer)\s+[\w.~+/=-]+"  # Authorization: Bearer <credential>
)
# pydantic's ValidationError text echoes the rejected value: ``input_value='hunter2'``.
_INPUT_VALUE = re.compile(r"""input_value=('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,\]]*)""")


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _INPUT_VALUE.sub(f"input_value={REDACTED}", _SECRETS.sub(REDACTED, value))
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def redact_secrets(
    logger: Any, method_name: str, event_dict: structlog.types.EventDict
) -> structlog.types.EventDict:
    """Scrub hashes, tokens and echoed inputs from every value, tracebacks included."""
    return {key: _scrub(value) for key, value in event_dict.items()}


def configure_logging(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """JSON lines on ``stream`` (stderr): structlog's own loggers render directly, and the
    standard library's records (aiohttp, pymongo, boxoffice modules) through the same processors.

    The direct path costs a third of a trip through ``logging`` (no LogRecord, no
    caller lookup), which matters for the access log's line per request.
    """
    stream = stream or sys.stderr
    structlog.configure(
        processors=[*_SHARED, *_RENDER],
        logger_factory=structlog.WriteLoggerFactory(stream),
        wrapper_class=structlog.make_filtering_bound_logger(level),
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*_SHARED, structlog.stdlib.ExtraAdder()],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *_RENDER],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # boxoffice.access (request_log) is the access log; aiohttp's own would log a second line
    # per request, with the query string, where a password or token may have been put.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("asyncio").filters[:] = [Throttle(REPEATED_LOOP_ERROR_SECONDS)]


_RENDER: list[structlog.types.Processor] = [
    structlog.processors.format_exc_info,
    redact_secrets,
    structlog.processors.JSONRenderer(),
]
