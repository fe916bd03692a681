"""What the reports package adds to the rest (called from OversightConfig.ready): its builder
runs after the rules in every nightly run (`oversight.engine.AFTER_RULES`)."""

from __future__ import annotations


def register() -> None:
    # Imported here: the builder reads models, which exist only once the app registry is ready.
    from oversight import engine
    from oversight.reports.build import build_reports

    if build_reports not in engine.AFTER_RULES:
        engine.AFTER_RULES.append(build_reports)
