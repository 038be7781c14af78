"""The one switch between the fast executor and strawberry's own: ``PDMS_EXECUTOR``.

``fast`` (the default) is everything PDMS adds to graphql-core's execution for a
portal page's thousands of fields: direct resolvers (``direct_resolvers.py``), leaf
reads without graphql-core's per-field machinery, the planned completion of root
query fields (``planned.py``) and, for the root fields the plan gives up on, the
look-ahead (``prefetch.py``). ``stock`` is none of it: strawberry's execution context
and resolvers as strawberry builds them, with the dataloaders. Either way the
security rules hold, because they are not part of the speed-up:

- every object type's read guard (``type_guards.py``), applied in
  ``complete_object_value``;
- the audit's note of the mutation root fields the executor runs
  (``audit/recorder.py``).

``stock`` is there to compare against (``tests/problems/test_executor_oracle.py``
requires the two to answer every generated query alike) and to fall back on should a new
graphql-core or strawberry release break the fast executor's reliance on their
internals (``compat.py``), which is checked when the schema is built.
"""

from __future__ import annotations

from typing import Any

from pdms_core.audit.recorder import RootFieldsNoted
from pdms_core.graphql import compat
from pdms_core.graphql.direct_resolvers import use_direct_resolvers
from pdms_core.graphql.planned import PlannedExecutionContext
from pdms_core.graphql.type_guards import GuardedExecutionContext, guard_type_reads

FAST = "fast"
STOCK = "stock"
EXECUTORS = (FAST, STOCK)


class StockExecutionContext(RootFieldsNoted, GuardedExecutionContext):
    """strawberry's execution context, plus only what the security rules need: the
    types' read guards and the audit's root fields (see the module docstring)."""


def execution_context_class(executor: str) -> type:
    """The execution context the schema runs with for ``PDMS_EXECUTOR=executor``."""
    if executor == FAST:
        return PlannedExecutionContext
    if executor == STOCK:
        return StockExecutionContext
    raise ValueError(f"PDMS_EXECUTOR must be one of {', '.join(EXECUTORS)}, not {executor!r}")


def install(schema: Any, executor: str) -> None:
    """Fit a freshly built schema for ``executor``: check the library internals it
    relies on, make resolvers direct (``fast`` only) and attach the read guards."""
    fast = executor == FAST
    context_class = schema.execution_context_class
    if context_class is not execution_context_class(executor):
        raise TypeError(f"the schema's execution context is not the {executor} one")
    if not issubclass(context_class, RootFieldsNoted):
        raise TypeError("the audit needs an execution context that notes root fields")
    compat.check_executor(fast=fast)
    compat.check_strawberry(fast=fast)
    if fast:
        use_direct_resolvers(schema)
    guard_type_reads(schema)
