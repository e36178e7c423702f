"""Badges of 500 participants as one PDF (issue 12): target <= 60 s.

Setup: a fresh SQLite database in a temporary folder (the PDF is built in Python: the database
only hands over the 500 rows), migrated, with 500 confirmed participants of one event spread
over the seven stakeholder categories, with accented names of every length (some needing three
lines). Measures, for each layout (A6 pages; four A6 badges per A4 sheet), the time to read the
registrations, sign their passes and typeset the PDF, as the admin action "Print badges" does
(attendance.badges.badges_for + badges_pdf). Checks: the page count, and that the QR code of
the last badge, rendered at 300 dpi (pypdfium2) and read back (zxing-cpp), verifies as that
participant's pass.

Run: .venv/bin/python bench/badges_pdf.py [--participants 500]
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60
FIRST = ["Ana Lucía", "João", "Zoë", "Maria da Conceição", "Łukasz", "Ñusta", "Björn", "Chloé"]
LAST = [
    "Restrepo Ñáñez",
    "Gonçalves",
    "Wołodźko-Świętosławska de Albuquerque e Castro",
    "Müller",
    "Ó Súilleabháin",
    "Dvořák",
    "Pérez",
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=500)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-badges-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    import pypdfium2
    import zxingcpp
    from django.utils import timezone
    from pypdf import PdfReader

    from attendance.badges import Layout, badges_for, badges_pdf
    from events.models import Event
    from registrations.models import Registration, StakeholderCategory
    from registrations.passes import pass_verify

    event = Event.objects.create(
        name="Bench Days",
        slug="bench-days",
        city="Cartagena",
        venue="Centre",
        time_zone="America/Bogota",
        start_date=timezone.localdate(),
        end_date=timezone.localdate(),
        published=True,
    )
    categories = list(StakeholderCategory.objects.all())
    harness.registrations_create(
        event,
        args.participants,
        full_name=lambda n: f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]} {n}",
        organisation=lambda n: "Ministerio de Tecnologías de la Información y las Comunicaciones",
        category=lambda n: categories[n % len(categories)],
        language=lambda n: ("en", "es", "pt-br")[n % 3],
    )
    ordered = (
        Registration.objects.filter(event=event)
        .select_related("category")
        .order_by("category__position", "category__name", "full_name", "pk")
    )
    harness.header(f"Badges of {args.participants} participants, one PDF (issue 12)")
    missed, broken, figures = [], [], {"participants": args.participants}
    for layout, per_page in ((Layout.A6, 1), (Layout.A4_FOUR, 4)):
        started = time.perf_counter()
        content = badges_pdf(
            badges=badges_for(registrations=ordered, language=None), layout=layout, title="Badges"
        )
        seconds = time.perf_counter() - started
        pages = len(PdfReader(io.BytesIO(content)).pages)
        image = pypdfium2.PdfDocument(content)[pages - 1].render(scale=300 / 72).to_pil()
        codes = [pass_verify(barcode.text).pass_id for barcode in zxingcpp.read_barcodes(image)]
        last = list(ordered)[-1]
        if pages != -(-args.participants // per_page):
            broken.append(f"{layout.label}: {pages} pages")
        if last.pass_id not in codes:
            broken.append(f"{layout.label}: the last badge's QR code does not read back")
        if seconds > TARGET_SECONDS:
            missed.append(f"{layout.label}: {seconds:.1f} s > {TARGET_SECONDS} s")
        figures[layout.value] = {
            "seconds": round(seconds, 2),
            "pages": pages,
            "bytes": len(content),
        }
        print(
            f"{layout.label}: {args.participants} badges in {seconds:.1f} s "
            f"({1000 * seconds / args.participants:.1f} ms per badge), {pages} pages, "
            f"{len(content) / 1e6:.1f} MB; the last badge's QR code verifies: "
            f"{last.pass_id in codes}",
            flush=True,
        )
    harness.save("badges_pdf", figures)
    return harness.verdict(missed, broken)


if __name__ == "__main__":
    sys.exit(main())
