"""Documents fixtures: the signing keys of the demo committee (from the signing tests), a leader and a
clerk at commune XA, a clerk at commune XB."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from dangvu.documents.models import IssuingOrgan
from dangvu.orgs.models import Term
from tests.conftest import grant, make_user
from tests.signing.conftest import authority, demo_keys, signing_dir  # noqa: F401 - fixtures used here


@dataclass
class Office:
    leader: Any  # lãnh đạo at XA: reviews, signs, assigns
    clerk: Any  # văn thư at XA: registers, issues (seal)
    clerk_b: Any  # văn thư at XB
    leader_b: Any  # lãnh đạo at XB
    specialist_b: Any  # chuyên viên at XB


@pytest.fixture
def office(people, tree, demo_keys) -> Office:  # noqa: F811 - the imported fixture
    IssuingOrgan.objects.create(org=tree.xa, place="Ninh Bình", parent_line="Đảng bộ tỉnh Ninh Bình")
    Term.objects.create(org=tree.xa, name="2025–2030", starts_on="2025-08-01")
    clerk_b, leader_b, specialist_b = make_user("clerkb"), make_user("leaderb"), make_user("specialistb")
    grant(clerk_b, "van-thu", tree.xb)
    grant(leader_b, "lanh-dao", tree.xb)
    grant(specialist_b, "chuyen-vien", tree.xb)
    return Office(people.secretary, people.clerk, clerk_b, leader_b, specialist_b)
