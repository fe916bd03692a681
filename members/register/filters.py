"""The member list's filters: one filterset shared by the list and, later, the exports."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import PlainSelect, parse_id
from core.types import AnyUser
from members.models import Member, MemberQuerySet, Membership, PersonnelCategory, Standing
from organizations.models import Organization
from organizations.scope import Scope, user_scope

#: Most organizations offered in the list's picker (a province has thousands).
ORG_OPTIONS_LIMIT = 300


class YesNoSelect(django_filters.widgets.BooleanWidget, PlainSelect):
    """All / Yes / No, reading and writing ?x=true|false."""

    def __init__(self) -> None:
        super().__init__()
        self.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    org = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.none(),
        method="filter_org",
        label=_("Organization"),
        empty_label=_("All in my scope"),
        widget=PlainSelect,
    )
    standing = django_filters.ChoiceFilter(
        choices=Standing.choices,
        label=_("Party standing"),
        empty_label=_("All"),
        widget=PlainSelect,
    )
    membership = django_filters.ChoiceFilter(
        choices=Membership.choices,
        label=_("Membership type"),
        empty_label=_("All"),
        widget=PlainSelect,
    )
    personnel_category = django_filters.ChoiceFilter(
        choices=PersonnelCategory.choices,
        label=_("Personnel category"),
        empty_label=_("All"),
        widget=PlainSelect,
    )
    lost_contact = django_filters.BooleanFilter(label=_("Lost contact"), widget=YesNoSelect)
    is_mobile = django_filters.BooleanFilter(label=_("Mobile member"), widget=YesNoSelect)
    archived = django_filters.BooleanFilter(
        method="filter_archived", label=_("Archived"), widget=YesNoSelect
    )

    class Meta:
        model = Member
        fields = [
            "q",
            "org",
            "standing",
            "membership",
            "personnel_category",
            "lost_contact",
            "is_mobile",
        ]

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["org"].queryset = Organization.objects.visible_to(user).order_by("path")

    @property
    def form(self) -> Any:
        form = super().form
        if not getattr(self, "_org_options_set", False):
            self._org_options_set = True
            self._limit_org_options(form)
        return form

    def _limit_org_options(self, form: Any) -> None:
        """Offer the top levels of a large scope, not thousands of options.

        Any organization in scope is still accepted (the organization page links to the list
        filtered by it); only the options rendered are fewer.
        """
        field = form.fields["org"]
        scope = user_scope(self.user)
        top = min((role.organization.depth for role in scope.roles), default=1)
        orgs = _top_levels(scope, field.queryset, top)
        options = [(pk, f"{'　' * (depth - top)}{name}") for pk, depth, name in orgs]
        selected = parse_id(form.data.get("org")) if self.is_bound else None
        if selected is not None and selected not in {pk for pk, *_rest in orgs}:
            chosen = _in_scope(scope, field.queryset, selected)
            if chosen is not None:
                options.append(chosen)
        field.widget.choices = [("", field.empty_label), *options]

    def filter_q(self, queryset: MemberQuerySet, name: str, value: str) -> QuerySet[Member]:
        return queryset.search(value)

    def filter_org(
        self, queryset: QuerySet[Member], name: str, value: Organization | None
    ) -> QuerySet[Member]:
        if value is None:
            return queryset
        subtree = Organization.objects.filter(path__startswith=value.path).order_by()
        return queryset.filter(home_org__in=subtree.values("id"))

    def filter_archived(
        self, queryset: QuerySet[Member], name: str, value: bool | None
    ) -> QuerySet[Member]:
        return queryset.filter(archived_at__isnull=not value)

    def filter_queryset(self, queryset: QuerySet[Member]) -> QuerySet[Member]:
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("archived") is None:
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset


def _top_levels(scope: Scope, in_scope: Any, top: int) -> list[tuple[int, int, str]]:
    """(id, depth, name) of the organizations in scope down to two levels below the top one
    (one, if two are more than ORG_OPTIONS_LIMIT), in path order. A user's organizations are
    in the scope's own list (`Scope.organization_rows`, read once per request anyway); a
    superuser's are every organization, and queried."""
    orgs: list[tuple[int, int, str]] = []
    for depth in (top + 2, top + 1):
        if scope.is_superuser:
            levels = in_scope.filter(depth__lte=depth).values_list("pk", "depth", "name")
            orgs = list(levels[: ORG_OPTIONS_LIMIT + 1])
        else:
            rows = scope.organization_rows()
            orgs = [(o.pk, o.depth, o.name) for o in rows if o.depth <= depth]
            orgs = orgs[: ORG_OPTIONS_LIMIT + 1]
        if len(orgs) <= ORG_OPTIONS_LIMIT:
            break
    return orgs


def _in_scope(scope: Scope, in_scope: Any, pk: int) -> tuple[int, str] | None:
    """(id, name) of the organization `pk` if it is in scope."""
    if scope.is_superuser:
        found: tuple[int, str] | None = in_scope.filter(pk=pk).values_list("pk", "name").first()
        return found
    return next(((o.pk, o.name) for o in scope.organization_rows() if o.pk == pk), None)
