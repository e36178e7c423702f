"""Badge PDFs (attendance/badges.py): their text, their fit, and the pass read back from the
printed QR code."""

import io

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader
from reportlab.lib.pagesizes import A6
from reportlab.pdfbase import pdfmetrics

from attendance.badges import MARGIN, NAME_SIZE, PALETTE, Layout, badges_for, badges_pdf, ink_on
from attendance.typesetting import BOLD, fonts_register, text_fit
from registrations.models import Registration
from registrations.passes import pass_verify
from tests.factories import CategoryFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

LONG_NAME = "Maria da Conceição Wołodźko-Świętosławska de Albuquerque e Castro Łukasiewicz"


def pdf_pages(content: bytes) -> list[list[str]]:
    """Each page's text, line by line."""
    pages = PdfReader(io.BytesIO(content)).pages
    return [[line.strip() for line in page.extract_text().splitlines()] for page in pages]


def pdf_runs(content: bytes, page: int = 0) -> list[tuple[str, float, float]]:
    """(text, font size, x) of each text run drawn on a page."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((text.strip(), size, tm[4]))

    PdfReader(io.BytesIO(content)).pages[page].extract_text(visitor_text=visit)
    return runs


def badge(registration, *, layout=Layout.A6, language=None) -> bytes:
    registrations = Registration.objects.filter(pk=registration.pk).select_related("category")
    return badges_pdf(
        badges=badges_for(registrations=registrations, language=language),
        layout=layout,
        title="Badges",
    )


@pytest.fixture
def participant(government):
    return RegistrationFactory(
        status="confirmed",
        full_name="João Gonçalves Ñúñez",
        organisation="Universidade de São Paulo",
        country="BR",
        category=government,
        language="pt",
    )


def test_badge_shows_category_name_organisation_and_country(participant):
    assert pdf_pages(badge(participant, language="en")) == [
        ["GOVERNMENT", "João Gonçalves Ñúñez", "Universidade de São Paulo", "Brazil"]
    ]


def test_badge_in_the_participants_language_by_default(participant):
    assert pdf_pages(badge(participant)) == [
        ["GOVERNO", "João Gonçalves Ñúñez", "Universidade de São Paulo", "Brasil"]
    ]


def test_badge_long_name_shrinks_and_stays_inside(government):
    participant = RegistrationFactory(status="confirmed", full_name=LONG_NAME, category=government)

    runs = [run for run in pdf_runs(badge(participant)) if run[0] in LONG_NAME]

    width = A6[0]
    assert " ".join(text for text, _size, _x in runs) == LONG_NAME
    for text, size, x in runs:
        assert 12 < size < NAME_SIZE  # shrunk, on three lines, and still readable
        right = x + pdfmetrics.stringWidth(text, BOLD, size)
        assert (text, x >= MARGIN - 0.01, right <= width - MARGIN + 0.01) == (text, True, True)


def test_text_fit_never_wider_than_the_box():
    fonts_register()
    for text in ("Jo", LONG_NAME, "Averyveryveryverylongsinglewordnamewithoutanyspaces"):
        fitted = text_fit(text, font=BOLD, width=200, max_size=26, max_lines=3)
        assert " ".join(fitted.lines) == text
        assert max(pdfmetrics.stringWidth(line, BOLD, fitted.size) for line in fitted.lines) <= 200
    assert text_fit("Jo", font=BOLD, width=200, max_size=26).size == 26


def test_badge_qr_code_reads_back_as_the_signed_pass(participant):
    page = pypdfium2.PdfDocument(badge(participant))[0]
    image = page.render(scale=4).to_pil()

    (barcode,) = zxingcpp.read_barcodes(image)

    claim = pass_verify(barcode.text)
    assert (claim.event_id, claim.pass_id) == (participant.event_id, participant.pass_id)


def test_four_badges_per_a4_sheet(government):
    event = RegistrationFactory(status="confirmed", category=government).event
    for n in range(4):
        RegistrationFactory(
            event=event, status="confirmed", full_name=f"Zed {n}", category=government
        )
    registrations = Registration.objects.filter(event=event).order_by("full_name")

    content = badges_pdf(
        badges=badges_for(registrations=registrations, language="en"),
        layout=Layout.A4_FOUR,
        title="Badges",
    )

    reader = PdfReader(io.BytesIO(content))
    assert [(round(p.mediabox.width), round(p.mediabox.height)) for p in reader.pages] == [
        (595, 842),
        (595, 842),
    ]
    names = [
        line for page in pdf_pages(content) for line in page if line.startswith(("Zed", "Part"))
    ]
    assert names == [r.full_name for r in registrations]


def test_badges_only_for_confirmed_registrations(government):
    confirmed = RegistrationFactory(status="confirmed", category=government)
    RegistrationFactory(event=confirmed.event, status="pending", category=government)
    RegistrationFactory(event=confirmed.event, status="cancelled", category=government)

    badges = badges_for(registrations=Registration.objects.all(), language="en")

    assert [b.name for b in badges] == [confirmed.full_name]


def test_category_colour_its_own_or_the_palette_by_position(government):
    coloured = CategoryFactory(name="Press", slug="press", position=1, badge_colour="#123456")
    RegistrationFactory(status="confirmed", category=government, full_name="A")
    RegistrationFactory(status="confirmed", category=coloured, full_name="B")

    badges = badges_for(registrations=Registration.objects.order_by("full_name"), language="en")

    position = list(type(government).objects.values_list("pk", flat=True)).index(government.pk)
    assert [b.colour for b in badges] == [PALETTE[position % len(PALETTE)], "#123456"]


def test_ink_on_a_colour_is_the_more_readable():
    assert [ink_on(c) for c in ("#0072B2", "#F0E442", "#000000", "#FFFFFF")] == [
        (1, 1, 1),
        (0, 0, 0),
        (1, 1, 1),
        (0, 0, 0),
    ]
