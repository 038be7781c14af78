"""A throwaway database for one benchmark run: PostgreSQL when PDMS_BENCH_POSTGRES_URL
names a server (created and dropped there), otherwise a SQLite file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from pdms_core.testing.database import throwaway_database

POSTGRES = "PDMS_BENCH_POSTGRES_URL"


@asynccontextmanager
async def bench_database() -> AsyncIterator[str]:
    """The URL of an empty database, removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        backend = "postgresql" if os.environ.get(POSTGRES) else "sqlite"
        async with throwaway_database(backend, os.environ.get(POSTGRES), Path(folder)) as url:
            yield url
