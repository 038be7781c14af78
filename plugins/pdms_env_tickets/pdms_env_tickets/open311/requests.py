"""Service requests over Open311: reading tickets, and reports becoming tickets."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pdms_core.plugin import (
    Actor,
    PlaceSearch,
    UserError,
    UserErrors,
    core_tables,
    search_places,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_env_tickets.lists import (
    ABANDONED_VEHICLE,
    CHANNEL,
    FLY_TIPPING,
    LAND_TYPE,
    SIZE,
    STATUS,
    TICKET_TYPE,
    WASTE_TYPE,
)
from pdms_env_tickets.models import Ticket, TicketEvent
from pdms_env_tickets.open311.definitions import STRING_LIMIT, attributes_for
from pdms_env_tickets.open311.formats import Open311Error, w3_datetime
from pdms_env_tickets.services import tickets
from pdms_env_tickets.services.codes import load_lists, values_by_code

PLACE = core_tables.place
LOOKUP = core_tables.lookup_value
TEAM = core_tables.team
LONDON = ZoneInfo("Europe/London")
MAX_RESULTS = 1000
DEFAULT_DAYS = 90
#: Attribute codes the UK sites send beside a definition's; kept as sent.
EXTRA_LIMIT = 500
#: Places of core's address search looked at for an address_string given alone.
ADDRESS_CANDIDATES = 10
WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Form:
    """A POSTed form: single values and ``attribute[...]`` answers (repeated keys kept)."""

    values: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, pairs: Sequence[tuple[str, str]]) -> Form:
        form = cls()
        for key, value in pairs:
            if key.startswith("attribute[") and key.endswith("]"):
                form.attributes.setdefault(key[10:-1], []).append(value)
            else:
                form.values.setdefault(key, value)
        return form

    def get(self, key: str) -> str:
        return (self.values.get(key) or "").strip()


def _float(value: str, name: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise Open311Error(400, f"{name} must be a number.") from None


def _uprn(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and len(value) <= 12 else None


async def _answers(session: AsyncSession, form_kind: str | None, form: Form) -> dict[str, str]:
    """The definition's attributes answered, validated; 400 naming the first bad one."""
    answers: dict[str, str] = {}
    for attribute in await attributes_for(session, form_kind):
        given = [v.strip() for v in form.attributes.get(attribute.code, []) if v.strip()]
        if len(given) > 1:
            raise Open311Error(400, f"attribute[{attribute.code}] takes one value.")
        if not given:
            if attribute.required:
                raise Open311Error(400, f"attribute[{attribute.code}] is required.")
            continue
        value = given[0]
        if attribute.datatype == "singlevaluelist":
            if value not in {key for key, _ in attribute.values}:
                raise Open311Error(
                    400, f"attribute[{attribute.code}]: '{value[:40]}' is not one of its values."
                )
        elif len(value) > STRING_LIMIT:
            raise Open311Error(
                400, f"attribute[{attribute.code}] is at most {STRING_LIMIT} characters."
            )
        answers[attribute.code] = value
    return answers


