"""Running ``pdms`` commands in-process against a test host."""

from __future__ import annotations

import asyncio
from typing import Any

from click.testing import CliRunner, Result

from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState


async def run_pdms(host: Any, *args: str, exit_code: int | None = 0) -> Result:
    """``pdms ARGS`` on ``host``'s database, in a worker thread (the CLI runs its own
    event loop); asserts the exit code unless ``exit_code`` is None."""
    result = await asyncio.to_thread(
        CliRunner().invoke, build_cli(CliState.for_host(host)), list(args)
    )
    if exit_code is not None:
        assert result.exit_code == exit_code, (result.output, result.exception)
    return result
