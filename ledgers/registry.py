"""The ledgers the system exports, registered by the apps that own their rows.

A ledger source (`LedgerSource`) is what a list page exports: given the user and the list's own
query string, it selects the same scoped, filtered rows the page shows (`select`) and says how
to write them (a `ledgers.writer.Ledger`). "Export" always means "these rows": the filter is the
list's filterset, applied to the list's `visible_to(user)` queryset; a value outside the user's
scope is invalid there and ignored, exactly as on the page, so editing the query string never
widens what a secretary gets.

Each feature keeps its ledgers beside its list, in a module named `ledger` in its package
(`members/register/ledger.py`, `transfers/ledger.py`) holding `LEDGERS`, a tuple of sources;
the app's `AppConfig.ready` calls `discover(self.name)`, which registers them. `ledgers` sits
left of the domain apps in the app graph and imports none of them.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db.models import Model
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.scoping import Action
from core.types import AnyUser
from core.validators import mask_id_number
from ledgers.writer import Ledger
from organizations.models import Organization
from organizations.scope import Scope, user_scope


@dataclass
class Selection:
    """What an export writes: its ledger (columns may depend on the filter: a dues year's
    months), its rows (read lazily, streamed from the database), how many, and the filter in
    words for the file's heading and the audit trail."""

    ledger: Ledger
    rows: Callable[[], Iterable[Any]]
    count: Callable[[], int]
    words: list[str] = field(default_factory=list)
    #: The organization the filter narrows to (the heading names it), if any.
    organization: Organization | None = None


class IdNumbers:
    """How an export shows ID-card numbers: masked (110***********1234), unless the export asked
    for full numbers and the user is on the member's home side (the role that may reveal one on
    the member's page: `members.access.may_reveal_id_number`)."""

    def __init__(self, scope: Scope, *, full: bool) -> None:
        self.scope = scope
        self.full = full
        self._covers: dict[str, bool] = {}

    def show(self, number: str, home_path: str) -> str:
        if not number:
            return ""
        if self.full:
            covered = self._covers.get(home_path)
            if covered is None:
                covered = self._covers[home_path] = self.scope.covers(home_path, Action.CHANGE)
            if covered:
                return number
        return mask_id_number(number)


class OrgIndex:
    """Every organization's name and path by id, read once per export when first asked (a
    province has about 5,000): rows carry their organization's id, and a ledger names it
    without a join."""

    def __init__(self) -> None:
        self._loaded: dict[int, tuple[str, str]] | None = None

    @property
    def _rows(self) -> dict[int, tuple[str, str]]:
        if self._loaded is None:
            rows = Organization.objects.order_by().values_list("id", "name", "path")
            self._loaded = {pk: (name, path) for pk, name, path in rows}
        return self._loaded

    def name(self, pk: int | None) -> str:
        found = self._rows.get(pk) if pk is not None else None
        return found[0] if found else ""

    def path(self, pk: int | None) -> str:
        found = self._rows.get(pk) if pk is not None else None
        return found[1] if found else ""


class LedgerSource:
    """One exportable ledger. Subclasses set `key` (in URLs and the audit trail), `title`, the
    list page's URL name, and implement `select`."""

    key: ClassVar[str]
    title: ClassVar[str | Promise]
    #: The URL name of the list page whose rows this ledger writes.
    list_url: ClassVar[str]
    #: Whether the ledger holds ID-card numbers (the export page offers full ones).
    has_id_numbers: ClassVar[bool] = True

    def may_export(self, user: AnyUser) -> bool:
        """Whoever sees the list may export it (the rows are theirs anyway)."""
        return user_scope(user).can(Action.VIEW)

    def select(self, user: AnyUser, data: QueryDict, ids: IdNumbers) -> Selection:
        raise NotImplementedError


_sources: dict[str, LedgerSource] = {}


def register(source: LedgerSource) -> LedgerSource:
    if source.key in _sources and type(_sources[source.key]) is not type(source):
        raise ValueError(f"Ledger {source.key!r} is registered twice")
    _sources[source.key] = source
    return source


def discover(package: str) -> None:
    """Register the `LEDGERS` (and `IMPORTS`: ledgers.imports) of every module named `ledger`
    in `package` and its packages."""
    root = importlib.import_module(package)
    names = [f"{package}.ledger"]
    if hasattr(root, "__path__"):
        for found in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if found.ispkg:
                names.append(f"{found.name}.ledger")
    for name in names:
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        for source in getattr(module, "LEDGERS", ()):
            register(source)
        if getattr(module, "IMPORTS", ()):
            from ledgers import imports

            for spec in module.IMPORTS:
                imports.register(spec)


def get(key: str) -> LedgerSource | None:
    return _sources.get(key)


def sources() -> Iterator[LedgerSource]:
    return iter(_sources.values())


def may_reveal_any(user: AnyUser) -> bool:
    """Whether `user` may ask for full ID-card numbers at all: a role that changes members
    somewhere (secretaries, committee members, officers); inspectors never."""
    return user_scope(user).can(Action.CHANGE)


def audit_path(user: AnyUser) -> str:
    """Where an export or import by `user` is filed in the audit trail: their highest
    organization, so the officers above it see it on their audit page."""
    scope = user_scope(user)
    return min((role.organization.path for role in scope.roles), default="", key=len)


def filter_words(filterset: Any) -> list[str]:
    """The filter a bound, valid filterset applied, as "label: value" phrases (choices by their
    labels, organizations by name, yes/no in words); an unbound or invalid one applied none."""
    if not filterset.is_bound or not filterset.is_valid():
        return []
    words = []
    form = filterset.form
    for name, value in form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        bound = form[name]
        shown: str
        if isinstance(value, bool):
            shown = _("Yes") if value else _("No")
        elif isinstance(value, Model):
            shown = str(value)
        elif isinstance(value, dt.date):
            shown = value.isoformat()
        else:
            choices = dict(getattr(bound.field, "choices", ()) or ())
            shown = str(choices.get(value, value))
        words.append(f"{bound.label}：{shown}")
    return words


def heading(
    *, user: AnyUser, selection: Selection, full_ids: bool, when: dt.datetime | None = None
) -> str:
    """The file's second row: whose ledger, which filter, which day, who exported it."""
    when = timezone.localtime(when or timezone.now())
    scope = user_scope(user)
    if selection.organization is not None:
        whose = selection.organization.name
    elif scope.is_superuser:
        whose = _("All organizations")
    else:
        whose = "、".join(dict.fromkeys(role.organization.name for role in scope.roles))
    parts = [
        _("Organization: %(name)s") % {"name": whose},
        _("Filter: %(words)s") % {"words": "；".join(selection.words) or _("none")},
        _("Exported on %(day)s by %(user)s")
        % {"day": when.date().isoformat(), "user": user.get_username()},
    ]
    if full_ids:
        parts.append(_("Full ID-card numbers"))
    return "　".join(parts)


__all__ = [
    "IdNumbers",
    "LedgerSource",
    "OrgIndex",
    "Selection",
    "audit_path",
    "discover",
    "filter_words",
    "get",
    "heading",
    "may_reveal_any",
    "register",
    "sources",
]
