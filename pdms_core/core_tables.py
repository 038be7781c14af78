"""Handles on the core tables a module may read, so no module names core tables itself.

A module joins its own rows to people, places, staff names and lookup values in SQL
(one statement instead of a loader round trip). It reads these tables through
``pdms_core.plugin.core_tables`` and never writes them: core's services own every
change (``open_case``, ``add_demand``, the people mutations). Core keeps the columns
listed here stable across minor versions; the rest may change.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table

from pdms_core.auth.models import StaffUser, Team, TeamMembership
from pdms_core.cases.models import CaseParty, CasePlace, CaseRecord
from pdms_core.demands.models import Demand
from pdms_core.lookups.models import LookupSet, LookupValue
from pdms_core.people.models import ExternalReference, Person, PersonAddress
from pdms_core.places.models import Place


@dataclass(frozen=True)
class CoreTables:
    """Read-only handles, each with the columns a module may rely on."""

    #: id, title, forenames, surname, date_of_birth, archived_at
    person: Table
    #: id, uprn, single_line_address, postcode
    place: Table
    #: id, person_id, type_id (``external_reference_type`` list), value
    external_reference: Table
    #: id, person_id, place_id, role_id (``address_role`` list: ``home`` is where they
    #: live), from_date, to_date (null while current)
    person_address: Table
    #: id, display_name, is_active (never the sign-in columns)
    staff_user: Table
    #: id, reference, module, status_id, team_id, officer_id, opened_on, closed_on
    case_record: Table
    #: id, case_id, person_id, role_id
    case_party: Table
    #: id, case_id, place_id
    case_place: Table
    #: id, case_id, module, type_id, category_id, nature, channel_id, received_on, resolved_on
    demand: Table
    #: id, module, code, name, is_active
    team: Table
    #: id, team_id, user_id
    team_membership: Table
    #: id, code, label
    lookup_set: Table
    #: id, set_id, parent_id, code, label, data, is_active, sort_order
    lookup_value: Table


core_tables = CoreTables(
    person=Person.__table__,
    place=Place.__table__,
    external_reference=ExternalReference.__table__,
    person_address=PersonAddress.__table__,
    staff_user=StaffUser.__table__,
    case_record=CaseRecord.__table__,
    case_party=CaseParty.__table__,
    case_place=CasePlace.__table__,
    demand=Demand.__table__,
    team=Team.__table__,
    team_membership=TeamMembership.__table__,
    lookup_set=LookupSet.__table__,
    lookup_value=LookupValue.__table__,
)
