"""`ehsaas collect --cnic C --point P --user AGENT (--simulate-match | --simulate-no-match | --code 123456)`:
pay out cash at a payment point as that agent would from a device: a fingerprint through the biometric
simulator (a scan that matches or not), or at a branch the one-time code sent to her phone."""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from ehsaas.payments.apis import outcome_json
from ehsaas.payments.collection import services
from ehsaas.payments.collection.adapters import SimulatedBiometricVerifier
from ehsaas.payments.collection.selectors import point_of_agent
from ehsaas.payments.collection.services import CollectionRefused
from ehsaas.payments.management.lookups import active_user


class Command(BaseCommand):
    help = "Pay out a beneficiary's cash payment at a payment point, as one of its agents."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--cnic", required=True, help="the beneficiary's CNIC")
        parser.add_argument("--point", required=True, help="the payment point's code")
        parser.add_argument("--user", required=True, help="the agent's username")
        how = parser.add_mutually_exclusive_group(required=True)
        how.add_argument(
            "--simulate-match", action="store_true", help="a fingerprint scan that matches (simulator)"
        )
        how.add_argument(
            "--simulate-no-match", action="store_true", help="a fingerprint scan that fails (simulator)"
        )
        how.add_argument("--code", help="the one-time code sent to her phone (at a branch)")

    def handle(self, *args, cnic, point, user, simulate_match, simulate_no_match, code, **options):
        agent = active_user(user)
        where = point_of_agent(agent, point)
        if where is None:
            raise CommandError(f"{user} is not an agent of an active payment point {point}")
        try:
            if code is not None:
                outcome = services.collection_by_code(cnic=cnic, code=code, point=where, agent=agent)
            else:
                reference = SimulatedBiometricVerifier.scan(services.cnic_digits(cnic), bool(simulate_match))
                outcome = services.collection_verify(cnic=cnic, point=where, agent=agent, reference=reference)
        except CollectionRefused as refused:
            raise CommandError(f"{refused.kind}: {refused.text}") from None
        except PermissionDenied:
            raise CommandError(f"{user} may not pay out cash") from None
        answer = outcome_json(outcome)
        self.stdout.write(f"{answer['outcome']} {answer['reference']}: {answer['message']}")
