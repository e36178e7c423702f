"""Check-in staff scan passes with the phone's camera, online and offline (issue 12).

Chromium gets a fake camera fed a video of real passes (a Y4M file made here with Pillow from
the PNGs participants are sent): pass A, a pause, then B and C. A is scanned online; the
connection then drops, B and C are verified on the device and queued; back online, the queue
is uploaded. Each of the three is checked in exactly once.
"""

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from checkin.models import CheckIn
from registrations import services as registration_services
from registrations.pass_lifecycle import registration_pass_code, registration_pass_png
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.factories import CheckpointFactory, EventFactory, RegistrationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "door-staff-password-2030"
SIDE = 336  # pixels; even, as 4:2:0 chroma needs
FPS = 3
# (seconds shown, pass index or None for a blank frame): A, a pause long enough to go offline,
# B, C, then a long blank tail so that the video does not loop back to A during the test.
TIMELINE = [(3, 0), (9, None), (2, 1), (2, None), (2, 2), (45, None)]


def y4m_video(path: Path, passes: list[bytes]) -> Path:
    """A Y4M video (4:2:0, grey) of the passes following TIMELINE."""
    frames = []
    for png in [*passes, None]:
        frame = Image.new("L", (SIDE, SIDE), 255)
        if png is not None:
            code = Image.open(io.BytesIO(png)).convert("L")
            # The emailed PNG, shrunk to fit the frame with whole pixels per module.
            code = code.resize((SIDE - 16, SIDE - 16), Image.Resampling.NEAREST)
            frame.paste(code, ((SIDE - code.width) // 2, (SIDE - code.height) // 2))
        chroma = bytes([128]) * (SIDE // 2) * (SIDE // 2) * 2
        frames.append(b"FRAME\n" + frame.tobytes() + chroma)
    blank = frames[-1]
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{SIDE} H{SIDE} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for seconds, index in TIMELINE:
            video.write((blank if index is None else frames[index]) * (seconds * FPS))
    return path


@pytest.fixture
def event():
    today = timezone.localtime(timezone.now(), EventFactory.build().tz).date()
    return EventFactory(start_date=today - timedelta(days=1), end_date=today + timedelta(days=1))


@pytest.fixture
def participants(event):
    return [
        RegistrationFactory(event=event, status="confirmed", full_name=name, needs=needs)
        for name, needs in [
            ("Ana Lucía Restrepo", "Wheelchair access"),
            ("Bruno Costa", ""),
            ("Chiara Rossi", ""),
        ]
    ]


@pytest.fixture
def staff():
    # A staff account (to sign in), with the check-in permission only.
    user = UserFactory(username="door", first_name="Marta", last_name="Gómez", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    # The transactional database of the live server is flushed between tests, groups too.
    user.user_permissions.add(Permission.objects.get(codename="check_in"))
    return user


@pytest.fixture
def camera_page(browser, tmp_path, participants):
    """A page in a Chromium whose camera films the participants' passes (its own browser: the
    fake camera is chosen at launch). Fails the test on any CSP violation, like `page`."""
    video = y4m_video(
        tmp_path / "passes.y4m",
        [registration_pass_png(registration=registration) for registration in participants],
    )
    camera_browser = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    context = camera_browser.new_context(viewport={"width": 412, "height": 915}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    camera_browser.close()
    assert violations == []


def test_scan_online_then_two_offline_uploaded_when_back(
    live_server, camera_page, event, participants, staff
):
    page = camera_page
    entrance = CheckpointFactory(event=event, name="Main entrance")
    page.goto(f"{live_server.url}/events/{event.slug}/check-in/")
    page.fill("#id_username", "door")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    # Pass A, online: the server's answer, in words, with the participant's needs.
    expect(page.locator("#answer-title")).to_have_text("Checked in", timeout=15_000)
    expect(page.locator("#answer-person")).to_contain_text("Ana Lucía Restrepo")
    expect(page.locator("#answer-needs")).to_have_text("Accessibility needs: Wheelchair access")
    expect(page.locator("#answer")).to_have_class("answer mb-3 answer-ok")
    page.context.set_offline(True)
    expect(page.locator("#connection")).to_have_text("Offline: passes are verified on this device")

    # B and C, offline: verified here, queued.
    expect(page.locator("#queue")).to_have_text("2 scans waiting to be sent", timeout=30_000)
    expect(page.locator("#answer-title")).to_have_text(
        "Valid pass: recorded on this device, sent when back online"
    )
    assert CheckIn.objects.count() == 1
    stored = json.dumps(page.evaluate("Object.assign({}, window.localStorage)"))
    assert [name for name in ("Ana", "Bruno", "Chiara", "Restrepo") if name in stored] == []

    page.context.set_offline(False)
    expect(page.locator("#queue")).to_have_text("All scans sent")
    expect(page.locator("#conflicts li")).to_have_count(0)
    rows = CheckIn.objects.order_by("registration__full_name")
    assert [(row.registration, row.checkpoint, row.staff) for row in rows] == [
        (registration, entrance, staff) for registration in participants
    ]


def test_search_by_name_checks_in_and_a_second_time_says_when_and_by_whom(
    live_server, page, event, participants, staff
):
    """Without a camera (the shared browser has none), staff find people by name."""
    CheckpointFactory(event=event, name="Main entrance")
    page.goto(f"{live_server.url}/events/{event.slug}/check-in/")
    page.fill("#id_username", "door")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#camera-error")).to_have_text(
        "No camera available: search by name instead."
    )
    expect(page.locator("#camera")).to_be_hidden()  # no black box where a camera would be
    expect(page.locator("#conflicts-heading")).to_be_hidden()  # nothing to report yet

    page.fill("#search-query", "bruno")
    page.click("#search button[type=submit]")
    expect(page.locator("#search-results li")).to_have_count(1)
    page.click("#search-results li button")
    expect(page.locator("#answer-title")).to_have_text("Checked in")
    page.click("#search-results li button")

    expect(page.locator("#answer-title")).to_have_text("Already checked in")
    check_in = CheckIn.objects.get()
    at = check_in.scanned_at.astimezone(event.tz).strftime("%H:%M")
    expect(page.locator("#answer-detail")).to_have_text(
        f"Checked in at {at} at “Main entrance” by Marta Gómez."
    )
    expect(page.locator("#answer")).to_have_class("answer mb-3 answer-warn")
    assert check_in.registration == participants[1]


def test_queued_scans_the_server_refuses_are_reported_not_lost(
    live_server, page, event, participants, staff
):
    """Scans queued offline (here: left in the browser's storage by an earlier visit) are sent
    when the page is back; one whose registration was cancelled meanwhile is listed."""
    entrance = CheckpointFactory(event=event, name="Main entrance")
    cancelled, valid = participants[0], participants[1]
    queue = [
        {
            "code": registration_pass_code(registration=registration),
            "checkpoint": entrance.pk,
            "nonce": f"queued-scan-{n}",
            "scanned_at": timezone.now().isoformat(),
        }
        for n, registration in enumerate((cancelled, valid))
    ]
    registration_services.registration_cancel(registration_id=cancelled.pk)
    page.goto(f"{live_server.url}/events/{event.slug}/check-in/")
    page.fill("#id_username", "door")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    # Left from an earlier visit: written from another page of the site, so that no check-in
    # page is running to send it before the page under test opens.
    page.goto(f"{live_server.url}/privacy/")
    page.evaluate(
        "([key, queue]) => localStorage.setItem(key, JSON.stringify(queue))",
        [f"check-in-queue-{event.pk}", queue],
    )
    page.goto(f"{live_server.url}/events/{event.slug}/check-in/")

    expect(page.locator("#queue")).to_have_text("All scans sent")
    expect(page.locator("#conflicts li")).to_have_count(1)
    expect(page.locator("#conflicts-heading")).to_be_visible()
    expect(page.locator("#conflicts li")).to_contain_text(
        "Main entrance — Sent later, not admitted: Cancelled registration — Ana Lucía Restrepo"
    )
    assert [row.registration for row in CheckIn.objects.all()] == [valid]


def test_page_opens_again_offline_with_its_queue(live_server, page, event, participants, staff):
    """A phone reloads the tab without a connection: the page comes from its service worker's
    copy, with its queue, and sends the queue once back online."""
    entrance = CheckpointFactory(event=event, name="Main entrance")
    page.goto(f"{live_server.url}/events/{event.slug}/check-in/")
    page.fill("#id_username", "door")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    # The service worker has kept the page (its cache is filled asynchronously).
    kept = "() => caches.match(location.pathname, {ignoreVary: true}).then((r) => r !== undefined)"
    for _ in range(100):
        if page.evaluate(kept):
            break
        page.wait_for_timeout(200)
    assert page.evaluate(kept)
    # A scan queued before the tab was put to sleep (offline first: the page sends nothing now).
    page.context.set_offline(True)
    page.evaluate(
        "([key, scan]) => localStorage.setItem(key, JSON.stringify([scan]))",
        [
            f"check-in-queue-{event.pk}",
            {
                "code": registration_pass_code(registration=participants[2]),
                "checkpoint": entrance.pk,
                "nonce": "offline-after-reload",
                "scanned_at": timezone.now().isoformat(),
            },
        ],
    )

    page.reload()
    expect(page.locator("#connection")).to_have_text("Offline: passes are verified on this device")
    expect(page.locator("#queue")).to_have_text("1 scan waiting to be sent")
    page.context.set_offline(False)

    expect(page.locator("#queue")).to_have_text("All scans sent", timeout=40_000)
    assert [row.registration for row in CheckIn.objects.all()] == [participants[2]]
