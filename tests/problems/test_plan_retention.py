"""A field the fast executor cannot plan is remembered per document, without its request.

When the plan gives up on a field (here the dummy module's ``DummyWidget.label``, a
resolver with an argument and no prefetch, as a module may write), the document's
shared plan remembers that, so the next request goes straight to graphql-core. What it
remembers must not be the exception that was raised: its traceback's frames hold the
request's context, its caller and the rows, for as long as the plan is cached.
"""

from __future__ import annotations

import gc

from pdms_core.auth.actor import SYSTEM
from pdms_core.graphql.context import RequestContext
from pdms_core.graphql.node import global_id
from pdms_core.testing.actors import staff

QUERY = "query($w: ID!) { node(id: $w) { ... on DummyWidget { name label(shout: true) } } }"


async def test_an_unplanned_field_keeps_no_finished_request_alive(graphql_under, pdms_db):
    from pdms_dummy import services

    async with pdms_db.sessionmaker() as session, session.begin():
        widget = await services.create_widget(session, SYSTEM, name="Kept Widget", place_id=None)
    reader = graphql_under("fast").as_actor(staff("dummy.widget.read"))
    for _ in range(2):  # planned (and given up on) once, then served from the plan cache
        answer = await reader.execute(QUERY, {"w": global_id("DummyWidget", widget.id)})
        assert answer.ok()["node"]["label"] == "KEPT WIDGET"
    del answer
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, RequestContext)]
    assert alive == []
