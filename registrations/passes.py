"""Participants' passes: a QR code signed with Ed25519 that a scanner verifies without the
server.

A code is base64url (no padding) of 89 bytes: version (1), key id (4), event id (4, big
endian), the registration's pass id (16), then the Ed25519 signature (64) of the first 25.
It holds nothing else: not the private link's token, no name. The key id is the first four
bytes of SHA-256 of the raw public key, so a scanner picks the key from the list the check-in
page downloads (the current key, and retired ones still accepted).

Keys come from settings: PASS_SIGNING_KEY (base64url of a 32-byte Ed25519 private key; `python
manage.py pass_keygen` makes one) and PASS_RETIRED_PUBLIC_KEYS (base64url raw public keys whose
passes are still valid after a rotation).
"""

import base64
import binascii
import hashlib
import io
import secrets
import struct
from dataclasses import dataclass
from functools import cache

import segno
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

VERSION = 1
HEADER = struct.Struct(">B4sI16s")  # version, key id, event id, pass id
SIGNATURE_LENGTH = 64
CODE_LENGTH = HEADER.size + SIGNATURE_LENGTH
PASS_ID_BYTES = 16  # 128 random bits


class InvalidPass(ValueError):
    """A code that is not one of our passes: malformed, unknown key or bad signature."""


@dataclass(frozen=True)
class PassClaim:
    """What a verified code says: this pass id, for this event, signed with this key."""

    event_id: int
    pass_id: str
    key_id: str


def new_pass_id() -> str:
    """A pass's public id: 128 random bits, base64url (22 characters)."""
    return b64encode(secrets.token_bytes(PASS_ID_BYTES))


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64decode(text: str) -> bytes:
    """Strict base64url without padding; InvalidPass on anything else."""
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise InvalidPass("not base64url") from error
    if b64encode(data) != text:
        raise InvalidPass("not canonical base64url")
    return data


def raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(public_key_raw: bytes) -> bytes:
    return hashlib.sha256(public_key_raw).digest()[:4]


@cache
def _signing_key(seed: str) -> Ed25519PrivateKey:
    try:
        raw = b64decode(seed)
    except InvalidPass as error:
        raise ValueError("PASS_SIGNING_KEY is not base64url") from error
    if len(raw) != 32:
        raise ValueError("PASS_SIGNING_KEY must hold 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(raw)


def signing_key() -> Ed25519PrivateKey:
    return _signing_key(settings.PASS_SIGNING_KEY)


@cache
def _public_keys(seed: str, retired: tuple[str, ...]) -> dict[bytes, Ed25519PublicKey]:
    current = _signing_key(seed).public_key()
    keys = [current] + [Ed25519PublicKey.from_public_bytes(b64decode(raw)) for raw in retired]
    return {key_id(raw_public_key(key)): key for key in keys}


def public_keys() -> dict[bytes, Ed25519PublicKey]:
    """Every key whose passes are accepted, by key id: the current one first."""
    return _public_keys(settings.PASS_SIGNING_KEY, tuple(settings.PASS_RETIRED_PUBLIC_KEYS))


def published_keys() -> dict[str, str]:
    """The public keys for scanners: {key id (hex): raw public key (base64url)}."""
    return {kid.hex(): b64encode(raw_public_key(key)) for kid, key in public_keys().items()}


def pass_code(*, event_id: int, pass_id: str) -> str:
    """The signed code of a pass, as printed in its QR code."""
    key = signing_key()
    header = HEADER.pack(
        VERSION, key_id(raw_public_key(key.public_key())), event_id, b64decode(pass_id)
    )
    return b64encode(header + key.sign(header))


def pass_verify(code: str) -> PassClaim:
    """Check a code's form and signature; InvalidPass when it is not one of ours. Revocation
    and the registration's state are the caller's business."""
    if not isinstance(code, str) or len(code) > 200:
        raise InvalidPass("not a pass")
    data = b64decode(code.strip())
    if len(data) != CODE_LENGTH:
        raise InvalidPass("wrong length")
    header, signature = data[: HEADER.size], data[HEADER.size :]
    version, kid, event_id, pass_id = HEADER.unpack(header)
    if version != VERSION:
        raise InvalidPass("unknown version")
    key = public_keys().get(kid)
    if key is None:
        raise InvalidPass("unknown key")
    try:
        key.verify(signature, header)
    except InvalidSignature as error:
        raise InvalidPass("bad signature") from error
    return PassClaim(event_id=event_id, pass_id=b64encode(pass_id), key_id=kid.hex())


def pass_png(code: str, *, scale: int = 8) -> bytes:
    """The QR code of a pass as a PNG (error correction M, a quiet zone of four modules)."""
    buffer = io.BytesIO()
    segno.make_qr(code, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
