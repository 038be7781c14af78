"""Services (ticket types) and their definitions: the attributes a report may carry.

A type's ``form`` decides its attributes: fly-tipping asks for the national return's
size, land type and waste type (from the council's lists), an abandoned vehicle for its
registration, make, colour, tax status and whether it is dangerous.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pdms_env_tickets.lists import (
    ABANDONED_VEHICLE,
    FLY_TIPPING,
    LAND_TYPE,
    SIZE,
    TICKET_TYPE,
    WASTE_TYPE,
)
from pdms_env_tickets.services.codes import values_by_code
from pdms_env_tickets.services.tickets import TAX_STATUSES

STRING_LIMIT = 60


@dataclass(frozen=True)
class Attribute:
    code: str
    description: str
    datatype: str  # string or singlevaluelist
    values: tuple[tuple[str, str], ...] = ()
    required: bool = False

    def document(self, order: int) -> dict[str, Any]:
        return {
            "variable": True,
            "code": self.code,
            "datatype": self.datatype,
            "required": self.required,
            "datatype_description": None,
            "order": order,
            "description": self.description,
            "values": [("value", {"key": key, "name": name}) for key, name in self.values],
        }


async def _list(session: AsyncSession, set_code: str) -> tuple[tuple[str, str], ...]:
    return tuple((v.code, v.label) for v in (await values_by_code(session, set_code)).values())


async def attributes_for(session: AsyncSession, form: str | None) -> list[Attribute]:
    if form == FLY_TIPPING:
        return [
            Attribute(
                "size", "How much was dumped?", "singlevaluelist", await _list(session, SIZE)
            ),
            Attribute(
                "land_type",
                "What land is it on?",
                "singlevaluelist",
                await _list(session, LAND_TYPE),
            ),
            Attribute(
                "waste_type",
                "What is mostly in it?",
                "singlevaluelist",
                await _list(session, WASTE_TYPE),
            ),
        ]
    if form == ABANDONED_VEHICLE:
        taxes = tuple(
            (code, code.upper() if code == "sorn" else code.capitalize()) for code in TAX_STATUSES
        )
        return [
            Attribute("registration", "Registration number", "string"),
            Attribute("make", "Make", "string"),
            Attribute("colour", "Colour", "string"),
            Attribute("tax_status", "Tax status", "singlevaluelist", taxes),
            Attribute(
                "dangerous",
                "Is it dangerous (burnt out, leaking, open)?",
                "singlevaluelist",
                (("yes", "Yes"), ("no", "No")),
            ),
        ]
    return []


async def service_list(session: AsyncSession) -> list[dict[str, Any]]:
    rows = []
    for kind in (await values_by_code(session, TICKET_TYPE)).values():
        data = kind.data or {}
        rows.append(
            {
                "service_code": kind.code,
                "service_name": kind.label,
                "description": kind.label,
                "metadata": data.get("form") in (FLY_TIPPING, ABANDONED_VEHICLE),
                "type": "realtime",
                "keywords": data.get("keywords") or "",
                "group": data.get("group") or "",
            }
        )
    return rows


async def definition(session: AsyncSession, kind: Any) -> dict[str, Any]:
    attributes = await attributes_for(session, (kind.data or {}).get("form"))
    return {
        "service_code": kind.code,
        "attributes": [
            ("attribute", attribute.document(order))
            for order, attribute in enumerate(attributes, start=1)
        ],
    }
