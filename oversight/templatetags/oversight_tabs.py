"""The oversight pages' own tabs: the alerts, the nightly reports and, for those who may run the
checks (county officers), the run log. They hang under the navigation's one "Alerts" item, so
the bar stays one line on a phone."""

from __future__ import annotations

from typing import Any

from django import template

from oversight.runs.access import may_run_checks

register = template.Library()


@register.inclusion_tag("oversight/_tabs.html", takes_context=True)
def oversight_tabs(context: dict[str, Any], current: str) -> dict[str, Any]:
    request = context["request"]
    return {"current": current, "runs": may_run_checks(request.user)}
