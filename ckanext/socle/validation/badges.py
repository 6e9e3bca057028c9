"""Badge texts, colours and the embeddable SVG (text on every badge, contrast >= 4.5:1)."""
from __future__ import annotations

from xml.sax.saxutils import escape

# Background colours for white text; each pair has a contrast ratio of at least 4.5:1
# (checked by tests/validation/test_badges.py).
COLOURS = {
    "conforme": "#18753c",
    "a_ameliorer": "#8f4700",
    "non_conforme": "#c00000",
    "erreur": "#6e445a",
    "en_cours": "#0055b3",
    "non_verifie": "#53565a",
}
LABEL_COLOUR = "#2b2b2b"
ICONS = {"conforme": "✓", "a_ameliorer": "!", "non_conforme": "✗", "erreur": "⚠", "en_cours": "…",
         "non_verifie": "?"}


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _width(text: str) -> int:
    # Verdana 11px averages ~6.6 px a character; wide enough for accents and symbols.
    return int(len(text) * 6.8) + 12


def svg(left: str, right: str, state: str) -> str:
    """A flat shields-style badge ``left | right`` with a <title> for screen readers."""
    colour = COLOURS.get(state, COLOURS["non_verifie"])
    lw, rw = _width(left), _width(right)
    total = lw + rw
    title = escape(f"{left} : {right}")
    left_e, right_e = escape(left), escape(right)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label="{title}"><title>{title}</title>'
        f'<rect width="{lw}" height="20" fill="{LABEL_COLOUR}"/>'
        f'<rect x="{lw}" width="{rw}" height="20" fill="{colour}"/>'
        f'<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">'
        f'<text x="{lw / 2:.1f}" y="14">{left_e}</text>'
        f'<text x="{lw + rw / 2:.1f}" y="14">{right_e}</text></g></svg>'
    )
