from ehsaas.payments.models.accounts import AccountChangeRequest, PaymentAccount
from ehsaas.payments.models.collections import BiometricAttempt, Collection, CollectionCode
from ehsaas.payments.models.cycles import REFERENCE_PREFIX, Payment, PaymentCycle, payment_id_of
from ehsaas.payments.models.instructions import InstructionBatch, ProviderSubmission
from ehsaas.payments.models.providers import PaymentPoint, PaymentPolicy, Provider
from ehsaas.payments.models.statuses import StatusFile, StatusProblem

__all__ = [
    "REFERENCE_PREFIX",
    "AccountChangeRequest",
    "BiometricAttempt",
    "Collection",
    "CollectionCode",
    "InstructionBatch",
    "Payment",
    "PaymentAccount",
    "PaymentCycle",
    "PaymentPoint",
    "PaymentPolicy",
    "Provider",
    "ProviderSubmission",
    "StatusFile",
    "StatusProblem",
    "payment_id_of",
]
