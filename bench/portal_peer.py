"""PostGraphile v4 over the same PostgreSQL tables, driven like our server (bench/portal.py)."""

from __future__ import annotations

from pathlib import Path

PEER_DIR = Path(__file__).with_name(".peer")


async def compare(url: str, args, results) -> None:
    print("\npeer: PostGraphile (not yet)")
