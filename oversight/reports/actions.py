"""The nightly reports' one write: every organization's report saved in place (upsert on
organization and day), and a notice to the staff of each organization whose report of the day
is new and has something to say. In one transaction: a run killed before it commits leaves the
day as it was, and its rerun builds and notifies everything."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import pgettext

from core.actions import action
from core.models import User
from organizations.models import Notice
from organizations.notices import Message, deliver
from oversight import rules as registry
from oversight.models import NightlyReport, NightlyRun

#: Rows per INSERT statement.
BATCH = 1000


@dataclass
class ReportLine:
    """One organization's report as built, before it is saved."""

    organization_id: int
    name: str
    figures: dict[str, Any]
    changes: dict[str, Any]
    #: A live alert or a change: the report has a file and its staff get a notice.
    active: bool
    file: str = ""
    file_size: int = 0
    report_id: int | None = field(default=None)


def notice_text(line: ReportLine, as_of: str) -> tuple[str, str]:
    """The notice's title and body: the counts, then one line per rule."""
    figures, changes = line.figures, line.changes
    title = pgettext(
        "nightly report",
        "Nightly report of %(org)s as of %(day)s: %(live)d live alerts, %(opened)d opened, "
        "%(closed)d closed",
    ) % {
        "org": line.name,
        "day": as_of,
        "live": figures["live"],
        "opened": changes["opened_total"],
        "closed": changes["closed_total"],
    }
    lines = [
        pgettext("nightly report", "%(rule)s: %(count)d")
        % {"rule": registry.title_of(code), "count": counts["count"]}
        for code, counts in figures["rules"].items()
    ]
    return title, "\n".join(lines)


@action
def do_store_reports(
    *, actor: User | None, run: NightlyRun, lines: list[ReportLine], existing: set[int]
) -> int:
    """Save `lines` as `run`'s reports (created, or rebuilt in place); notify the staff of the
    organizations whose report is new today and has a live alert or a change (a rerun of the
    day notifies nobody again). The notices go the way `organizations.notices` sends them
    (in-app now, the channels after the commit), in a few statements for all organizations."""
    rows = [
        NightlyReport(
            organization_id=line.organization_id,
            as_of=run.as_of,
            run=run,
            figures=line.figures,
            changes=line.changes,
            file=line.file,
            file_size=line.file_size,
        )
        for line in lines
    ]
    saved = NightlyReport.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["organization", "as_of"],
        update_fields=["run", "figures", "changes", "file", "file_size", "updated_at"],
    )
    for line, row in zip(lines, saved, strict=True):
        line.report_id = row.pk
    fresh = [line for line in lines if line.active and line.organization_id not in existing]
    if fresh:
        notify(fresh, run.as_of.isoformat())
    return len(saved)


def notify(lines: list[ReportLine], as_of: str) -> None:
    """The in-app notices (one INSERT) and their copies to every active staff member of each
    organization (one read), as `organizations.notices.do_notify_organization` sends one."""
    limit = Notice._meta.get_field("title").max_length or 200
    notices: list[Notice] = []
    with translation.override(settings.LANGUAGE_CODE):
        for line in lines:
            title, body = notice_text(line, as_of)
            url = reverse("oversight:report", args=[line.report_id])
            notices.append(
                Notice(
                    organization_id=line.organization_id,
                    title=Truncator(title).chars(limit),
                    body=body,
                    url=url,
                )
            )
    Notice.objects.bulk_create(notices, batch_size=BATCH)
    by_org = {notice.organization_id: notice for notice in notices}
    staff = (
        User.objects.filter(
            roles__organization_id__in=list(by_org),
            roles__revoked_at__isnull=True,
            is_active=True,
        )
        .values_list("username", "phone", "email", "roles__organization_id")
        .distinct()
    )
    deliver(
        [
            Message(
                recipient=username,
                subject=by_org[org_id].title,
                body=by_org[org_id].body,
                phone=phone,
                email=email,
            )
            for username, phone, email, org_id in staff
        ]
    )
