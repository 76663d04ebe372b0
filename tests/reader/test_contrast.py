"""Text colours of the reader's stylesheet meet WCAG 2.1 AA contrast on their backgrounds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "newsroom.css").read_text()
VARS = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", CSS))


def _rgb(hex_colour: str) -> tuple[float, ...]:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return tuple(int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))


def _luminance(hex_colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_formula_matches_known_values():
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert contrast("#777", "#fff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(
    ("fg", "bg", "minimum"),
    [
        ("ink", "paper", 4.5),
        ("muted", "paper", 4.5),
        ("link", "paper", 4.5),
        ("pers-ink", "pers-bg", 4.5),
        ("org-ink", "org-bg", 4.5),
        ("loc-ink", "loc-bg", 4.5),
        ("misc-ink", "misc-bg", 4.5),
        ("focus", "paper", 3.0),  # a focus ring is a graphical object: 3:1
    ],
)
def test_text_and_focus_colours_meet_aa(fg, bg, minimum):
    assert contrast(VARS[fg], VARS[bg]) >= minimum


def test_marks_and_buttons_meet_aa():
    mark = re.search(r"mark \{ background: (#[0-9a-f]{6})", CSS).group(1)
    assert contrast(VARS["ink"], mark) >= 4.5
    assert contrast("#ffffff", VARS["link"]) >= 4.5  # button text on the link colour
