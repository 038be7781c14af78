"""What ``pdms serve`` does to a server process beyond building the app."""

from __future__ import annotations

import gc

from starlette.applications import Starlette

#: Collections of the youngest generation start after this many net allocations.
#: A portal list allocates a few hundred thousand short-lived objects, nearly all
#: freed by reference counting; at CPython's default (700) the collector ran about
#: thirty times per request, and every few requests a full collection walked the
#: whole heap (schema, ORM mappings, caches): about a third of the CPU time of a
#: portal list (bench/RESULTS.md). A request leaves no cycles behind
#: (tests/problems/test_request_garbage.py), so what a young collection walks is
#: mostly the objects of requests still in flight; at 20,000 that was about 2 ms per
#: portal list at concurrency 4, at 100,000 under 0.2 ms. The cyclic garbage that
#: waits meanwhile (errors and their tracebacks) is a few megabytes at most.
YOUNG_THRESHOLD = 100_000
OLDER_THRESHOLDS = (20, 20)


def tune_garbage_collector() -> None:
    """Move what startup built out of the collector's way, and collect less often.

    ``gc.freeze()`` puts every object alive now (modules, the schema, mappings) in a
    permanent generation that full collections skip; those live as long as the
    process anyway. Cycles made while serving are still collected, only in bigger
    batches.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)


def create_served_app() -> Starlette:
    """The app for one ``pdms serve --workers`` process (uvicorn's factory)."""
    from pdms_core.app import create_app
    from pdms_core.observability.logs import configure_logging

    app = create_app()
    configure_logging(app.state.host.settings)  # a worker is a fresh process
    tune_garbage_collector()
    return app
