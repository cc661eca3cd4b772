"""Shared member fixtures."""

from datetime import date

import pytest

from dangvu.members import lifecycle
from dangvu.members.services import member_create


@pytest.fixture
def xa_members(tree, admin_user):
    """Four current members under XA (one probationer admitted in 2026) and one under XB."""
    for org, name, sex, born, admitted in [
        (tree.a1, "Trần Văn Đức", "male", date(1980, 1, 2), date(2000, 3, 1)),
        (tree.a1, "Nguyễn Thị Anh", "female", date(1995, 3, 4), date(2018, 5, 1)),
        (tree.a2, "Lê Thị Mai", "female", date(1950, 5, 6), date(1975, 1, 1)),
        (tree.b1, "Lê Văn Bình", "male", date(1970, 5, 6), date(1990, 1, 1)),
    ]:
        member_create(
            actor=admin_user, org=org, full_name=name, sex=sex, birth_date=born, admitted_on=admitted
        )
    lifecycle.member_admit(
        actor=admin_user,
        org=tree.a2,
        full_name="Phạm Thị Hoa",
        sex="female",
        birth_date=date(2000, 1, 1),
        admitted_on=date(2026, 1, 5),
        ceremony_on=date(2026, 1, 20),
    )
