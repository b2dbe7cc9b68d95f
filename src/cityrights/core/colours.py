"""Colour arithmetic for accessible themes and charts (WCAG 2.x contrast).

Cities choose their own theme colours and the charts pick text colours per cell, so the
contrast rules of WCAG 2.x (1.4.3 text, 1.4.11 graphics) have to be computed rather than
eyeballed. Everything here works on ``#RRGGBB`` strings, the only form the theme settings
accept, so a value that passed validation can always be measured.
"""

from __future__ import annotations

import re

__all__ = [
    "BLACK",
    "MIN_GRAPHIC_CONTRAST",
    "MIN_TEXT_CONTRAST",
    "WHITE",
    "contrast_ratio",
    "is_valid_hex",
    "mix",
    "readable_text_colour",
    "relative_luminance",
]

BLACK = "#000000"
WHITE = "#ffffff"
MIN_TEXT_CONTRAST = 4.5
"""WCAG 1.4.3 (AA) minimum for normal-size text."""
MIN_GRAPHIC_CONTRAST = 3.0
"""WCAG 1.4.11 (AA) minimum for lines, markers and other meaningful graphics."""

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def is_valid_hex(value: str) -> bool:
    """True for ``#RRGGBB`` (either case); the short ``#RGB`` form is deliberately refused."""
    return isinstance(value, str) and bool(_HEX.match(value))


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    if not is_valid_hex(hex_colour):
        raise ValueError(f"Not a #RRGGBB colour: {hex_colour!r}")
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def _channel(value: int) -> float:
    """Linearise one sRGB channel (0..255) as the WCAG definition prescribes."""
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    """WCAG relative luminance: 0.0 for black, 1.0 for white."""
    r, g, b = _rgb(hex_colour)
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio ``(L1 + 0.05) / (L2 + 0.05)``, from 1.0 (same) to 21.0."""
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def readable_text_colour(background: str, dark: str = BLACK, light: str = WHITE) -> str:
    """``dark`` or ``light``, whichever contrasts more with ``background``.

    With the default pure black and white the result always reaches at least 4.58:1, so
    text on any fill meets WCAG AA; softer ``dark``/``light`` pairs give up that guarantee.
    """
    if contrast_ratio(background, dark) >= contrast_ratio(background, light):
        return dark
    return light


def mix(first: str, second: str, weight: float) -> str:
    """Blend two colours in sRGB: ``weight`` 0.0 gives ``first``, 1.0 gives ``second``.

    Used to build sequential palettes from two theme colours without a colour library.
    """
    weight = min(max(float(weight), 0.0), 1.0)
    a, b = _rgb(first), _rgb(second)
    channels = (round(x + (y - x) * weight) for x, y in zip(a, b, strict=True))
    return "#" + "".join(f"{c:02x}" for c in channels)
