"""The party-member database: the member file, its dated history, reference lists and rules."""

from dangvu.members.models.authority import (
    DecisionAuthority,
    DecisionDelegation,
    DecisionLevel,
    DecisionVerb,
    DelegablePower,
    MemberProposal,
    ProposalStatus,
)
from dangvu.members.models.conflicts import ConflictOutcome, IdentityConflict
from dangvu.members.models.history import (
    Award,
    CardEvent,
    Discipline,
    FamilyRelation,
    MemberHistory,
    MemberOrgPeriod,
    MemberStatusChange,
    PartyInterruption,
    Transfer,
)
from dangvu.members.models.imports import ImportProgress, MemberImport
from dangvu.members.models.member import Member, MemberNameToken, MemberQuerySet, NameWord
from dangvu.members.models.reference import EndingGround, Ethnicity, MemberRule, Religion
from dangvu.members.models.rollup import MemberStatDelta, OrgMemberCount, OrgMemberStat

__all__ = [
    "Award",
    "CardEvent",
    "ConflictOutcome",
    "DecisionAuthority",
    "DecisionDelegation",
    "DecisionLevel",
    "DecisionVerb",
    "DelegablePower",
    "Discipline",
    "EndingGround",
    "Ethnicity",
    "FamilyRelation",
    "IdentityConflict",
    "ImportProgress",
    "Member",
    "MemberHistory",
    "MemberImport",
    "MemberNameToken",
    "MemberOrgPeriod",
    "MemberProposal",
    "MemberQuerySet",
    "MemberRule",
    "MemberStatDelta",
    "MemberStatusChange",
    "NameWord",
    "OrgMemberCount",
    "OrgMemberStat",
    "PartyInterruption",
    "ProposalStatus",
    "Religion",
    "Transfer",
]
