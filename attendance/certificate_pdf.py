"""A certificate of attendance as a PDF (A4 landscape), in the participant's language: who
attended which event, on which days, with the link (and its QR code) where anyone can check
it."""

import io
from datetime import date

from django.utils import formats, translation
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from events.models import Event

from .typesetting import BOLD, REGULAR, fonts_register, qr_draw, text_draw, text_fit

ACCENT = HexColor("#003399")
MARGIN = 22 * mm
QR_SIZE = 30 * mm


def days_text(days: list[date]) -> str:
    """The days, in the active language: "27 November 2023, 28 November 2023 and …"."""
    return get_text_list([formats.date_format(day, "DATE_FORMAT") for day in days], _("and"))


def certificate_pdf(
    *, name: str, event: Event, days: list[date], language: str, verify_url: str
) -> bytes:
    """The certificate of a participant who attended `event` on `days`."""
    fonts_register()
    width, height = landscape(A4)
    inner = width - 2 * MARGIN
    centre = width / 2
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1)
    with translation.override(language):
        title = _("Certificate of attendance")
        canvas.setTitle(f"{title}: {name}")
        canvas.setCreator("Alliance Days")
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(2)
        canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm, stroke=1, fill=0)
        canvas.setFillColor(ACCENT)
        line = text_draw(
            canvas,
            text_fit(title, font=BOLD, width=inner, max_size=30, max_lines=1),
            font=BOLD,
            centre_x=centre,
            top=height - 32 * mm,
        )
        canvas.setFillColorRGB(0, 0, 0)
        blocks = [
            (_("This certifies that"), REGULAR, 14, 1, 14 * mm),
            (name, BOLD, 34, 2, 8 * mm),
            (_("attended"), REGULAR, 14, 1, 9 * mm),
            (event.name, BOLD, 20, 2, 6 * mm),
            (f"{event.venue}, {event.city}", REGULAR, 13, 2, 5 * mm),
            (_("on %(days)s.") % {"days": days_text(days)}, REGULAR, 14, 3, 9 * mm),
        ]
        for text, font, size, lines, space in blocks:
            fitted = text_fit(text, font=font, width=inner, max_size=size, max_lines=lines)
            line = text_draw(canvas, fitted, font=font, centre_x=centre, top=line - space)
        qr_draw(canvas, verify_url, x=MARGIN, y=16 * mm, size=QR_SIZE)
        canvas.setFont(REGULAR, 9)
        canvas.drawString(
            MARGIN + QR_SIZE + 5 * mm,
            16 * mm + QR_SIZE / 2 + 2 * mm,
            _("Check this certificate at:"),
        )
        canvas.drawString(MARGIN + QR_SIZE + 5 * mm, 16 * mm + QR_SIZE / 2 - 3 * mm, verify_url)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
