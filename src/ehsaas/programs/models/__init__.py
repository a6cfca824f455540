"""The programmes app's models, by subdomain: programmes and their rules, beneficiaries and enrolment,
conditionalities, applications."""

from ehsaas.programs.models.applications import (
    TRACKING_PREFIX,
    Application,
    ApplicationDocument,
    ApplicationQuota,
    ApplicationStatusChange,
    document_path,
)
from ehsaas.programs.models.beneficiaries import (
    Beneficiary,
    BeneficiaryStatusChange,
    EnrolmentChange,
    EnrolmentRun,
)
from ehsaas.programs.models.compliance import (
    Compliance,
    ComplianceFile,
    ConditionEvaluation,
    ConditionOutcome,
    HealthVisit,
    SchoolAttendance,
)
from ehsaas.programs.models.programmes import BenefitRule, ConditionRule, Programme

__all__ = [
    "TRACKING_PREFIX",
    "Application",
    "ApplicationDocument",
    "ApplicationQuota",
    "ApplicationStatusChange",
    "Beneficiary",
    "BeneficiaryStatusChange",
    "BenefitRule",
    "Compliance",
    "ComplianceFile",
    "ConditionEvaluation",
    "ConditionOutcome",
    "ConditionRule",
    "EnrolmentChange",
    "EnrolmentRun",
    "HealthVisit",
    "Programme",
    "SchoolAttendance",
    "document_path",
]
