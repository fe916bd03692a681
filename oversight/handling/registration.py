"""What the handling package adds to other pages (called from OversightConfig.ready): the
member page's "education and handling" section and the five cards' handling lines."""


def register() -> None:
    # Imported here: the panels import models, not importable before the app registry is ready.
    from members.pages import five_cards, member_page
    from oversight.handling import panels

    member_page.register(panels.MEMBER_PANEL)
    five_cards.register(panels.CARD_PANEL)
