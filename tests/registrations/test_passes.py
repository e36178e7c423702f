"""Signed passes (registrations/passes.py) and their revocation (pass_lifecycle.py)."""

import base64
import io

import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.core.exceptions import ValidationError
from django.core.management import call_command
from PIL import Image

from registrations import services
from registrations.models import PassRevocation
from registrations.pass_lifecycle import pass_renew, registration_pass_code, revoked_pass_ids
from registrations.passes import (
    CODE_LENGTH,
    InvalidPass,
    b64decode,
    b64encode,
    new_pass_id,
    pass_code,
    pass_png,
    pass_verify,
    published_keys,
)
from tests.factories import RegistrationFactory


def new_key() -> str:
    seed = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    return b64encode(seed)


def test_pass_code_verifies_to_its_event_and_pass_id():
    pass_id = new_pass_id()
    claim = pass_verify(pass_code(event_id=42, pass_id=pass_id))
    assert (claim.event_id, claim.pass_id) == (42, pass_id)
    assert claim.key_id in published_keys()


def test_pass_code_holds_only_version_key_event_pass_and_signature():
    pass_id = new_pass_id()
    data = b64decode(pass_code(event_id=7, pass_id=pass_id))
    assert len(data) == CODE_LENGTH == 89
    assert data[0] == 1
    assert data[5:9] == (7).to_bytes(4, "big")
    assert data[9:25] == b64decode(pass_id)


def test_pass_id_is_128_random_bits():
    ids = {new_pass_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert {len(b64decode(pass_id)) for pass_id in ids} == {16}


@pytest.mark.parametrize("position", [0, 3, 8, 20, 40, 88])
def test_pass_verify_refuses_any_changed_byte(position):
    data = bytearray(b64decode(pass_code(event_id=1, pass_id=new_pass_id())))
    data[position] ^= 0x01
    with pytest.raises(InvalidPass):
        pass_verify(b64encode(bytes(data)))


@pytest.mark.parametrize(
    "code",
    ["", "not a pass", "A" * 119, "A" * 5000, "ÿ" * 10, "AAAA====", None, 12],
)
def test_pass_verify_refuses_garbage(code):
    with pytest.raises(InvalidPass):
        pass_verify(code)


def test_pass_verify_refuses_a_code_signed_with_another_key(settings):
    code = pass_code(event_id=1, pass_id=new_pass_id())
    settings.PASS_SIGNING_KEY = new_key()
    with pytest.raises(InvalidPass, match="unknown key"):
        pass_verify(code)


def test_pass_verify_accepts_a_retired_key_after_rotation(settings):
    old_code = pass_code(event_id=1, pass_id=new_pass_id())
    old_public = published_keys()
    settings.PASS_SIGNING_KEY = new_key()
    settings.PASS_RETIRED_PUBLIC_KEYS = list(old_public.values())
    assert pass_verify(old_code).key_id == next(iter(old_public))
    assert len(published_keys()) == 2


def test_pass_verify_refuses_a_forged_signature_with_a_known_key_id():
    """Someone who read the key id off a pass signs with their own key: refused."""
    genuine = b64decode(pass_code(event_id=1, pass_id=new_pass_id()))
    forger = Ed25519PrivateKey.generate()
    header = genuine[:25]
    with pytest.raises(InvalidPass, match="bad signature"):
        pass_verify(b64encode(header + forger.sign(header)))


def test_pass_png_decodes_to_the_code():
    code = pass_code(event_id=3, pass_id=new_pass_id())
    image = Image.open(io.BytesIO(pass_png(code)))
    (result,) = zxingcpp.read_barcodes(image)
    assert result.text == code
    assert pass_verify(result.text).event_id == 3


def test_pass_keygen_prints_a_usable_key(settings, capsys):
    call_command("pass_keygen")
    lines = capsys.readouterr().out.splitlines()
    seed = lines[0].removeprefix("PASS_SIGNING_KEY=")
    settings.PASS_SIGNING_KEY = seed
    assert len(base64.urlsafe_b64decode(seed + "=")) == 32
    assert lines[1] == f"# public key: {next(iter(published_keys().values()))}"
    pass_verify(pass_code(event_id=1, pass_id=new_pass_id()))


@pytest.mark.django_db
def test_registration_pass_code_only_for_confirmed():
    confirmed = RegistrationFactory(status="confirmed")
    claim = pass_verify(registration_pass_code(registration=confirmed))
    assert (claim.event_id, claim.pass_id) == (confirmed.event_id, confirmed.pass_id)
    for status in ("pending", "waitlisted", "cancelled"):
        assert registration_pass_code(registration=RegistrationFactory(status=status)) is None


@pytest.mark.django_db
def test_registrations_get_distinct_pass_ids_unrelated_to_their_token():
    first, second = RegistrationFactory.create_batch(2)
    assert first.pass_id != second.pass_id
    assert first.pass_id not in first.token


@pytest.mark.django_db
def test_registration_cancel_revokes_the_pass_once():
    registration = RegistrationFactory(status="confirmed")
    services.registration_cancel(registration_id=registration.pk)
    services.registration_cancel(registration_id=registration.pk)
    assert revoked_pass_ids(event_id=registration.event_id) == [registration.pass_id]
    assert PassRevocation.objects.get().reason == "cancelled"


@pytest.mark.django_db
def test_pass_renew_revokes_the_old_code_and_the_new_one_verifies():
    registration = RegistrationFactory(status="confirmed")
    old_pass_id = registration.pass_id
    renewed = pass_renew(registration_id=registration.pk)
    assert renewed.pass_id != old_pass_id
    assert revoked_pass_ids(event_id=registration.event_id) == [old_pass_id]
    new_claim = pass_verify(registration_pass_code(registration=renewed))
    assert new_claim.pass_id == renewed.pass_id


@pytest.mark.django_db
def test_pass_renew_refused_unless_confirmed():
    registration = RegistrationFactory(status="waitlisted")
    with pytest.raises(ValidationError):
        pass_renew(registration_id=registration.pk)
    assert PassRevocation.objects.count() == 0


@pytest.mark.django_db
def test_revocation_list_is_per_event():
    one, other = RegistrationFactory(status="confirmed"), RegistrationFactory(status="confirmed")
    services.registration_cancel(registration_id=other.pk)
    assert revoked_pass_ids(event_id=one.event_id) == []
    assert revoked_pass_ids(event_id=other.event_id) == [other.pass_id]
