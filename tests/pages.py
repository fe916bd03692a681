"""Reading what a page shows from the test client's response."""

from __future__ import annotations

from typing import Any


def shown(response: Any, key: str) -> Any:
    """The value `key` on the page: from the view's own context, or from one of the panels
    other features add to it (core.panels)."""
    if key in response.context:
        return response.context[key]
    for panels in response.context["panels"].values():
        for panel in panels:
            if key in panel.context:
                return panel.context[key]
    raise KeyError(key)
