"""`ehsaas check-eligibility CNIC`: the 8171 answer for a CNIC, as the page, the SMS and the API give it.

    ehsaas check-eligibility 35202-1234567-1
    ehsaas check-eligibility 3520212345671 --language ur
    ehsaas check-eligibility 3520212345671 --json      # {"status", "programmes", "message"}, as the API

Exit status: 0 answered, 2 the CNIC is malformed (with what is wrong).
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from ehsaas.core.identity import InvalidIdentifier
from ehsaas.portal.eligibility import eligibility_for_cnic

EXIT_MALFORMED = 2


class Command(BaseCommand):
    help = "Print the 8171 eligibility answer for a CNIC."

    def add_arguments(self, parser):
        parser.add_argument("cnic", help="13 digits, with or without dashes")
        parser.add_argument("--language", choices=[code for code, _ in settings.LANGUAGES], default="en")
        parser.add_argument("--json", action="store_true", help="print the API's JSON answer")

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            try:
                answer = eligibility_for_cnic(options["cnic"])
            except InvalidIdentifier as error:
                raise CommandError(str(error), returncode=EXIT_MALFORMED) from None
            if options["json"]:
                self.stdout.write(json.dumps(answer.as_json(), ensure_ascii=False))
                return
            self.stdout.write(str(answer.status.label))
            for name in answer.programme_names():
                self.stdout.write(f"  - {name}")
            self.stdout.write(answer.message)
