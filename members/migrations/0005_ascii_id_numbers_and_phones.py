"""Issue 9, item 14: ID-card and phone numbers stored with full-width (or other scripts') digits
become ASCII, as every form now makes them before storing.

A number that would then equal another record's is left as stored and reported, never merged:
two records of one person need a person to decide which one stays.
"""

from __future__ import annotations

import sys
from typing import Any

from django.db import migrations

from core.validators import mask_id_number, normalize_id_number, normalize_phone

#: Stored values with anything but what a normalised number holds: the rows to look at.
NOT_ID = r"[^0-9X]"
NOT_PHONE = r"[^0-9]"


def _phones(model: Any, field: str) -> None:
    for pk, phone in model.objects.filter(**{f"{field}__regex": NOT_PHONE}).values_list(
        "pk", field
    ):
        if normalize_phone(phone) != phone:
            model.objects.filter(pk=pk).update(**{field: normalize_phone(phone)})


def _id_numbers(model: Any, label: str, **same: Any) -> list[str]:
    """Normalise `model`'s ID-card numbers; a number another row (with the `same` values)
    already holds is left as stored and reported."""
    report: list[str] = []
    rows = model.objects.filter(id_number__regex=NOT_ID, **same).values_list("pk", "id_number")
    for pk, number in rows:
        new = normalize_id_number(number)
        if new == number:
            continue
        holder = model.objects.filter(id_number=new, **same).exclude(pk=pk).first()
        if holder is not None:
            report.append(
                f"{label} {pk}: ID-card number {mask_id_number(new)} is also {label} "
                f"{holder.pk}'s; left as stored, to be resolved by hand"
            )
            continue
        model.objects.filter(pk=pk).update(id_number=new)
    return report


def normalise_stored_numbers(apps: Any) -> list[str]:
    """Normalise every stored ID-card and phone number; answer the duplicates found."""
    member = apps.get_model("members", "Member")
    arrival = apps.get_model("members", "FoundArrival")
    report = _id_numbers(member, "member")
    report += _id_numbers(arrival, "found arrival", status="open")
    # Closed arrivals hold no number uniquely: they are normalised as they are.
    for pk, number in arrival.objects.exclude(status="open").values_list("pk", "id_number"):
        if normalize_id_number(number) != number:
            arrival.objects.filter(pk=pk).update(id_number=normalize_id_number(number))
    _phones(member, "phone")
    _phones(arrival, "phone")
    _phones(apps.get_model("members", "MobilityEpisode"), "phone_there")
    return report


def forwards(apps: Any, schema_editor: Any) -> None:
    report = normalise_stored_numbers(apps)
    if report:
        sys.stdout.write(
            "\nDuplicate ID-card numbers found while normalising (not merged):\n  "
            + "\n  ".join(report)
            + "\n"
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0004_surname_pinyin_keys")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
