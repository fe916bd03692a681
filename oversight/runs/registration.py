"""What the runs package adds to other pages (called from OversightConfig.ready)."""

from core.panels import home_page
from oversight.runs.panels import HOME_PANEL


def register() -> None:
    """Last night's run on the home page of those who see the run log."""
    home_page.register(HOME_PANEL)
