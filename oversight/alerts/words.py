"""How the alerts' pages put things in words: the rule groups' titles, the severities' badges,
and an alert's figures (its `detail`, written by its rule) as short phrases."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from education.models import MeetingKind
from members.models.choices import CheckResult, EpisodeStatus
from oversight import rules
from oversight.models import AlertStatus, Severity
from transfers.models import TransferStatus

#: The rule groups in the order the pages show them (`oversight.rules.Rule.group`), with their
#: titles; `oversight.rules.GROUPS`, when a rule module fills it, wins.
GROUP_TITLES: dict[str, StrOrPromise] = {
    "six_months": _("Six months without organizational life, dues or work"),
    "dues": _("Party dues"),
    "standing": _("Lost contact and party standing"),
    "mobility": _("Whereabouts, check-in and contact"),
    "transfers": _("Relationship transfers"),
    "coverage": _("Party organization coverage"),
    "certificates": _("Activity certificates and certificate letters"),
    "organizations": _("Branch meetings and study hours"),
}

#: Bootstrap badge classes per severity.
SEVERITY_CSS: dict[int, str] = {
    Severity.REMINDER: "text-bg-secondary",
    Severity.WARNING: "text-bg-warning",
    Severity.SERIOUS: "text-bg-danger",
}

STATUS_CSS: dict[str, str] = {
    AlertStatus.OPEN: "text-bg-danger",
    AlertStatus.ACKNOWLEDGED: "text-bg-warning",
    AlertStatus.RESOLVED: "text-bg-success",
    AlertStatus.DISMISSED: "text-bg-secondary",
}


def group_title(group: str) -> str:
    return str(rules.GROUPS.get(group) or GROUP_TITLES.get(group, group))


def groups() -> list[str]:
    """Every group a registered rule belongs to, in the pages' order."""
    known = list(GROUP_TITLES)
    extra = sorted({r.group for r in rules.RULES.values()} - set(known))
    return known + extra


def rules_of(group: str) -> list[str]:
    return [code for code, found in rules.RULES.items() if found.group == group]


def group_of(code: str) -> str:
    found = rules.RULES.get(code)
    return found.group if found else ""


def _month(value: Any) -> str:
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return _t("%(year)s-%(month)02d") % {"year": day.year, "month": day.month}


def _day(value: Any) -> str:
    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        return str(value)


def _amount(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):.2f}"
    except InvalidOperation:
        return str(value)


_TRANSLATED: dict[tuple[int, str], str] = {}


def _str(text: StrOrPromise) -> str:
    """`str(text)`, a lazy phrase translated once per language (a night's Excel files say a
    phrase a million times)."""
    key = (id(text), translation.get_language() or "")
    found = _TRANSLATED.get(key)
    if found is None:
        found = _TRANSLATED[key] = str(text)
    return found


def _count(text: StrOrPromise) -> Callable[[Any], str]:
    return lambda v: _str(text) % {"count": v}


def _on(text: StrOrPromise) -> Callable[[Any], str]:
    return lambda v: _str(text) % {"day": _day(v)}


def _name(text: StrOrPromise) -> Callable[[Any], str]:
    return lambda v: _str(text) % {"name": v}


def _yes(text: StrOrPromise, no: StrOrPromise = "") -> Callable[[Any], str]:
    """A flag as a phrase when true (and `no`'s when false, where saying so helps)."""
    return lambda v: _str(text) if v else _str(no)


#: How often a kind of meeting is due (`settings.MEETING_FREQUENCIES`' values).
FREQUENCY_WORDS: dict[str, StrOrPromise] = {
    "month": _("due every month"),
    "quarter": _("due every quarter"),
    "year": _("due every year"),
}

#: The same, short, as a rule's description lists them (支委会每月).
FREQUENCY_SHORT: dict[str, StrOrPromise] = {
    "month": _("Monthly"),
    "quarter": _("Quarterly"),
    "year": _("Yearly"),
}

