"""Dues' panel on the member's page (filled in by the history package)."""

from __future__ import annotations

from core.panels import Panel
from members.pages import MemberPage

PANELS: tuple[Panel[MemberPage], ...] = ()
