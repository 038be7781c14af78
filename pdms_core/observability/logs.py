"""Log output: JSON lines for log shippers, or plain text for a person at a terminal."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from pdms_core.settings import Settings

TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure_logging(settings: Settings) -> None:
    """Send PDMS's and uvicorn's logs to stderr in the format settings choose.

    Uvicorn's access log is replaced by PDMS's own request line (``pdms.request``),
    which knows the GraphQL operation, the caller's kind and the statement count.
    """
    handler = logging.StreamHandler(sys.stderr)
    if settings.resolved_log_format == "json":
        handler.setFormatter(
            JsonFormatter(JSON_FIELDS, rename_fields={"levelname": "level", "name": "logger"})
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("alembic").setLevel(logging.WARNING)
