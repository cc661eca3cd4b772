"""Deterministic demo data: a provincial party organisation (or the whole country) with members.

The same ``seed`` gives the same data. Units are bulk-inserted with their tree paths computed here;
members go through ``bulk_create`` (SQLite) or ``COPY`` (PostgreSQL, national scale).
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from treebeard.numconv import NumConv

from dangvu.core.text import fold, sort_key, text_sort_key
from dangvu.demo import names
from dangvu.members import rollups
from dangvu.members.enums import MemberStatus
from dangvu.members.models import Member
from dangvu.orgs.models import Org, OrgType

_NUMCONV = NumConv(Org.alphabet)
STEPLEN = Org.steplen


@dataclass
class UnitSpec:
    name: str
    code: str
    type_code: str
    abbreviation: str
    path: str
    depth: int
    numchild: int = 0
    established_on: date | None = None


@dataclass
class Plan:
    units: list[UnitSpec] = field(default_factory=list)
    member_units: list[int] = field(default_factory=list)  # indexes into units that hold members
    province_codes: dict[int, int] = field(default_factory=dict)  # unit index -> CCCD province code


class TreeBuilder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.plan = Plan()
        self._child_counts: dict[str, int] = {}
        self._codes: set[str] = set()

    def add(
        self, parent: UnitSpec | None, name: str, code: str, type_code: str, abbreviation: str
    ) -> UnitSpec:
        parent_path = parent.path if parent else ""
        index = self._child_counts.get(parent_path, 0) + 1
        self._child_counts[parent_path] = index
        path = parent_path + _NUMCONV.int2str(index).rjust(STEPLEN, "0")
        while code in self._codes:
            code += "X"
        self._codes.add(code)
        unit = UnitSpec(
            name,
            code,
            type_code,
            abbreviation,
            path,
            len(path) // STEPLEN,
            established_on=date(2025, 7, 1) if type_code in {"dang-bo-xa"} else None,
        )
        if parent:
            parent.numchild += 1
        self.plan.units.append(unit)
        return unit

    def place(self) -> str:
        return " ".join(self.rng.sample(names.PLACE_WORDS, 2))

    def grassroots(self, parent: UnitSpec, prefix: str, count: int, province_index: int) -> None:
        for g in range(1, count + 1):
            pattern = self.rng.choice(names.GRASSROOTS_KINDS)
            name = pattern.format(n=g, p=self.place())
            if name.startswith("Đảng bộ"):
                unit = self.add(parent, name, f"{prefix}-{g:02d}", "dang-bo-co-so", "ĐU")
                for c in range(1, self.rng.randint(2, 4) + 1):
                    cell = self.add(
                        unit,
                        f"Chi bộ {c} — {name.removeprefix('Đảng bộ ')}",
                        f"{prefix}-{g:02d}-{c}",
                        "chi-bo-truc-thuoc",
                        "CB",
                    )
                    self._member_unit(cell, province_index)
            else:
                unit = self.add(parent, name, f"{prefix}-{g:02d}", "chi-bo-co-so", "CB")
                self._member_unit(unit, province_index)

    def _member_unit(self, unit: UnitSpec, province_index: int) -> None:
        self.plan.member_units.append(len(self.plan.units) - 1)
        self.plan.province_codes[len(self.plan.units) - 1] = province_index

    def province(
        self, parent: UnitSpec | None, province: tuple[str, str, int], communes: int, tccs: tuple[int, int]
    ) -> UnitSpec:
        name, code, cccd_code = province
        root = self.add(
            parent,
            f"Đảng bộ tỉnh {name}"
            if not name.startswith("Thành phố")
            and name not in {"Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Cần Thơ"}
            else f"Đảng bộ thành phố {name.removeprefix('Thành phố ')}",
            f"{code}",
            "dang-bo-tinh",
            "TU",
        )
        for c, committee in enumerate(names.PROVINCE_COMMITTEES, start=1):
            unit = self.add(root, committee, f"{code}-K{c}", "dang-uy-truc-thuoc-tinh", "ĐU")
            self.grassroots(unit, f"{code}-K{c}", self.rng.randint(*tccs), cccd_code)
        for c in range(1, communes + 1):
            kind = "Phường" if self.rng.random() < 0.35 else "Xã"
            unit = self.add(
                root, f"Đảng bộ {kind.lower()} {self.place()}", f"{code}-X{c:03d}", "dang-bo-xa", "ĐU"
            )
            self.grassroots(unit, f"{code}-X{c:03d}", self.rng.randint(*tccs), cccd_code)
        return root


def build_plan(*, seed: int, national: bool) -> Plan:
    rng = random.Random(seed)
    builder = TreeBuilder(rng)
    if national:
        centre = builder.add(None, "Đảng Cộng sản Việt Nam", "TW", "trung-uong", "TW")
        for province in names.PROVINCES:
            builder.province(centre, province, communes=rng.randint(80, 115), tccs=(6, 11))
        for central_name, code in names.CENTRAL:
            unit = builder.add(centre, central_name, code, "dang-bo-truc-thuoc-tw", "ĐU")
            for k in range(1, 41):
                sub = builder.add(
                    unit,
                    f"Đảng ủy {central_name.removeprefix('Đảng bộ ')} khối {k}",
                    f"{code}-K{k}",
                    "dang-uy-truc-thuoc-tinh",
                    "ĐU",
                )
                builder.grassroots(sub, f"{code}-K{k}", rng.randint(3, 8), 1)
    else:
        builder.province(None, ("Ninh Bình", "NB", 37), communes=20, tccs=(6, 12))
    return builder.plan


def insert_units(plan: Plan) -> list[int]:
    types = {t.code: t for t in OrgType.objects.all()}
    rows = []
    for unit in plan.units:
        org = Org(
            name=unit.name,
            code=unit.code,
            abbreviation=unit.abbreviation,
            org_type=types[unit.type_code],
            path=unit.path,
            depth=unit.depth,
            numchild=unit.numchild,
            established_on=unit.established_on,
        )
        org.search_text = fold(f"{unit.name} {unit.code} {unit.abbreviation}")
        org.sort_name = text_sort_key(unit.name)[:600]
        rows.append(org)
    Org.objects.bulk_create(rows, batch_size=2000)
    ids = dict(Org.objects.values_list("path", "pk").order_by())
    return [ids[unit.path] for unit in plan.units]


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> list[str]:
    return rng.choices([p[0] for p in pairs], weights=[max(p[1], 1) for p in pairs], k=4096)


class MemberFactory:
    """Generates member rows; folded names and sort keys are memoized (few distinct names, many people)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed * 7919 + 1)
        self.families = _weighted(self.rng, names.FAMILY)
        self.serials: dict[tuple[int, int, int], int] = {}
        self._derived: dict[str, tuple[str, str]] = {}

    def derived(self, full_name: str) -> tuple[str, str]:
        value = self._derived.get(full_name)
        if value is None:
            value = (fold(full_name), sort_key(full_name)[:400])
            self._derived[full_name] = value
        return value

    def cccd(self, province_code: int, female: bool, birth: date) -> str:
        century_sex = (0 if birth.year < 2000 else 2) + (1 if female else 0)
        bucket = (province_code, century_sex, birth.year % 100)
        serial = self.serials.get(bucket, 0) + 1
        self.serials[bucket] = serial
        return f"{province_code:03d}{century_sex}{birth.year % 100:02d}{serial:06d}"

    def row(self, org_id: int, province_code: int) -> tuple[Any, ...]:
        rng = self.rng
        female = rng.random() < 0.36
        family = self.families[rng.getrandbits(12)]
        middle = rng.choice(names.MIDDLE_FEMALE if female else names.MIDDLE_MALE)
        given = rng.choice(names.GIVEN_FEMALE if female else names.GIVEN_MALE)
        full_name = f"{family} {middle} {given}"
        birth = date(1940, 1, 1) + timedelta(days=rng.randint(0, 365 * 66))
        admitted = birth + timedelta(days=rng.randint(365 * 18, 365 * 18 + 365 * 20))
        admitted = min(admitted, date(2025, 12, 31))
        status = (
            MemberStatus.PROBATIONARY
            if admitted > date(2025, 1, 1)
            else (MemberStatus.EXEMPT if rng.random() < 0.03 else MemberStatus.OFFICIAL)
        )
        folded, key = self.derived(full_name)
        cccd = self.cccd(province_code, female, birth)
        return (
            full_name,
            "female" if female else "male",
            birth,
            cccd,
            org_id,
            str(status),
            admitted,
            f"{folded} {cccd}",
            key,
        )

    def rows(self, count: int, units: list[tuple[int, int]]) -> Iterator[tuple[Any, ...]]:
        # Unit sizes vary (a small chi bộ thôn has a dozen members, a large one over a hundred).
        weights = [0.3 + self.rng.random() * 1.7 for _ in units]
        chosen = self.rng.choices(range(len(units)), weights=weights, k=count)
        for index in chosen:
            org_id, province_code = units[index]
            yield self.row(org_id, province_code)


