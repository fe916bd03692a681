"""Gap-free document numbers: one counter row per (issuer, kind, year), locked while it is used.

`next_serial` inserts the counter row if it is missing (`ON CONFLICT DO NOTHING`, so concurrent
first issues do not fail), then locks it with `SELECT ... FOR UPDATE` and increments it. The lock
is held until the issuing transaction ends: a second issuer waits, then reads the incremented
value; a rolled-back issue rolls the counter back with it, so no number is skipped or shared.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class SerialCounter(models.Model):
    """The last serial number issued for one key (the concrete model names the key fields)."""

    last_serial = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        abstract = True


def next_serial(counter_model: type[Any], **key: Any) -> int:
    """The next number for `key`, consumed only if the caller's transaction commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_serial() must run inside the issuing transaction")
    counter_model.objects.bulk_create([counter_model(**key)], ignore_conflicts=True)
    counter = counter_model.objects.select_for_update().get(**key)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    serial: int = counter.last_serial
    return serial
