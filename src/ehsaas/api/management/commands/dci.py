"""`ehsaas dci …`: the operator's tools for the DCI API.

    ehsaas dci keygen                          # make the registry's signing key (once), print its public key
    ehsaas dci public-key                      # print the registry's public key, for clients to verify us
    ehsaas dci register-client spmis.example.org --name "SPMIS" --districts PK-PB-LHR,PK-PB-ATK \
        --personal-data --callback-uri https://spmis.example.org/dci/ --key-out spmis.pem
    ehsaas dci sign request.json --key spmis.pem   # print request.json signed, fresh message_id and message_ts

Exit status: 0 done, 2 refused (nothing written).
"""

import json
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ehsaas.api import signing
from ehsaas.api.envelope import our_key
from ehsaas.api.services import ClientRefused, dci_client_register

EXIT_REFUSED = 2


def _codes(raw: str | None) -> list[str]:
    return [code.strip() for code in (raw or "").split(",") if code.strip()]


class Command(BaseCommand):
    help = "Keys, clients and signed requests of the DCI Social Registry API."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        keygen = actions.add_parser("keygen", help="make the registry's signing key if there is none")
        keygen.add_argument("--force", action="store_true", help="replace an existing key")
        actions.add_parser("public-key", help="print the registry's public key (base64)")
        register = actions.add_parser("register-client", help="register a client system and its key")
        register.add_argument("sender_id")
        register.add_argument("--name", required=True)
        register.add_argument("--public-key", help="the client's ed25519 public key, base64 (32 bytes)")
        register.add_argument(
            "--key-out", type=Path, help="without --public-key: write the new private key here"
        )
        register.add_argument("--districts", help="district codes the client may see, comma-separated")
        register.add_argument("--provinces", help="province codes the client may see, comma-separated")
        register.add_argument("--nationwide", action="store_true", help="the client sees every district")
        register.add_argument(
            "--personal-data", action="store_true", help="the client sees names and ID numbers"
        )
        register.add_argument("--callback-uri", default="", help="callbacks go only to URIs under this one")
        register.add_argument("--user", help="the username the registration is recorded under")
        sign = actions.add_parser("sign", help="print a request envelope signed with a client's key")
        sign.add_argument("file", type=Path, help="JSON with header and message")
        sign.add_argument("--key", type=Path, required=True, help="the client's private key (PEM)")
        sign.add_argument("--no-stamp", action="store_true", help="keep message_id and message_ts as written")

    def handle(self, *args, **options):
        getattr(self, "_" + options["action"].replace("-", "_"))(options)

    def _keygen(self, options):
        path = Path(settings.DCI_SIGNING_KEY_FILE)
        if path.exists() and not options["force"]:
            self.stdout.write(signing.public_key_text(our_key()))
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        key = signing.new_private_key()
        path.write_bytes(signing.private_key_pem(key))
        path.chmod(0o600)
        self.stderr.write(f"signing key written to {path}")
        self.stdout.write(signing.public_key_text(key))

    def _public_key(self, options):
        self.stdout.write(signing.public_key_text(our_key()))

    def _register_client(self, options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user named {options['user']!r}", returncode=EXIT_REFUSED)
        private = None
        public = options["public_key"]
        if not public:
            private = signing.new_private_key()
            public = signing.public_key_text(private)
        try:
            client = dci_client_register(
                acting_user=user,
                sender_id=options["sender_id"],
                name=options["name"],
                public_key=public,
                callback_uri=options["callback_uri"],
                nationwide=options["nationwide"],
                district_codes=_codes(options["districts"]),
                province_codes=_codes(options["provinces"]),
                personal_data=options["personal_data"],
            )
        except ClientRefused as refused:
            raise CommandError(str(refused), returncode=EXIT_REFUSED) from None
        self.stderr.write(f"client {client.sender_id} registered; public key {public}")
        if private is not None:
            pem = signing.private_key_pem(private)
            if options["key_out"]:
                options["key_out"].write_bytes(pem)
                options["key_out"].chmod(0o600)
                self.stderr.write(f"its private key is in {options['key_out']}: give it to the client only")
            else:
                self.stdout.write(pem.decode(), ending="")

    def _sign(self, options):
        try:
            envelope = json.loads(options["file"].read_text())
            key = signing.load_private_key_pem(options["key"].read_bytes())
            header, message = envelope["header"], envelope["message"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"cannot sign: {error}", returncode=EXIT_REFUSED) from None
        if not options["no_stamp"]:
            header["message_id"] = uuid.uuid4().hex
            header["message_ts"] = timezone.now().isoformat()
        key_id = f"{header.get('sender_id', '')}|{signing.public_key_text(key)[:16]}|{signing.ALGORITHM}"
        signed = {
            "signature": signing.sign(header, message, private_key=key, key_id=key_id),
            "header": header,
            "message": message,
        }
        self.stdout.write(json.dumps(signed, ensure_ascii=False, indent=2))
