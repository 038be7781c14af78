"""The module's entries on core's place timeline: jobs, gas safety records and EICRs.

Each builder is one indexed lookup (the home by its unique place, then the records by
their home) that core folds into the timeline's single statement.
"""

from __future__ import annotations

from typing import Any

from pdms_core.plugin import Actor
from sqlalchemy import select

from pdms_gas_electric.models import Eicr, GasCheck, Home, Job


def jobs_at_place(actor: Actor, place_id: int) -> Any:
    """A servicing job goes on the day it was opened."""
    return (
        select(Job.id, Job.opened_on)
        .join(Home, Home.id == Job.home_id)
        .where(Home.place_id == place_id)
    )


def checks_at_place(actor: Actor, place_id: int) -> Any:
    """A gas safety record goes on the day of the check."""
    return (
        select(GasCheck.id, GasCheck.checked_on)
        .join(Home, Home.id == GasCheck.home_id)
        .where(Home.place_id == place_id)
    )


def eicrs_at_place(actor: Actor, place_id: int) -> Any:
    """An EICR goes on the day of the inspection."""
    return (
        select(Eicr.id, Eicr.inspected_on)
        .join(Home, Home.id == Eicr.home_id)
        .where(Home.place_id == place_id)
    )
