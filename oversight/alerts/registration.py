"""What the alerts package adds to other pages (called from OversightConfig.ready, which
imports this module once the app registry is ready): the home page's counts and the member
page's live alerts."""

from core.panels import home_page
from members.pages import member_page
from oversight.alerts.panels import HOME_PANEL, MEMBER_PANEL


def register() -> None:
    home_page.register(HOME_PANEL)
    member_page.register(MEMBER_PANEL)
