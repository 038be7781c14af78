"""A bounded schemathesis campaign in the suite: one generated document per root
query and mutation, per role, against the real server (see ``schemathesis_roles.py``;
run that script for a longer campaign)."""

from __future__ import annotations

from fuzz.schemathesis_roles import SKIPPED, fuzzed_operations, run

ROLES = ("anonymous", "read-only staff", "team-scoped officer", "admin", "partner key")


def test_no_role_gets_a_server_error_or_data_it_may_not_see():
    report = run(examples=1)

    assert report.failures == [], report.summary()
    # every operation ran for every role (nothing silently skipped)
    operations = len(fuzzed_operations())
    assert operations > 90 and not SKIPPED & {f"Query.{n}" for n in ("cases", "node")}
    assert {role: report.cases[role] >= operations for role in ROLES} == dict.fromkeys(ROLES, True)
