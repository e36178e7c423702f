"""What badges and certificates share: the fonts, text fitted to a box, and QR codes drawn as
vectors (sharp at any print size).

The fonts are DejaVu Sans (attendance/fonts, with their licence), embedded in each PDF as a
subset: every Latin letter a participant's name may hold is printed, not a box.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import combinations, pairwise
from pathlib import Path

import segno
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
# Below this share of the largest size, text is set on more lines when they read larger.
SPLIT_BELOW = 0.7


@cache
def fonts_register() -> None:
    """Make the fonts known to reportlab (once per process)."""
    for name in (REGULAR, BOLD):
        pdfmetrics.registerFont(TTFont(name, FONTS / f"{name}.ttf"))


@dataclass(frozen=True)
class Fitted:
    """Text set in one or more lines at one size, each line at most the box's width."""

    lines: tuple[str, ...]
    size: float


def _size_for(lines: tuple[str, ...], font: str, width: float, max_size: float) -> float:
    widest = max(pdfmetrics.stringWidth(line, font, 1) for line in lines)
    return min(max_size, width / widest) if widest else max_size


def _splits(words: list[str], count: int) -> Iterator[tuple[str, ...]]:
    """Every way to set the words on `count` lines, in order."""
    for breaks in combinations(range(1, len(words)), count - 1):
        bounds = (0, *breaks, len(words))
        yield tuple(" ".join(words[a:b]) for a, b in pairwise(bounds))


def text_fit(text: str, *, font: str, width: float, max_size: float, max_lines: int = 2) -> Fitted:
    """Fit text to a width: one line at the largest size up to max_size; when that is much
    smaller than max_size, the split into up to `max_lines` lines that reads largest (fewer
    lines first). The text is never wider than `width`: a single long word shrinks until it
    fits."""
    words = text.split()
    best = Fitted((" ".join(words),), _size_for((" ".join(words),), font, width, max_size))
    for count in range(2, min(max_lines, len(words)) + 1):
        if best.size >= max_size * SPLIT_BELOW:
            break
        for lines in _splits(words, count):
            size = _size_for(lines, font, width, max_size)
            if size > best.size:
                best = Fitted(lines, size)
    return best


def text_draw(
    canvas: Canvas,
    fitted: Fitted,
    *,
    font: str,
    centre_x: float,
    top: float,
    leading: float = 1.15,
) -> float:
    """Draw fitted lines centred on centre_x, the first line's cap height at `top`; returns the
    baseline of the last line."""
    canvas.setFont(font, fitted.size)
    baseline = top - fitted.size * 0.75
    for index, line in enumerate(fitted.lines):
        if index:
            baseline -= fitted.size * leading
        canvas.drawCentredString(centre_x, baseline, line)
    return baseline


def qr_draw(canvas: Canvas, data: str, *, x: float, y: float, size: float) -> None:
    """A QR code (error correction M, quiet zone of four modules) as filled rectangles, one per
    run of dark modules in a row, in a size x size square whose lower-left corner is (x, y)."""
    qr = segno.make_qr(data, error="m")
    matrix = [list(row) for row in qr.matrix]
    modules = len(matrix) + 8
    module = size / modules
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 4) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            path.rect(x + (start + 4) * module, top - module, (column - start) * module, module)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
