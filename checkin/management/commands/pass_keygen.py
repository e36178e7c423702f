"""Print a new Ed25519 key pair for signing passes: PASS_SIGNING_KEY for the server's
environment, and its public key (for PASS_RETIRED_PUBLIC_KEYS after the next rotation)."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.core.management.base import BaseCommand

from registrations.passes import b64encode, raw_public_key


class Command(BaseCommand):
    help = "Print a new key pair for signing participants' passes."

    def handle(self, *args, **options):
        key = Ed25519PrivateKey.generate()
        seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        self.stdout.write(f"PASS_SIGNING_KEY={b64encode(seed)}")
        self.stdout.write(f"# public key: {b64encode(raw_public_key(key.public_key()))}")
