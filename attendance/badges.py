"""Participants' badges as a PDF: A6 cards, or four A6 cards on each A4 sheet to cut.

Each badge shows the stakeholder category as a colour band with its name in words (for
colour-blind readers and black-and-white printers), the participant's name as large as fits,
their organisation and country, and the QR code of their signed pass.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from registrations.models import Registration, StakeholderCategory
from registrations.pass_lifecycle import registration_pass_code

from .typesetting import BOLD, REGULAR, Fitted, fonts_register, qr_draw, text_draw, text_fit

# Okabe and Ito's palette, told apart by most colour-blind readers: categories without a colour
# of their own take one by position.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
MARGIN = 7 * mm
BAND = 17 * mm
NAME_SIZE = 26
ORGANISATION_SIZE = 13
COUNTRY_SIZE = 11
CATEGORY_SIZE = 16
QR_SIZE = 46 * mm


class Layout(models.TextChoices):
    A6 = "a6", _("One A6 badge per page")
    A4_FOUR = "a4x4", _("Four A6 badges per A4 sheet")


@dataclass(frozen=True)
class Badge:
    """What one badge shows, in the language it is printed in."""

    name: str
    organisation: str
    country: str
    category: str
    colour: str
    code: str


def category_colour(category: StakeholderCategory, index: int) -> str:
    """The category's own badge colour, or one of the palette by its place among categories."""
    return category.badge_colour or PALETTE[index % len(PALETTE)]


def ink_on(colour: str) -> tuple[float, float, float]:
    """Black or white, whichever reads better on the colour (WCAG relative luminance)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(c) for c in HexColor(colour).rgb())
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return (0, 0, 0) if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else (1, 1, 1)


def badges_for(*, registrations: Iterable[Registration], language: str | None) -> list[Badge]:
    """The badges of confirmed registrations (the others have no pass), in each one's language
    unless `language` is given. Categories are numbered once, for their palette colours."""
    positions = {
        pk: index
        for index, pk in enumerate(StakeholderCategory.objects.values_list("pk", flat=True))
    }
    badges = []
    for registration in registrations:
        code = registration_pass_code(registration=registration)
        if code is None:
            continue
        with translation.override(language or registration.language):
            badges.append(
                Badge(
                    name=registration.full_name,
                    organisation=registration.organisation,
                    country=str(registration.get_country_display()),
                    category=str(registration.category),
                    colour=category_colour(
                        registration.category, positions.get(registration.category_id, 0)
                    ),
                    code=code,
                )
            )
    return badges


def _band(canvas: Canvas, badge: Badge, *, x: float, y: float, width: float, label: bool) -> None:
    canvas.setFillColor(HexColor(badge.colour))
    canvas.rect(x, y, width, BAND if label else BAND / 4, stroke=0, fill=1)
    if label:
        canvas.setFillColorRGB(*ink_on(badge.colour))
        fitted = text_fit(
            badge.category.upper(), font=BOLD, width=width - 2 * MARGIN, max_size=CATEGORY_SIZE
        )
        # Two lines at most, centred in the band: a long name is set smaller to stay inside.
        lines = len(fitted.lines)
        size = min(fitted.size, (BAND - 4 * mm) / (0.75 + 1.15 * (lines - 1)))
        fitted = Fitted(fitted.lines, size)
        block = size * (0.75 + 1.15 * (lines - 1))
        text_draw(canvas, fitted, font=BOLD, centre_x=x + width / 2, top=y + (BAND + block) / 2)


def badge_draw(canvas: Canvas, badge: Badge, *, x: float, y: float) -> None:
    """One A6 badge with its lower-left corner at (x, y)."""
    width, height = A6
    inner = width - 2 * MARGIN
    centre = x + width / 2
    _band(canvas, badge, x=x, y=y + height - BAND, width=width, label=True)
    canvas.setFillColorRGB(0, 0, 0)
    name = text_fit(badge.name, font=BOLD, width=inner, max_size=NAME_SIZE, max_lines=3)
    baseline = text_draw(canvas, name, font=BOLD, centre_x=centre, top=y + height - BAND - 9 * mm)
    organisation = text_fit(
        badge.organisation, font=REGULAR, width=inner, max_size=ORGANISATION_SIZE
    )
    baseline = text_draw(canvas, organisation, font=REGULAR, centre_x=centre, top=baseline - 6 * mm)
    canvas.setFillColorRGB(0.25, 0.25, 0.25)
    country = text_fit(badge.country, font=REGULAR, width=inner, max_size=COUNTRY_SIZE, max_lines=1)
    text_draw(canvas, country, font=REGULAR, centre_x=centre, top=baseline - 4 * mm)
    qr_draw(canvas, badge.code, x=centre - QR_SIZE / 2, y=y + BAND / 4 + 4 * mm, size=QR_SIZE)
    _band(canvas, badge, x=x, y=y, width=width, label=False)


def _cut_marks(canvas: Canvas) -> None:
    width, height = A4
    canvas.saveState()
    canvas.setStrokeColorRGB(0.7, 0.7, 0.7)
    canvas.setLineWidth(0.3)
    canvas.setDash(2, 3)
    canvas.line(width / 2, 0, width / 2, height)
    canvas.line(0, height / 2, width, height / 2)
    canvas.restoreState()


def badges_pdf(*, badges: list[Badge], layout: str, title: str) -> bytes:
    """The PDF of the badges: one per A6 page, or four per A4 sheet with cut marks."""
    fonts_register()
    buffer = io.BytesIO()
    four = layout == Layout.A4_FOUR
    canvas = Canvas(buffer, pagesize=A4 if four else A6, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("Alliance Days")
    width, height = A6
    corners = [(0, height), (width, height), (0, 0), (width, 0)] if four else [(0, 0)]
    for start in range(0, len(badges), len(corners)):
        for badge, (x, y) in zip(badges[start : start + len(corners)], corners, strict=False):
            badge_draw(canvas, badge, x=x, y=y)
        if four:
            _cut_marks(canvas)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