def _extra(form: Form, declared: Collection[str]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for code, values in form.attributes.items():
        if code not in declared:
            kept = [v[:EXTRA_LIMIT] for v in values]
            extra[code] = kept[0] if len(kept) == 1 else kept
    for name in ("media_url", "device_id", "account_id", "address_string"):
        if form.get(name):
            extra[name] = form.get(name)[:EXTRA_LIMIT]
    return extra


def _address_words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


async def place_by_address(session: AsyncSession, address: str) -> int:
    """The one known property ``address`` names, through core's address search: of the
    best matches, the only one whose address holds every word given (as the gazetteer
    spells it: "Ln" is not "Lane"). 400 saying why otherwise (none, or several)."""
    wanted = _address_words(address)
    try:
        page = await search_places(
            session, PlaceSearch(text=address[:EXTRA_LIMIT]), first=ADDRESS_CANDIDATES, after=None
        )
    except UserError as error:
        raise Open311Error(400, f"address_string: {error.message}") from None
    found = [p.id for p in page.rows if wanted <= _address_words(p.single_line_address or "")]
    if len(found) == 1:
        return found[0]
    if not found:
        raise Open311Error(
            400, "address_string matches no known property; give lat and long instead."
        )
    more = "+" if len(found) == ADDRESS_CANDIDATES else ""
    raise Open311Error(
        400,
        f"address_string matches {len(found)}{more} known properties; give lat and long, "
        "or the full address of one.",
    )


async def submit(
    session: AsyncSession,
    actor: Actor,
    form: Form,
    *,
    channel: str,
    known_modules: Collection[str],
) -> Ticket:
    """A POSTed report as a ticket (and case and demand); the same ``fixmystreet_id``
    from the same key again gets the ticket made the first time."""
    code = form.get("service_code")
    if not code:
        raise Open311Error(400, "service_code is required.")
    await load_lists(session, (TICKET_TYPE, STATUS, SIZE, LAND_TYPE, WASTE_TYPE, CHANNEL))
    kind = (await values_by_code(session, TICKET_TYPE)).get(code)
    if kind is None:
        raise Open311Error(404, f"There is no service '{code[:40]}'.")
    site_id = (form.attributes.get("fixmystreet_id") or [""])[0].strip()
    external_id = f"{actor.id}:{site_id}"[:100] if site_id else None
    if external_id is not None:
        earlier = await session.scalar(select(Ticket).where(Ticket.external_id == external_id))
        if earlier is not None:
            return earlier
    latitude, longitude = _float(form.get("lat"), "lat"), _float(form.get("long"), "long")
    uprn = _uprn((form.attributes.get("uprn") or [""])[0]) or _uprn(form.get("address_id"))
    if uprn is not None:
        known = await session.scalar(select(PLACE.c.id).where(PLACE.c.uprn == uprn))
        uprn = uprn if known is not None else None  # an unknown UPRN: the point decides
    place_id = None
    if (latitude is None or longitude is None) and uprn is None:
        if not form.get("address_string"):
            raise Open311Error(
                400,
                "Give lat and long, the address_id or attribute[uprn] of a known property, "
                "or its address_string.",
            )
        place_id = await place_by_address(session, form.get("address_string"))
        latitude = longitude = None
    form_kind = (kind.data or {}).get("form")
    answers = await _answers(session, form_kind, form)
    new = tickets.NewTicket(
        type_code=code,
        description=form.get("description"),
        channel_code=channel,
        uprn=uprn,
        place_id=place_id,
        latitude=latitude,
        longitude=longitude,
        location_description=form.get("address_string")[:500],
        reporter_name=" ".join(p for p in (form.get("first_name"), form.get("last_name")) if p),
        reporter_email=form.get("email"),
        reporter_phone=form.get("phone"),
        external_id=external_id,
        extra=_extra(form, answers),
        with_token=True,
    )
    if form_kind == FLY_TIPPING and answers:
        new.fly_tipping = tickets.FlyTipping(
            answers.get("size"), answers.get("land_type"), answers.get("waste_type")
        )
    if form_kind == ABANDONED_VEHICLE and answers:
        new.vehicle = tickets.Vehicle(
            registration=answers.get("registration", ""),
            make=answers.get("make", ""),
            colour=answers.get("colour", ""),
            tax_status=answers.get("tax_status", ""),
            dangerous=answers.get("dangerous") == "yes",
        )
    try:
        return await tickets.report_ticket(session, actor, new, known_modules=known_modules)
    except UserErrors as errors:
        raise Open311Error(400, " ".join(e.message for e in errors.errors)) from None
    except UserError as error:
        raise Open311Error(400, error.message) from None


def _expected(ticket_due: Any) -> datetime | None:
    if ticket_due is None:
        return None
    return datetime.combine(ticket_due, time(17, 0), tzinfo=LONDON)


async def _status_notes(session: AsyncSession, ticket_ids: Sequence[int]) -> dict[int, str]:
    notes: dict[int, str] = {}
    if not ticket_ids:
        return notes
    rows = await session.execute(
        select(TicketEvent.ticket_id, TicketEvent.note)
        .where(
            TicketEvent.ticket_id.in_(ticket_ids),
            TicketEvent.public.is_(True),
            TicketEvent.note != "",
        )
        .order_by(TicketEvent.at, TicketEvent.id)
    )
    for ticket_id, note in rows:
        notes[ticket_id] = note  # the latest wins
    return notes


def _select() -> Any:
    kind = LOOKUP.alias("kind")
    return (
        select(
            Ticket.id,
            Ticket.reference,
            Ticket.is_open,
            Ticket.description,
            Ticket.reported_at,
            Ticket.updated_at,
            Ticket.due_on,
            Ticket.latitude,
            Ticket.longitude,
            Ticket.location_description,
            Ticket.extra,
            Ticket.open311_token,
            kind.c.code.label("service_code"),
            kind.c.label.label("service_name"),
            PLACE.c.single_line_address,
            PLACE.c.uprn,
            PLACE.c.postcode,
            TEAM.c.name.label("team_name"),
        )
        .join(kind, kind.c.id == Ticket.type_id)
        .outerjoin(PLACE, PLACE.c.id == Ticket.place_id)
        .outerjoin(TEAM, TEAM.c.id == Ticket.team_id)
    )


def _document(row: Any, notes: dict[int, str], agency: str) -> dict[str, Any]:
    extra = row.extra or {}
    return {
        "service_request_id": row.reference,
        "status": "open" if row.is_open else "closed",
        "status_notes": notes.get(row.id),
        "service_name": row.service_name,
        "service_code": row.service_code,
        "description": row.description,
        "agency_responsible": row.team_name or agency,
        "service_notice": None,
        "requested_datetime": w3_datetime(row.reported_at),
        "updated_datetime": w3_datetime(row.updated_at),
        "expected_datetime": w3_datetime(_expected(row.due_on)),
        "address": row.single_line_address or row.location_description or None,
        "address_id": None if row.uprn is None else str(row.uprn),
        "zipcode": row.postcode,
        "lat": row.latitude,
        "long": row.longitude,
        "media_url": extra.get("media_url"),
    }


async def _documents(session: AsyncSession, statement: Any, agency: str) -> list[dict[str, Any]]:
    rows = (await session.execute(statement)).all()
    notes = await _status_notes(session, [row.id for row in rows])
    return [_document(row, notes, agency) for row in rows]


async def find_requests(
    session: AsyncSession,
    *,
    ids: Sequence[str],
    service_codes: Sequence[str],
    statuses: Sequence[str],
    start: datetime | None,
    end: datetime | None,
    agency: str,
) -> list[dict[str, Any]]:
    """GET requests: by id (unknown ids ignored; the other filters then do not apply),
    or by service codes, statuses and a requested-date window (default the last 90 days,
    at most 90 days), newest first, at most 1,000."""
    statement = _select()
    if ids:
        statement = statement.where(Ticket.reference.in_(list(ids)[:MAX_RESULTS]))
        return await _documents(session, statement.order_by(Ticket.id), agency)
    bad = [s for s in statuses if s not in ("open", "closed")]
    if bad:
        raise Open311Error(400, "status is open or closed.")
    if end is None:
        end = datetime.now(UTC) if start is None else start + timedelta(days=DEFAULT_DAYS)
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS)
    if start > end:
        raise Open311Error(400, "start_date is after end_date.")
    if end - start > timedelta(days=DEFAULT_DAYS):
        raise Open311Error(400, "The date range may not span more than 90 days.")
    statement = statement.where(Ticket.reported_at.between(start, end))
    if service_codes:
        kinds = await values_by_code(session, TICKET_TYPE)
        type_ids = [kinds[c].id for c in service_codes if c in kinds]
        statement = statement.where(Ticket.type_id.in_(type_ids))
    if len(set(statuses)) == 1:
        statement = statement.where(Ticket.is_open.is_(statuses[0] == "open"))
    statement = statement.order_by(Ticket.reported_at.desc(), Ticket.id.desc()).limit(MAX_RESULTS)
    return await _documents(session, statement, agency)


