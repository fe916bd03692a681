"""What the runs package adds to other pages (called from OversightConfig.ready)."""


def register() -> None:
    """Nothing yet."""
