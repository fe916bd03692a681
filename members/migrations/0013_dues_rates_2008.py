"""Seed the dues rates of the 2008 rules (《关于中国共产党党费收缴、使用和管理的规定》, in force from
April 2008) for the whole deployment. Counties may set their own schedules from a later month."""

from decimal import Decimal

from django.db import migrations

# The list itself, never changed once released (its module says so).
from members.dues.rules import RULES_2008, RULES_2008_FROM

def seed(apps, schema_editor):
    DuesRate = apps.get_model("members", "DuesRate")

    def dec(value):
        return None if value is None else Decimal(value)

    for category, over, up_to, percent, low, high in RULES_2008:
        DuesRate.objects.get_or_create(
            county=None,
            effective_from=RULES_2008_FROM,
            category=category,
            income_over=Decimal(over),
            defaults={
                "income_up_to": dec(up_to),
                "percent": dec(percent),
                "amount_min": dec(low),
                "amount_max": dec(high),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0012_dues")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
