"""Pages that other apps add to: the member page, the home page.

A page is a `PanelRegistry`. Each app (or feature package) registers its panels in its
`AppConfig.ready`, the way `members.sharing.share_source` collects share sources, so that a page
can show what a later app knows without importing it (the home page counts transfers; the member
page shows the open transfer, and later dues, organizational life and alerts).

A panel is a function that reads what it shows, given the page's subject, and answers the
context of its templates (or None: nothing to show), plus a template per slot of the page
("actions" beside the title, "notices" under it, "sections" down the page). The page's view calls
`PanelRegistry.build`, so every query a page runs starts in its view and is counted by its
query-count test; the templates only render.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

S = TypeVar("S")

#: What a panel's function answers: its templates' context, or None to show nothing.
PanelContext = Mapping[str, Any] | None


@dataclass(frozen=True)
class Panel(Generic[S]):
    """One app's contribution to a page."""

    name: str
    #: Reads what the panel shows about the page's subject (the member, the user's scope).
    context: Callable[[S], PanelContext]
    #: The template of each slot the panel fills, e.g. {"sections": "members/...html"}.
    templates: Mapping[str, str]
    #: Position on the page, smallest first.
    order: int = 100


@dataclass(frozen=True)
class ShownPanel:
    """A panel's template in one slot, with the context its function answered."""

    name: str
    template: str
    context: Mapping[str, Any]


@dataclass
class PanelRegistry(Generic[S]):
    """The panels of one page, in order."""

    page: str
    _panels: dict[str, Panel[S]] = field(default_factory=dict)

    def register(self, panel: Panel[S]) -> Panel[S]:
        """Add `panel` (registering the same name again replaces it: `ready` may run twice)."""
        self._panels[panel.name] = panel
        return panel

    @property
    def panels(self) -> list[Panel[S]]:
        return sorted(self._panels.values(), key=lambda panel: (panel.order, panel.name))

    def build(self, subject: S) -> dict[str, list[ShownPanel]]:
        """Every panel's context for `subject`, by slot: {"sections": [...], ...}."""
        slots: dict[str, list[ShownPanel]] = {}
        for panel in self.panels:
            context = panel.context(subject)
            if context is None:
                continue
            for slot, template in panel.templates.items():
                slots.setdefault(slot, []).append(ShownPanel(panel.name, template, context))
        return slots


#: The home page: each app's sections (roles and notices, member counts, transfer queues...),
#: given the user.
home_page: PanelRegistry[Any] = PanelRegistry("home")
