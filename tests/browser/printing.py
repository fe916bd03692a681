"""Printing a page to PDF in Chromium, and checking that it fits its A4 pages."""

from __future__ import annotations

import re
from typing import Any

#: A page object in a PDF (not the /Pages tree node).
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def pdf_page_count(pdf: bytes) -> int:
    """How many pages a PDF has (Chromium writes each page object uncompressed)."""
    return len(_PAGE_OBJECT.findall(pdf))


def overflowing_sheets(page: Any) -> list[str]:
    """The `.sheet` elements whose content overflows their A4 box in print media, by index and
    size; empty when everything fits."""
    page.emulate_media(media="print")
    overflowing: list[str] = page.evaluate(
        """() => Array.from(document.querySelectorAll('.sheet')).flatMap((s, i) =>
            s.scrollHeight > s.clientHeight + 1 || s.scrollWidth > s.clientWidth + 1
              ? [`sheet ${i}: ${s.scrollWidth}x${s.scrollHeight} in box ${s.clientHeight}`]
              : [])"""
    )
    return overflowing


def print_pdf(page: Any, url: str) -> tuple[bytes, list[str]]:
    """Open `url` (logged in already), and print it to A4 as Chromium would; answers the PDF and
    the overflowing sheets. The caller asserts the page count it expects and no overflow."""
    response = page.goto(url)
    assert response is not None, url
    assert response.status == 200, url
    assert page.locator(".sheet").count() > 0, f"{url} has no .sheet to print"
    overflow = overflowing_sheets(page)
    pdf: bytes = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    return pdf, overflow
