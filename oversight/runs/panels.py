"""The home page's word on last night's run, for those who see the run log: a warning when it
is missing, failed, finished with errors or was interrupted. One query."""

from __future__ import annotations

from core.models import User
from core.panels import Panel, PanelContext
from oversight.runs.access import may_run_checks
from oversight.runs.queries import TROUBLE, last_night_run


def home_runs(user: User) -> PanelContext:
    if not may_run_checks(user):
        return None
    day, run = last_night_run()
    return {"day": day, "run": run, "trouble": run is not None and run.status in TROUBLE}


HOME_PANEL: Panel[User] = Panel("runs", home_runs, {"sections": "oversight/runs/_home.html"}, 15)
