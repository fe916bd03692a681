"""Check constraints validated together: one query per `full_clean()` instead of one each."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from django.core.exceptions import FieldError
from django.db import models, router
from django.db.models import BaseConstraint, CheckConstraint, Q


class ChecksInOneQuery(models.Model):
    """A model whose `full_clean()` validates its check constraints with one query.

    Django validates each CheckConstraint with a query of its own that annotates every field of
    the instance (an absence has six of them: most of a registration's time). Here they are
    first checked together, with one query annotating only the fields they name: whether they
    hold together is whether each holds (a condition that is unknown, SQL NULL, passes either
    way). When they do, Django validates the other constraints; when they do not, or one of them
    names a field the caller excluded, Django validates every constraint as it always does, so
    the errors are the same ones.
    """

    class Meta:
        abstract = True

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        self._checks_hold = self._check_constraints_hold(exclude)
        try:
            super().validate_constraints(exclude=exclude)
        finally:
            del self._checks_hold

    def get_constraints(self) -> list[tuple[type[models.Model], Sequence[BaseConstraint]]]:
        constraints = super().get_constraints()
        if not getattr(self, "_checks_hold", False):
            return constraints
        return [
            (model, [c for c in model_constraints if not isinstance(c, CheckConstraint)])
            for model, model_constraints in constraints
        ]

    def _check_constraints_hold(self, exclude: Collection[str] | None) -> bool:
        checks = [
            constraint
            for _model, constraints in super().get_constraints()
            for constraint in constraints
            if isinstance(constraint, CheckConstraint)
        ]
        if not checks:
            return True
        condition = Q(*(check.condition for check in checks))
        # Django's own map of the instance's values (as CheckConstraint.validate takes it).
        values = self._get_field_expression_map(meta=self._meta, exclude=exclude)  # type: ignore[attr-defined]
        named = condition.referenced_base_fields
        against = {name: value for name, value in values.items() if name in named}
        using = router.db_for_write(type(self), instance=self)
        try:
            held: bool = condition.check(against, using=using)
        except FieldError:
            return False
        return held