async def one_request(session: AsyncSession, reference: str, agency: str) -> dict[str, Any]:
    found = await _documents(session, _select().where(Ticket.reference == reference), agency)
    if not found:
        raise Open311Error(404, "There is no such service request.")
    return found[0]


async def by_token(session: AsyncSession, token: str) -> dict[str, Any]:
    reference = await session.scalar(select(Ticket.reference).where(Ticket.open311_token == token))
    if reference is None:
        raise Open311Error(404, "There is no such token.")
    return {"service_request_id": reference, "token": token}


async def updates(
    session: AsyncSession, *, start: datetime | None, end: datetime | None
) -> list[dict[str, Any]]:
    """Public changes (status changes and public notes) in a window, oldest first, at most
    1,000; each with its ticket's status after it, as the reporting sites' codes."""
    statuses = {
        v.id: (v.data or {}).get("open311") or v.code.upper()
        for v in (await values_by_code(session, STATUS)).values()
    }
    statement = (
        select(TicketEvent, Ticket.reference)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.public.is_(True), TicketEvent.kind != "created")
    )
    if start is not None:
        statement = statement.where(TicketEvent.at >= start)
    if end is not None:
        statement = statement.where(TicketEvent.at <= end)
    rows = await session.execute(
        statement.order_by(TicketEvent.at, TicketEvent.id).limit(MAX_RESULTS)
    )
    return [
        {
            "update_id": str(event.id),
            "service_request_id": reference,
            "status": statuses.get(event.status_id, "OPEN"),
            "updated_datetime": w3_datetime(event.at),
            "description": event.note,
            "media_url": None,
        }
        for event, reference in rows
    ]
