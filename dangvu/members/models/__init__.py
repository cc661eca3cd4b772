"""The party-member database: the member file, its dated history, reference lists and rules."""

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
from dangvu.members.models.imports import MemberImport
from dangvu.members.models.member import Member, MemberQuerySet, NameWord
from dangvu.members.models.reference import EndingGround, Ethnicity, MemberRule, Religion
from dangvu.members.models.rollup import OrgMemberCount, OrgMemberStat

__all__ = [
    "Award",
    "CardEvent",
    "Discipline",
    "EndingGround",
    "Ethnicity",
    "FamilyRelation",
    "Member",
    "MemberHistory",
    "MemberImport",
    "MemberOrgPeriod",
    "MemberQuerySet",
    "MemberRule",
    "MemberStatusChange",
    "NameWord",
    "OrgMemberCount",
    "OrgMemberStat",
    "PartyInterruption",
    "Religion",
    "Transfer",
]
