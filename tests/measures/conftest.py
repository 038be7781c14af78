"""The measures suite's given: a small fictional council (see dataset.py)."""

from __future__ import annotations

import pytest

from measures.dataset import Dataset, build
from pdms_core.measures.filters import MeasureFilter


@pytest.fixture
async def council(pdms_db, pdms_host) -> Dataset:
    return await build(pdms_db, pdms_host)


@pytest.fixture
def measure(pdms_db, pdms_host, council):
    """Compute a measure by name through the service: ``await measure(name, **filter)``."""
    from pdms_core.measures.services import compute_measure

    async def run(name: str, **criteria):
        async with pdms_db.sessionmaker() as session:
            table = await compute_measure(session, pdms_host, name, MeasureFilter(**criteria))
        return [dict(zip([c.name for c in table.columns], row, strict=True)) for row in table.rows]

    return run
