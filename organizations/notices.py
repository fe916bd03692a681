"""Notices to an organization's staff: the in-app notice (`organizations.Notice`, shown on the
home page and at /notices/), the actions that send and read it, and the channels its copies
leave the system through (SMS, e-mail, a log).

A channel is a class with `send(message)`; `NOTIFICATION_CHANNELS` in settings lists the dotted
paths of those in use. The console channel (a log line) is the default; the e-mail channel uses
Django's mail settings; an SMS gateway is a channel a deployment adds (the tests replace the edge
of the world with a recording channel). Sending happens after the transaction commits, and a
failing channel never undoes the action that sent the notice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.text import Truncator

from core.actions import action
from core.models import User, messages_held, save_valid
from organizations.models import Notice, Organization

logger = logging.getLogger("notifications")


@dataclass(frozen=True)
class Message:
    """One notice to one person. `phone` and `email` may be empty."""

    recipient: str
    subject: str
    body: str
    phone: str = ""
    email: str = ""


class Channel(Protocol):
    def send(self, message: Message) -> None: ...


class ConsoleChannel:
    """Writes each notice to the log: the default where no gateway is configured."""

    def send(self, message: Message) -> None:
        logger.info("notice to %s: %s", message.recipient, message.subject)


class EmailChannel:
    """E-mail through Django's mail settings, to recipients that have an address."""

    def send(self, message: Message) -> None:
        if message.email:
            send_mail(
                message.subject,
                message.body,
                settings.DEFAULT_FROM_EMAIL,
                [message.email],
                fail_silently=False,
            )


def channels() -> list[Channel]:
    return [import_string(path)() for path in settings.NOTIFICATION_CHANNELS]


def deliver(messages: list[Message]) -> None:
    """Send `messages` through every configured channel once the transaction commits.

    A failing channel is logged, not raised: the in-app notice is already stored, and a
    gateway outage must not undo a check-in.
    """
    if messages_held():
        return

    def send_all() -> None:
        for channel in channels():
            for message in messages:
                try:
                    channel.send(message)
                except Exception:
                    logger.exception("channel %s failed for %s", channel, message.recipient)

    transaction.on_commit(send_all)


@action
def do_notify_organization(
    *, actor: User | None, organization: Organization, title: str, body: str = "", url: str = ""
) -> Notice:
    """Tell an organization's staff: an in-app notice now, copies through the channels (SMS,
    e-mail) once the transaction commits."""
    # A title names a member and organizations, whose full names can be long: cut to fit.
    limit = Notice._meta.get_field("title").max_length or len(title)
    title = Truncator(title).chars(limit)
    notice = Notice(organization=organization, title=title, body=body, url=url)
    save_valid(notice)
    staff = User.objects.filter(
        roles__organization=organization, roles__revoked_at__isnull=True, is_active=True
    ).distinct()
    deliver(
        [
            Message(
                recipient=user.username,
                subject=title,
                body=body,
                phone=user.phone,
                email=user.email,
            )
            for user in staff
        ]
    )
    return notice


@action
def do_mark_notice_read(*, actor: User, notice: Notice) -> None:
    notice.read_by.add(actor)
