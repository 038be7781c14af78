"""Letter purposes of the access process: the stage letters, held by the servicing job."""

from __future__ import annotations

from typing import Any

from pdms_core.plugin import (
    PLACE_LETTER_FIELDS,
    Actor,
    LetterField,
    LetterPurpose,
    MissingField,
    place_letter_fields,
)
from sqlalchemy.ext.asyncio import AsyncSession

JOB_FIELDS = (
    LetterField("job_reference", "The servicing job's reference.", example="GAS-1024"),
    LetterField("due_date", "The date the home's check is due.", example="31 March 2027"),
    LetterField("no_access_visits", "How many visits found nobody in.", example="2"),
    *PLACE_LETTER_FIELDS,
)

PURPOSES = (
    ("appointment_letter_1", "Appointment letter 1", "The first letter offering an appointment."),
    ("appointment_letter_2", "Appointment letter 2", "The second letter, after no reply."),
    ("final_warning", "Final warning", "The last letter before forced entry or an injunction."),
)


async def job_letter_fields(
    session: AsyncSession, job_id: int, actor: Actor, settings: Any
) -> dict[str, Any]:
    from pdms_gas_electric.models import Home, Job

    job = await session.get(Job, job_id)
    if job is None:
        return {}
    home = await session.get(Home, job.home_id)
    return {
        "job_reference": f"{job.kind.upper()}-{job.id}",
        "due_date": job.due_on or MissingField("the home has no check due date"),
        "no_access_visits": str(job.no_access_count),
        **await place_letter_fields(session, home.place_id if home else None),
    }


def letter_purposes() -> list[LetterPurpose]:
    return [
        LetterPurpose(
            code=f"gas_electric.{use}",
            label=label,
            description=description,
            holder="GasElectricJob",
            fields=JOB_FIELDS,
            provide=job_letter_fields,
        )
        for use, label, description in PURPOSES
    ]