QUARTER_WORDS: dict[str, StrOrPromise] = {
    "1": _("first quarter"),
    "2": _("second quarter"),
    "3": _("third quarter"),
    "4": _("fourth quarter"),
}


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _status(value: Any) -> str:
    """An absence's or a letter's status (the rules that write `status` read one or the other)."""
    for choices in (TransferStatus, EpisodeStatus):
        if value in choices.values:
            return _t("status: %(status)s") % {"status": _label(choices, value)}
    return _t("status: %(status)s") % {"status": value}


def _dues(value: Any) -> str:
    """The dues reading a rule copied whole (`dues_json`): only what is owed is worth saying."""
    if isinstance(value, dict) and value.get("months_owed"):
        return _t("%(count)s months owed") % {"count": value["months_owed"]}
    return ""


def _names(value: Any) -> str:
    names = "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return _t("members: %(names)s") % {"names": names}


def _hours(text: StrOrPromise) -> Callable[[Any], str]:
    return lambda v: _str(text) % {"hours": _number(v)}


def _number(value: Any) -> str:
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except InvalidOperation:
        return str(value)


#: Each figure a rule may write in `detail`, as a phrase ("" says nothing). A key not listed
#: (nor in DETAIL_SKIP) is shown as "key: value" (a new rule's figure is never hidden).
DETAIL_WORDS: dict[str, Callable[[Any], str]] = {
    "months_owed": lambda v: _t("%(count)s months owed") % {"count": v},
    "amount_owed": lambda v: _t("%(amount)s yuan owed") % {"amount": _amount(v)},
    "first_owed": lambda v: _t("owed since %(month)s") % {"month": _month(v)},
    "paid_until": lambda v: _t("paid up to %(month)s") % {"month": _month(v)},
    "last_paid_on": lambda v: _t("last paid on %(day)s") % {"day": _day(v)},
    "months": lambda v: _t("%(count)s months") % {"count": v},
    "days": lambda v: _t("%(count)s days") % {"count": v},
    "since": lambda v: _t("since %(day)s") % {"day": _day(v)},
    "members": lambda v: _t("%(count)s members") % {"count": v},
    # Absences (mobility, transfer due).
    "out_date": _on(_("left on %(day)s")),
    "days_away": _count(_("away %(count)s days")),
    "days_late": _count(_("%(count)s days late checking in")),
    "destination": lambda v: _t("destination: %(place)s") % {"place": v},
    "status": _status,
    "last_contacted_on": _on(_("last contacted on %(day)s")),
    "days_silent": _count(_("%(count)s days without contact")),
    "last_reported_on": _on(_("last reported on %(day)s")),
    "days_overdue": _count(_("report %(count)s days overdue")),
    "silent_since": _on(_("no sign of life since %(day)s")),
    "last_life_on": _on(_("last organizational life on %(day)s")),
    "dues": _dues,
    "employer": _name(_("employer: %(name)s")),
    "settled_since": _on(_("at the same place since %(day)s")),
    "settled": _yes(_("settled at an employer with a party organization")),
    "household_registration": _name(_("household registration: %(name)s")),
    "household_moved": _yes(
        _("household registration moved to the destination"),
        _("household registration not moved"),
    ),
    # Letters and certificates.
    "number": _name(_("number %(name)s")),
    "issued_on": _on(_("issued on %(day)s")),
    "valid_until": _on(_("valid until %(day)s")),
    "received_on": _on(_("received on %(day)s")),
    "from_org": _name(_("from %(name)s")),
    "to": _name(_("to %(name)s")),
    "days_expired": _count(_("expired %(count)s days ago")),
    "days_since_received": _count(_("received %(count)s days ago")),
    "year": lambda v: _t("year %(year)s") % {"year": v},
    "check_result": lambda v: _t("check result: %(result)s") % {"result": _label(CheckResult, v)},
    "last_passed_year": lambda v: _t("last passed the check for %(year)s") % {"year": v},
    # Coverage.
    "checked_in": _count(_("%(count)s checked in")),
    "names": _names,
    "own_org_from": _count(_("%(count)s or more members set up their own organization")),
    # Meetings and study.
    "organization": _name(_("organization: %(name)s")),
    "kind": lambda v: _label(MeetingKind, v),
    "frequency": lambda v: str(FREQUENCY_WORDS.get(v, v)),
    "missed": lambda v: _t("not held in %(period)s") % {"period": period_phrase(v) or v},
    "last_held": _on(_("last held on %(day)s")),
    "study_hours": _hours(_("%(hours)s study hours")),
    "required_hours": _hours(_("%(hours)s hours required")),
    "is_cadre": _yes(_("a leading cadre"), _("not a leading cadre")),
    # Standing and work.
    "open_assignments": _count(_("%(count)s assigned tasks not done")),
    "last_attempt_on": _on(_("last attempt to find the member on %(day)s")),
    "decision_pending": _yes(_("a decision is awaiting approval"), _("no decision proposed yet")),
}

