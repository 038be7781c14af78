"""What a module declares so a merge can move its references to a person.

Kept free of ORM and GraphQL imports: plugin entry-point modules import it (through
``pdms_core.plugin``) for every ``pdms`` command.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PersonReference:
    """Columns of one table that hold a ``person.id``.

    When people are merged, every row whose ``columns`` name a merged person is changed
    to name the survivor, and the old value is kept in the merge's snapshot so an
    un-merge can put it back. ``where`` narrows the rows to those whose other columns
    hold these constant values (documents name their holder by type and id, so core
    declares ``where=(("holder_type", "Person"),)``). With ``distinct``, the columns
    must never name the same person twice: a row the merge would make do so (a
    relationship between the two people merged) is deleted, and kept in the snapshot.
    A row whose move would break one of the table's unique constraints (the survivor
    is already a party to that case in that role) is deleted and kept the same way.

    Example::

        PersonReference(table="rent_arrears_account", columns=("person_id",))
    """

    table: str
    columns: tuple[str, ...] = ("person_id",)
    where: tuple[tuple[str, str], ...] = ()
    distinct: bool = False
