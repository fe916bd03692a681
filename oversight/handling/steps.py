"""Where a six-month rule procedure stands (party constitution, article 38): the branch checked
the facts, told the member, the branch general meeting resolved (the decision awaits the
superior committee), and the committee approved or did not. Read by the procedure's page, the
member page's section and the five cards alike."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from members.models import DecisionStatus
from oversight.models import Handling

INVESTIGATED = "investigated"
INFORMED = "informed"
AWAITING = "awaiting"
APPROVED = "approved"
NOT_APPROVED = "not_approved"

#: Each step as the pages say it.
STEP_LABELS: dict[str, Promise] = {
    INVESTIGATED: _("Facts checked; the member not told yet"),
    INFORMED: _("Member told; awaiting the branch general meeting"),
    AWAITING: _("Awaiting the superior committee's approval"),
    APPROVED: _("Approved by the superior committee"),
    NOT_APPROVED: _("Not approved by the superior committee"),
}


def procedure_step(procedure: Handling) -> str:
    """The procedure's step (its decision read with it). A withdrawn proposal goes back to
    waiting for the branch general meeting."""
    decision = procedure.decision
    if decision is None or decision.status == DecisionStatus.WITHDRAWN:
        return INVESTIGATED if procedure.informed_on is None else INFORMED
    if decision.status == DecisionStatus.PROPOSED:
        return AWAITING
    return APPROVED if decision.status == DecisionStatus.APPROVED else NOT_APPROVED