#: Keys whose absence (None) says something.
NONE_WORDS: dict[str, StrOrPromise] = {
    "last_contacted_on": _("never contacted since leaving"),
    "last_reported_on": _("no report since leaving"),
    "last_life_on": _("no organizational life recorded"),
    "check_result": _("not yet checked this year"),
    "last_passed_year": _("never passed a check"),
    "last_held": _("never held"),
    "last_attempt_on": _("no attempt to find the member recorded"),
}

#: Keys not shown: the member's name is on the page already; the missed period's first day
#: repeats `missed`; the destination's three parts are said once as `destination`.
DETAIL_SKIP = frozenset(
    {"name", "missed_from", "destination_province", "destination_city", "destination_county"}
)

_PLACE_PARTS = ("destination_province", "destination_city", "destination_county")


#: Figures counted in days from a first day the details already hold.
DAYS_FROM: dict[str, str] = {"days_away": "out_date"}


def day_counts(detail: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    """`detail` with its counts of days as of `as_of`. A rule writes such a count as its first
    day, `<figure>_from` ("days_silent_from": the day the silence began), or not at all where
    the details hold the day already (`DAYS_FROM`): a count that moved every day would make
    the nightly run rewrite every alert every night. A count a rule wrote itself is kept."""
    counted: dict[str, Any] = {}
    for key, value in detail.items():
        figure = key.removesuffix("_from")
        if figure != key and figure in DETAIL_WORDS:
            day = _parse_day(value)
            if day is not None and figure not in detail:
                counted[figure] = (as_of - day).days
            continue
        counted[key] = value
    for figure, source in DAYS_FROM.items():
        day = _parse_day(detail.get(source))
        if figure not in counted and day is not None:
            counted[figure] = (as_of - day).days
    return counted


def _parse_day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


#: Figures that say the same as another when equal to it: (the figure, the one kept). A dues
#: silence's months and start are the months owed and the first month owed unless a proper
#: reason ended within them.
REPEATS = (("months", "months_owed"), ("since", "first_owed"))


def _without_repeats(detail: dict[str, Any]) -> dict[str, Any]:
    drop = {
        key
        for key, kept in REPEATS
        if key in detail and kept in detail and str(detail[key])[:10] == str(detail[kept])[:10]
    }
    return {key: value for key, value in detail.items() if key not in drop} if drop else detail


def describe(detail: Any, as_of: dt.date | None = None) -> list[str]:
    """The figures of `detail` as phrases, known keys first in DETAIL_WORDS' order; counts of
    days as of `as_of` (today if not given)."""
    if not isinstance(detail, dict):
        return []
    detail = _without_repeats(day_counts(detail, as_of or timezone.localdate()))
    if any(detail.get(part) for part in _PLACE_PARTS) and "destination" not in detail:
        detail = {**detail, "destination": "".join(detail.get(p) or "" for p in _PLACE_PARTS)}
    phrases: list[str] = []
    for key, words in DETAIL_WORDS.items():
        if key not in detail:
            continue
        value = detail[key]
        if value is None:
            phrase = str(NONE_WORDS.get(key, ""))
        elif value in ("", []):
            phrase = ""
        else:
            phrase = words(value)
        if phrase:
            phrases.append(phrase)
    phrases += [
        f"{key}: {value}"
        for key, value in detail.items()
        if key not in DETAIL_WORDS and key not in DETAIL_SKIP and value not in (None, "", [])
    ]
    return phrases


_PERIOD_DAY = re.compile(r"(?:(since|lost|suspended):)?(\d{4}-\d{2}-\d{2})")
_PERIOD_PREFIXES: dict[str, StrOrPromise] = {
    "since": _("since %(day)s"),
    "lost": _("lost contact since %(day)s"),
    "suspended": _("membership suspended since %(day)s"),
}


#: The rules whose period is an id (an absence's, a letter's, a certificate's): one occurrence
#: per thing, nothing to read. Told by the rule, not the text: id 2026 looks like a year.
ID_PERIOD_RULES = frozenset(
    {
        "mobile_not_checked_in",
        "transfer_due",
        "transfer_letter_expired",
        "transfer_receipt_overdue",
        "certificate_letter_expired",
    }
)


def period_phrase(period: str, rule: str = "") -> str:
    """An alert's period key in words ("since:2026-03-25" → since 2026-03-25, "2026-Q3" → the
    third quarter of 2026); "" for a key that is only an id (an absence, a letter, work:<id>):
    it tells occurrences apart for the engine and means nothing to a reader."""
    if rule in ID_PERIOD_RULES:
        return ""
    period = (period or "").strip()
    if found := _PERIOD_DAY.fullmatch(period):
        prefix, day = found.groups()
        return str(_PERIOD_PREFIXES[prefix or "since"]) % {"day": day}
    if re.fullmatch(r"\d{4}", period):
        return _t("year %(year)s") % {"year": period}
    if found := re.fullmatch(r"(\d{4})-(\d{2})", period):
        year, month = found.groups()
        return _t("month %(month)s of %(year)s") % {"year": year, "month": int(month)}
    if found := re.fullmatch(r"(\d{4})-Q([1-4])", period):
        year, quarter = found.groups()
        return _t("%(quarter)s of %(year)s") % {"year": year, "quarter": QUARTER_WORDS[quarter]}
    if re.fullmatch(r"(work:\d+|\d{1,3}|\d{5,})", period):
        return ""
    return period


#: A setting's name in a rule's description: capitals, digits and "_", standing alone (Chinese
#: characters are word characters to `\b`, hence the look-arounds).
_SETTING_NAME = re.compile(r"(?<![A-Za-z0-9_])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![A-Za-z0-9_])")


def _setting_value(name: str, value: Any) -> str:
    if name == "MEETING_FREQUENCIES" and isinstance(value, dict):
        return "、".join(
            f"{_label(MeetingKind, kind)}{FREQUENCY_SHORT.get(freq, freq)}"
            for kind, freq in value.items()
            if freq
        )
    if isinstance(value, dict):
        return "、".join(f"{key}：{item}" for key, item in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(str(item) for item in value)
    return str(value)


def rule_description(code: str) -> str:
    """The rule's description as a page shows it: each setting it names (LIFE_ALERT_MONTHS...)
    replaced by the setting's value, so the reader sees the figure in force. The source strings
    keep the names: they tell developers which setting to change."""
    found = rules.RULES.get(code)
    if found is None:
        return ""

    def value(match: re.Match[str]) -> str:
        name = match.group(0)
        if not hasattr(settings, name):
            return name
        return _setting_value(name, getattr(settings, name))

    return _SETTING_NAME.sub(value, str(found.description))
