"""Reading and checking the attributes a council sets on a lookup value.

A list declares its attributes (``LookupSetSpec.attributes``); values keep them in
``data``. The API takes and gives each attribute as text, so the schema stays the same
whatever a module declares; here the text is read by the attribute's kind and
checked, and every problem is reported at once.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from pdms_core.errors import UserError, UserErrors, ValidationFailed
from pdms_core.records import LookupAttribute

FIELD = "attributes"
TRUE, FALSE = frozenset({"true", "yes", "1"}), frozenset({"false", "no", "0"})
MAX_TEXT = 200


def read_attributes(
    declared: Sequence[LookupAttribute],
    given: Mapping[str, str | None],
    *,
    codes: Collection[str],
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """``current`` with ``given`` applied (None clears an attribute), each value read
    by its kind; UserErrors naming every problem. ``codes`` are the list's codes."""
    if not declared:
        raise ValidationFailed("This list has no attributes to set.", field=FIELD)
    by_name = {attribute.name: attribute for attribute in declared}
    data = dict(current or {})
    problems: list[UserError] = []
    for name, text in given.items():
        attribute = by_name.get(name)
        if attribute is None:
            known = ", ".join(sorted(by_name))
            problems.append(ValidationFailed(f"{name!r} is not one of {known}.", field=FIELD))
            continue
        if text is None or not text.strip():
            data.pop(name, None)
            continue
        try:
            data[name] = _read(attribute, text.strip(), codes)
        except ValueError as exc:
            problems.append(ValidationFailed(f"{name}: {exc}", field=FIELD))
    if problems:
        raise UserErrors(problems)
    return data or None


def as_text(value: Any) -> str:
    """An attribute's value as the API shows it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _read(attribute: LookupAttribute, text: str, codes: Collection[str]) -> Any:
    kind = attribute.kind
    if kind == "boolean":
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise ValueError("give true or false.")
    if kind in ("integer", "number"):
        number = _number(text, whole=kind == "integer")
        if attribute.minimum is not None and number < attribute.minimum:
            raise ValueError(f"at least {as_text(attribute.minimum)}.")
        return number
    if kind == "code":
        if text not in codes:
            raise ValueError(f"{text!r} is not a code of this list.")
        return text
    if attribute.choices and text not in attribute.choices:
        raise ValueError(f"one of {', '.join(attribute.choices)}.")
    if len(text) > MAX_TEXT:
        raise ValueError(f"at most {MAX_TEXT} characters.")
    return text


def _number(text: str, *, whole: bool) -> int | float:
    try:
        number = int(text) if whole else float(text)
    except ValueError:
        raise ValueError("a whole number." if whole else "a number.") from None
    if not math.isfinite(number):
        raise ValueError("a finite number.")
    return int(number) if not whole and float(number).is_integer() else number
