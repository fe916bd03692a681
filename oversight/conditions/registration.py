"""What the conditions package adds to other pages (called from OversightConfig.ready)."""


def register() -> None:
    """The member page's section of proper reasons and assigned work."""
    from members.pages import member_page
    from oversight.conditions.panels import PANEL

    member_page.register(PANEL)
