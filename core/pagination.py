"""Keyset ("seek") pagination: page N costs the same as page 1, even at a million rows.

The list is ordered by a unique key tuple (e.g. pinyin, id); a page link carries the last key seen
instead of an offset, so PostgreSQL walks an index from there instead of counting rows to skip.
Keys are field names, with "-" for descending, as in order_by().
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.dateparse import parse_datetime

M = TypeVar("M", bound=Model)


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


#: A cursor is a few keys; anything longer was not made by `_encode`.
MAX_CURSOR_LENGTH = 2000
#: PostgreSQL's bigint: a larger number in a cursor would be an error in the query.
_BIGINT = 2**63 - 1


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} in a cursor")  # Infinity, -Infinity, NaN


def _plain(value: Any) -> bool:
    """A key value `_encode` could have written: a string without NUL (PostgreSQL refuses it),
    a bigint, a finite number. Lists and objects (a nested cursor) are not keys."""
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -_BIGINT <= value <= _BIGINT
    return isinstance(value, float) and math.isfinite(value)


def _decode_value(value: Any) -> Any:
    """A key value as `_key` wrote it: datetimes ("dt:") and dates ("d:") come back as such."""
    if isinstance(value, str) and value.startswith("dt:"):
        return parse_datetime(value[3:])
    if isinstance(value, str) and value.startswith("d:"):
        return dt.date.fromisoformat(value[2:])  # a forged date: ValueError, no cursor
    return value


def _decode(token: str, size: int) -> list[Any] | None:
    """The key values of a cursor, or None for anything `_encode` did not write: a cursor is
    user input, and a forged one (Infinity, 1e999, a huge number, deep nesting, a NUL) means
    "start from the beginning", never a 500."""
    if len(token) > MAX_CURSOR_LENGTH:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        values = json.loads(
            base64.urlsafe_b64decode(padded.encode()), parse_constant=_refuse_constant
        )
        if not isinstance(values, list) or len(values) != size or not all(map(_plain, values)):
            return None
        decoded = [_decode_value(v) for v in values]
    except (ValueError, TypeError, RecursionError, OverflowError):
        return None
    return None if any(v is None for v in decoded) else decoded


def _flip(key: str) -> str:
    return key[1:] if key.startswith("-") else f"-{key}"


def _beyond(keys: tuple[str, ...], values: list[Any]) -> Q:
    """Rows after `values` in the order `keys`, lexicographically.

    The leading non-strict bound on the first key is redundant logically but lets PostgreSQL
    start an index range scan at the cursor instead of filtering from the start of the index.
    """
    names = [k.lstrip("-") for k in keys]
    condition = Q()
    for i, key in enumerate(keys):
        strict = "lt" if key.startswith("-") else "gt"
        condition |= Q(**{names[j]: values[j] for j in range(i)}) & Q(
            **{f"{names[i]}__{strict}": values[i]}
        )
    loose = "lte" if keys[0].startswith("-") else "gte"
    return Q(**{f"{names[0]}__{loose}": values[0]}) & condition


def _key(obj: Model, keys: tuple[str, ...]) -> list[Any]:
    values: list[Any] = []
    for key in keys:
        value: Any = obj
        for part in key.lstrip("-").split("__"):
            value = getattr(value, part)
        if isinstance(value, dt.datetime):
            value = "dt:" + value.isoformat()
        elif isinstance(value, dt.date):
            value = "d:" + value.isoformat()
        values.append(value)
    return values


def _filtered(
    queryset: QuerySet[M], keys: tuple[str, ...], values: list[Any] | None
) -> QuerySet[M] | None:
    """`queryset` past the cursor, or None when there is no usable cursor.

    A cursor is user input: values of the wrong type (a forged or stale link) are not an error
    worth a 500, they mean "start from the beginning".
    """
    if values is None:
        return None
    try:
        return queryset.filter(_beyond(keys, values))
    except (ValueError, TypeError, ValidationError):
        return None


@dataclass
class KeysetPage(Generic[M]):
    object_list: list[M]
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


#: What a page's rows are read with: the page's rows (a sliced queryset) → the queryset read.
Finish = Callable[[QuerySet[M]], QuerySet[M]]


def _rows(limited: QuerySet[M], order: tuple[str, ...], finish: Finish[M] | None) -> list[M]:
    """The rows of `limited` (ordered and sliced). With `finish`, the page's rows are read
    again by id, through `finish`: aggregates over a page's rows (counts of related rows) are
    then computed for those rows alone, after the limit, not for the whole list before it."""
    if finish is None:
        return list(limited)
    manager: Any = limited.model._default_manager
    return list(finish(manager.filter(pk__in=limited.values("pk"))).order_by(*order))


def keyset_page(
    queryset: QuerySet[M],
    *,
    keys: tuple[str, ...],
    size: int,
    after: str | None = None,
    before: str | None = None,
    finish: Finish[M] | None = None,
) -> KeysetPage[M]:
    """One page of `queryset` ordered by `keys` (the last key must be unique, e.g. "id"),
    its rows read through `finish` if given (see `_rows`): still one query."""
    before_values = _decode(before, len(keys)) if before else None
    flipped = tuple(_flip(k) for k in keys)
    before_qs = _filtered(queryset, flipped, before_values)
    if before_qs is not None:
        rows = _rows(before_qs.order_by(*flipped)[: size + 1], flipped, finish)
        more_before = len(rows) > size
        rows = list(reversed(rows[:size]))
        return KeysetPage(
            object_list=rows,
            next_cursor=_encode(_key(rows[-1], keys)) if rows else None,
            previous_cursor=_encode(_key(rows[0], keys)) if rows and more_before else None,
        )
    after_values = _decode(after, len(keys)) if after else None
    after_qs = _filtered(queryset, keys, after_values)
    if after_qs is None:
        after_values = None
    rows = _rows(
        (after_qs if after_qs is not None else queryset).order_by(*keys)[: size + 1], keys, finish
    )
    more_after = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        object_list=rows,
        next_cursor=_encode(_key(rows[-1], keys)) if rows and more_after else None,
        previous_cursor=_encode(_key(rows[0], keys)) if rows and after_values is not None else None,
    )


def keyset_context(
    request: HttpRequest,
    queryset: QuerySet[M],
    *,
    keys: tuple[str, ...],
    size: int,
    finish: Finish[M] | None = None,
) -> dict[str, Any]:
    """The page of `queryset` the request's cursor asks for, and the list's other parameters
    for its links: the context of every cursor-paged list and of `_keyset_nav.html`."""
    page = keyset_page(
        queryset,
        keys=keys,
        size=size,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        finish=finish,
    )
    query = request.GET.copy()
    query.pop("after", None)
    query.pop("before", None)
    return {"page": page, "querystring": query.urlencode()}
