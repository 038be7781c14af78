"""Property: an enquiry is returned exactly when the reach rule allows it.

Random callers (each member, an officer, a co-ordinator, a stranger, an API key; any
mix of the read, read-all, ward and export permissions, read-all council-wide or only
within a team) list, search, open by id and export the same enquiries; every path must
return exactly the set an independent statement of the rule gives.
"""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from member_portal_support import change, submitted
from pdms_core.plugin import Actor, ActorKind
from sqlalchemy import func, select

from pdms_member_portal.models import Enquiry

READ = "member_portal.enquiry.read"
READ_ALL = "member_portal.enquiry.read_all"
READ_WARD = "member_portal.enquiry.read_ward"
EXPORT = "member_portal.enquiry.export"
LIST = "{ memberPortalEnquiries(first: 100) { edges { node { reference } } } }"
SEARCH = """
query($s: String!) {
  memberPortalEnquiries(first: 100, filters: {surname: $s}) { edges { node { reference } } }
}
"""
NODE = "query($id: ID!) { node(id: $id) { ... on MemberPortalEnquiry { reference } } }"
EXPORT_CSV = "{ memberPortalExport(format: CSV) }"
WHO = ("member", "neighbour", "other", "officer", "coordinator", "stranger")

callers = st.fixed_dictionaries(
    {
        "who": st.sampled_from(WHO),
        "kind": st.sampled_from([ActorKind.USER, ActorKind.USER, ActorKind.API_KEY]),
        "perms": st.sets(st.sampled_from([READ, READ_ALL, READ_WARD, EXPORT])),
        "read_all_in_team": st.booleans(),
    }
)


def _actor(drawn, ids) -> Actor:
    perms = frozenset(drawn["perms"])
    everywhere = perms
    grants = frozenset()
    if READ_ALL in perms and drawn["read_all_in_team"]:
        everywhere = perms - {READ_ALL}
        grants = frozenset({(READ_ALL, 1)})
    user_id = ids.get(drawn["who"], 987_654)
    prefix = "user" if drawn["kind"] is ActorKind.USER else "key"
    return Actor(
        kind=drawn["kind"],
        id=f"{prefix}:{user_id}",
        display_name="Prop",
        permissions=perms,
        global_permissions=everywhere,
        team_grants=grants,
    )


def _expected(drawn, enquiries) -> set[str]:
    perms = drawn["perms"]
    if READ not in perms:
        return set()
    if READ_ALL in perms and not drawn["read_all_in_team"]:
        return {e["reference"] for e in enquiries}
    if drawn["kind"] is not ActorKind.USER:
        return set()
    who = drawn["who"]
    wards = {"member": "north", "neighbour": "north", "other": "south"}
    seen = set()
    for e in enquiries:
        own = e["by"] == who or who in e["officers"]
        ward = READ_WARD in perms and who in wards and wards[who] == e["ward"]
        if own or ward:
            seen.add(e["reference"])
    return seen


async def _build(graphql, world):
    made = []
    plan = [("member", "north"), ("member", "north"), ("neighbour", "north"), ("other", "south")]
    for who, ward in plan:
        actor = getattr(world, who)
        enquiry = await submitted(
            graphql, actor, personId=world.person, residentConsent=True, placeId=world.place
        )
        made.append({**enquiry, "by": who, "ward": ward, "officers": set()})
    target = made[3]
    done = await change(
        graphql,
        world.coordinator,
        "memberPortalAssign",
        "",
        id=target["id"],
        expectedVersion=target["version"],
        leadOfficerId=world.officer_id,
    )
    assert done["errors"] == []
    target["officers"].add("officer")
    return made


def _refs(result, field) -> set[str] | None:
    if result.errors:
        return None
    return {e["node"]["reference"] for e in result.data[field]["edges"]}


STATE: dict = {}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=callers)
async def test_every_path_returns_exactly_what_the_rule_allows(drawn, pdms_db, graphql, world):
    async with pdms_db.sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(Enquiry))
    if count == 0:
        STATE["enquiries"] = await _build(graphql, world)
    enquiries = STATE["enquiries"]
    ids = {who: int(getattr(world, who).id.split(":")[1]) for who in WHO[:5]}
    actor = _actor(drawn, ids)
    expected = _expected(drawn, enquiries)
    client = graphql.as_actor(actor)

    listed = _refs(await client.execute(LIST), "memberPortalEnquiries")
    searched = _refs(await client.execute(SEARCH, {"s": "Resident"}), "memberPortalEnquiries")
    if READ not in drawn["perms"]:
        assert listed is None and searched is None
    else:
        assert listed == expected
        assert searched == expected
    by_id = set()
    for e in enquiries:
        result = await client.execute(NODE, {"id": e["id"]})
        if not result.errors and result.data["node"]:
            by_id.add(result.data["node"]["reference"])
    assert by_id == expected
    exported = await client.execute(EXPORT_CSV)
    if EXPORT in drawn["perms"]:
        rows = list(csv.reader(io.StringIO(exported.data["memberPortalExport"])))
        assert {row[0] for row in rows[1:]} == expected, drawn
    else:
        assert exported.errors