MEMBER_COLUMNS = [
    "full_name",
    "sex",
    "birth_date",
    "cccd",
    "org_id",
    "status",
    "admitted_on",
    "search_text",
    "sort_key",
    "created_at",
    "updated_at",
]


def insert_members_orm(rows: Iterator[tuple[Any, ...]], batch: int = 5000) -> int:
    count = 0
    buffer: list[Member] = []
    for full_name, sex, birth, cccd, org_id, status, admitted, search, key in rows:
        buffer.append(
            Member(
                full_name=full_name,
                sex=sex,
                birth_date=birth,
                cccd=cccd,
                org_id=org_id,
                status=status,
                admitted_on=admitted,
                search_text=search,
                sort_key=key,
            )
        )
        if len(buffer) >= batch:
            Member.objects.bulk_create(buffer)
            count += len(buffer)
            buffer = []
    if buffer:
        Member.objects.bulk_create(buffer)
        count += len(buffer)
    return count


def _load_time_objects(table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(constraints, indexes) worth dropping during a bulk load: foreign keys and unique constraints,
    and indexes that back no constraint. The primary key stays."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
            [table],
        )
        constraints = list(cursor.fetchall())
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = %s AND i.indexname NOT IN (
                SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)
            """,
            [table, table],
        )
        return constraints, list(cursor.fetchall())


def insert_members_copy(rows: Iterator[tuple[Any, ...]]) -> int:
    """COPY members into PostgreSQL. Constraints and secondary indexes are dropped for the load and
    re-created after it (one validating pass and one index build each, instead of per-row work)."""
    constraints, indexes = _load_time_objects("members_member")
    now = time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime())
    count = 0
    with connection.cursor() as cursor:
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE members_member DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        raw = cursor.cursor
        with raw.copy(f"COPY members_member ({', '.join(MEMBER_COLUMNS)}) FROM STDIN") as copy:
            buffer = io.StringIO()
            for row in rows:
                full_name, sex, birth, cccd, org_id, status, admitted, search, key = row
                buffer.write(
                    f"{full_name}\t{sex}\t{birth.isoformat()}\t{cccd}\t{org_id}\t{status}\t{admitted.isoformat()}\t"
                    f"{search}\t{key}\t{now}\t{now}\n"
                )
                count += 1
                if count % 50000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE members_member ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_member")
        cursor.execute("ANALYZE orgs_org")
    return count


@dataclass
class SeedResult:
    units: int
    members: int
    seconds_units: float
    seconds_members: float
    seconds_rollups: float

    @property
    def member_rows_per_second(self) -> float:
        return self.members / self.seconds_members if self.seconds_members else 0.0


def seed(
    *, members: int, seed: int, national: bool, use_copy: bool | None = None
) -> tuple[SeedResult, list[int], Plan]:
    started = time.perf_counter()
    plan = build_plan(seed=seed, national=national)
    with transaction.atomic():
        ids = insert_units(plan)
    units_done = time.perf_counter()
    factory = MemberFactory(seed)
    member_units = [(ids[i], plan.province_codes[i]) for i in plan.member_units]
    rows = factory.rows(members, member_units)
    copy = use_copy if use_copy is not None else connection.vendor == "postgresql" and members >= 100_000
    with transaction.atomic():
        inserted = insert_members_copy(rows) if copy else insert_members_orm(rows)
    members_done = time.perf_counter()
    with transaction.atomic():
        rollups.rebuild()
    finished = time.perf_counter()
    return (
        SeedResult(
            len(ids), inserted, units_done - started, members_done - units_done, finished - members_done
        ),
        ids,
        plan,
    )
