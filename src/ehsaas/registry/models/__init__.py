from ehsaas.registry.models.changes import ChangeRequest, DuplicateCandidate
from ehsaas.registry.models.households import Household, Identifier, Member
from ehsaas.registry.models.wealth import WealthFlag, WealthList, WealthListEntry, WealthOverride

__all__ = [
    "ChangeRequest",
    "DuplicateCandidate",
    "Household",
    "Identifier",
    "Member",
    "WealthFlag",
    "WealthList",
    "WealthListEntry",
    "WealthOverride",
]
