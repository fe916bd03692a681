from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """The rules the system checks every night (six-month inactivity, overdue dues, lost
    members, transfers, coverage...), the alerts they open and close, their handling on the
    education and handling card, the run log and the nightly report of every organization.

    At the top of the app graph: its rules read every other app."""

    name = "oversight"
    verbose_name = _("Oversight")

    def ready(self) -> None:
        # Imported here: models cannot be imported before the app registry is ready.
        from auditlog.registry import auditlog

        from oversight import rules
        from oversight.models import Exemption, Handling, WorkAssignment

        # Alerts are opened and closed by the nightly run in bulk (its counts are the run log);
        # what people do to an alert is audited as events by the actions.
        auditlog.register(Exemption, exclude_fields=["created_at"])
        auditlog.register(WorkAssignment, exclude_fields=["created_at"])
        auditlog.register(Handling, exclude_fields=["created_at"])
        rules.load()
        # Each feature package adds its panels and pages (the member page's alerts, the home
        # page's counts and warnings, the notices of the nightly report).
        from oversight.alerts import registration as alerts
        from oversight.conditions import registration as conditions
        from oversight.handling import registration as handling
        from oversight.reports import registration as reports
        from oversight.runs import registration as runs

        for package in (alerts, handling, runs, reports, conditions):
            package.register()
        # The demo county the morning after a nightly run: the last part of seed_demo.
        from core import demo
        from oversight.demo import DEMO

        demo.register(self.label, DEMO)
        # The ledgers its lists export: <package>/ledger.py modules (ledgers.registry).
        from ledgers import registry as ledgers

        ledgers.discover(self.name)
