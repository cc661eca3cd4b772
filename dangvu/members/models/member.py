"""The member file (phiếu đảng viên / lý lịch) as the Party keeps it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangvu.accounts.querysets import ByPerson, ByUnit, ScopedQuerySet
from dangvu.core.fields import CodeField
from dangvu.core.models import TimeStampedModel
from dangvu.core.spreadsheets.safety import formula_error, looks_like_formula
from dangvu.core.text import fold, sort_key
from dangvu.members.enums import (
    CURRENT_STATUSES,
    DatePrecision,
    MemberStatus,
    Sex,
    StateManagementLevel,
    TheoryLevel,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

cccd_validator = RegexValidator(r"^\d{12}$", _("Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."))
phone_validator = RegexValidator(r"^[0-9+ .()-]{8,20}$", _("Số điện thoại không hợp lệ."))


def cccd_prefix(digits: str) -> Q:
    """CCCDs starting with ``digits``, as a range the unique index answers: [digits, next prefix)."""
    following = str(int(digits) + 1).zfill(len(digits)) if digits.strip("9") else ""
    if not following or len(following) > len(digits):
        return Q(cccd__gte=digits)
    return Q(cccd__gte=digits, cccd__lt=following)


class MemberQuerySet(ScopedQuerySet["Member"]):
    """A member belongs to their unit (chi bộ), to the unit they are transferring into while the
    transfer is pending, and to themselves: a member with an account sees their own file, read-only,
    whatever their roles."""

    view_permission = "members.view"
    # Set by ``with_token_plan`` on a list filtered by nothing but its unit subtree and a name search:
    # its pages can then be read from the name tokens (``search.token_page``).
    token_plan: Any = None
    relations = (
        ByUnit("org"),
        # The unit a member is transferring into sees them (to check the file and receive them); it
        # manages them only once they are received.
        ByUnit(
            "transfers__to_org",
            frozenset({"members.view", "members.view_file"}),
            where=Q(status="pending"),
        ),
        ByPerson("user", frozenset({"members.view", "members.view_file"}), by_key=True),
    )

    def current(self) -> MemberQuerySet:
        return self.filter(status__in=CURRENT_STATUSES)

    def _clone(self) -> MemberQuerySet:
        clone = super()._clone()  # type: ignore[misc]
        clone.token_plan = self.token_plan
        return clone

    def with_token_plan(self, plan: Any) -> MemberQuerySet:
        """The same rows, whose pages may be read from the name tokens by ``plan`` (the caller vouches
        that the rows are exactly the subtree's members matching the plan's words)."""
        clone = self._clone()
        clone.token_plan = plan
        return clone

    def page_keys(self, offset: int, limit: int) -> list[int]:
        """Primary keys of rows ``offset`` to ``offset + limit`` in this queryset's order: from the name
        tokens when a token plan serves it (the first pages of a common word), else by slicing."""
        if self.token_plan is not None:
            from dangvu.members.search import token_page

            keys = token_page(self.token_plan, offset, limit)
            if keys is not None:
                return keys
        return list(self.values_list("pk", flat=True)[offset : offset + limit])

    def in_subtree(self, org: Any) -> MemberQuerySet:
        from dangvu.orgs.models import Org

        # "unit IN (the subtree's ids)": a hashed lookup per row, which the covering name-order index
        # can be filtered by without joining the units.
        return self.filter(org__in=Org.objects.filter(path__startswith=org.path).values("pk"))

    def visible_subtree(self, user: Any, org: Any, perm: str | None = None) -> MemberQuerySet:
        """``visible_to(user).in_subtree(org)``, without repeating the scope filter when the user sees
        the whole subtree anyway (one filter instead of two keeps the planner's estimates right)."""
        from dangvu.accounts.permissions import scope_for

        if scope_for(user, perm or self.view_permission).covers_subtree(org):
            return self.in_subtree(org)
        return self.visible_to(user, perm).in_subtree(org)

    def search(
        self, query: str | None, *, user: Any, substring: bool = False, memo: dict[Any, Any] | None = None
    ) -> MemberQuerySet:
        """Accent-insensitive name search (each word of the query starts a word of the name, or with
        ``substring`` occurs anywhere in it: trigram index on PostgreSQL; ``memo``: one request's answers
        to the vocabulary and planner questions, shared with its page and total); digits match a CCCD by
        prefix, or a card or file number exactly, but only in the units where ``user`` may open the
        file and so see the full numbers: elsewhere lists show the CCCD masked, and matching it would
        let anyone rebuild it digit by digit (``user=None``: the system, every member). See
        ``dangvu.members.search``."""
        from django.db import connection

        from dangvu.accounts.permissions import scope_q
        from dangvu.core.search import filter_search
        from dangvu.core.text import search_terms
        from dangvu.members.search import word_search

        text = (query or "").strip()
        if text.isdigit():
            numbers = cccd_prefix(text) | Q(card_number=text) | Q(file_number=text)
            if user is not None:
                numbers &= scope_q(user, "members.view_file")
            return self.filter(numbers)
        if substring:
            return filter_search(self, text, substring=True)  # type: ignore[return-value]
        terms = search_terms(text)
        if terms and connection.vendor == "postgresql":
            return word_search(self, terms, memo)
        return filter_search(self, text)  # type: ignore[return-value]

    def in_name_order(self) -> MemberQuerySet:
        """Vietnamese name order (given name, middle, family), the way a search chose to serve it."""
        key = "name_key" if "name_key" in self.query.annotations else "sort_key"
        return self.order_by(key, "pk")


def masked_cccd(cccd: str | None) -> str:
    """A CCCD as lists show it: the last 4 digits only."""
    return f"••••••••{cccd[-4:]}" if cccd else ""


def birth_date_iso(born: date | None, precision: str) -> str | None:
    """A partly known birth date in ISO form: ``1970``, ``1970-05`` or ``1970-05-17``."""
    if born is None:
        return None
    if precision == DatePrecision.YEAR:
        return f"{born:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{born:%Y-%m}"
    return born.isoformat()


class NameWord(models.Model):
    """A folded word that occurs in some member's name: the vocabulary that turns a typed prefix
    ("ngu") into the whole words the search index holds ("nguyen", "nguyet", …)."""

    word = models.CharField(max_length=60, primary_key=True)

    class Meta:
        verbose_name = _("từ trong họ tên")
        verbose_name_plural = pgettext_lazy("plural", "từ trong họ tên")

    def __str__(self) -> str:
        return self.word


class MemberNameToken(models.Model):
    """One word of a member's folded name, with the member's name-order key and unit: an inverted index
    whose postings are kept in Vietnamese name order, so the first page of a common word ("hung", "thi")
    is the first entries of one index range rather than a sort of every match (``search.token_page``).

    Derived data, written by the database (trigger ``members_name_tokens_sync``, PostgreSQL only; see
    migrations 0022 and 0031) whenever a member's folded name, sort key or unit changes, or its unit
    moves to another area (``area``); SQLite has no rows here
    and searches its small data directly.
    """

    pk = models.CompositePrimaryKey("member", "word")
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the primary key (member, word) starts with it
        related_name="name_tokens",
    )
    # Byte order (C collation), like ``Member.sort_key``: the postings' order is the list's order, and a
    # word range [term, next) is every word the term starts.
    word = CodeField(max_length=60)
    sort_key = CodeField(max_length=400)
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    # The path of the unit's ancestor just below the root (``search.AREA_DEPTH``; the unit's own path
    # when it is the root): its province in the national tree. A search within a province reads that
    # province's postings in name order (``member_token_area_idx``) instead of the country's, filtered.
    # Kept by the triggers of migration 0031 when the member changes unit or a unit moves.
    area = CodeField(max_length=255, default="", editable=False)

    class Meta:
        verbose_name = _("từ trong họ tên đảng viên")
        verbose_name_plural = pgettext_lazy("plural", "từ trong họ tên đảng viên")
        indexes = [
            # A word's members in name order, with their unit (scope filter without the member rows).
            models.Index(
                fields=["word", "sort_key", "member"], include=["org"], name="member_token_order_idx"
            ),
            # The same within one area (province): its postings of a word, in name order.
            models.Index(
                fields=["word", "area", "sort_key", "member"], include=["org"], name="member_token_area_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.word


class Member(TimeStampedModel):
    """A party member: identity, background, party milestones and the unit (chi bộ) they belong to now.

    History is kept in dated rows (``MemberOrgPeriod``, ``MemberStatusChange``, ``MemberHistory``, …):
    a change never overwrites the past. Status and unit change only through the lifecycle services.
    """

    # The member's own account, if they have one: they see their own file ("Hồ sơ của tôi").
    # One file per account (a partial unique index: it holds the few linked rows, not millions of NULLs).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member_files",
        verbose_name=_("tài khoản"),
        db_index=False,
    )
    # Identity
    full_name = models.CharField(_("họ và tên"), max_length=150)
    other_names = models.CharField(_("tên gọi khác"), max_length=150, blank=True)
    sex = models.CharField(_("giới tính"), max_length=6, choices=Sex.choices)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_date_precision = models.CharField(
        _("độ chính xác ngày sinh"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    birth_place = models.CharField(_("nơi sinh"), max_length=255, blank=True)
    hometown = models.CharField(_("quê quán"), max_length=255, blank=True)
    permanent_address = models.CharField(_("nơi thường trú"), max_length=255, blank=True)
    current_address = models.CharField(_("nơi ở hiện nay"), max_length=255, blank=True)
    ethnicity = models.ForeignKey(
        "members.Ethnicity",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dân tộc"),
        db_index=False,  # a reference list of a few dozen rows: no index over millions of members
    )
    religion = models.ForeignKey(
        "members.Religion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tôn giáo"),
        db_index=False,  # a reference list of a few dozen rows: no index over millions of members
    )
    # Unique through ``member_cccd_unique``, whose btree also serves prefix searches (as a range): no
    # second, pattern-ops index over millions of rows.
    # Since 1/7/2024 (Luật Căn cước 2023) the card is the thẻ căn cước and its 12 digits are the số định
    # danh cá nhân; the field keeps its name ``cccd`` (API, imports, exports).
    cccd = CodeField(
        _("số định danh cá nhân (CCCD)"), max_length=12, null=True, blank=True, validators=[cccd_validator]
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("thư điện tử"), blank=True)
    photo = models.ImageField(_("ảnh"), upload_to="members/photos/", blank=True)

    # Education and work
    general_education = models.CharField(
        _("giáo dục phổ thông"), max_length=20, blank=True, help_text=_("Ví dụ: 12/12")
    )
    professional_degree = models.CharField(_("chuyên môn, nghiệp vụ"), max_length=150, blank=True)
    political_theory = models.CharField(
        _("lý luận chính trị"),
        max_length=12,
        choices=TheoryLevel.choices,
        blank=True,
        default=TheoryLevel.NONE,
    )
    state_management = models.CharField(
        _("quản lý nhà nước"), max_length=20, choices=StateManagementLevel.choices, blank=True, default=""
    )
    foreign_languages = models.CharField(_("ngoại ngữ"), max_length=150, blank=True)
    occupation = models.CharField(_("nghề nghiệp"), max_length=150, blank=True)
    work_unit = models.CharField(_("đơn vị công tác"), max_length=255, blank=True)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)

    # Party milestones
    org = models.ForeignKey(
        # No index of its own: the (org, status) index below serves lookups by unit.
        "orgs.Org",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("chi bộ"),
        db_index=False,
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.OFFICIAL
    )
    admitted_on = models.DateField(_("ngày quyết định kết nạp"), null=True, blank=True)
    ceremony_on = models.DateField(_("ngày lễ kết nạp"), null=True, blank=True)
    recognized_on = models.DateField(_("ngày công nhận chính thức"), null=True, blank=True)
    first_admitted_on = models.DateField(
        _("ngày kết nạp lần đầu"), null=True, blank=True, help_text=_("Chỉ với đảng viên được kết nạp lại.")
    )
    readmitted_on = models.DateField(_("ngày kết nạp lại"), null=True, blank=True)
    card_admitted_on = models.DateField(
        _("ngày vào Đảng ghi trên thẻ"),
        null=True,
        blank=True,
        help_text=_("Dùng để tính tuổi đảng khi không có ngày quyết định kết nạp."),
    )
    # Derived by ``dangvu.members.services.party_age_refresh`` from the dates above, the periods out of
    # the Party and the death, so that statistics and badge lists count party age in SQL:
    # party age on a day D = D (or ``party_age_until`` when earlier) − ``party_age_from``.
    party_age_from = models.DateField(null=True, blank=True, editable=False)
    party_age_until = models.DateField(null=True, blank=True, editable=False)
    # Unique through Meta.constraints: exact look-ups only, so no second (LIKE) index as unique=True adds.
    card_number = CodeField(_("số thẻ đảng viên"), max_length=20, null=True, blank=True)
    file_number = CodeField(_("số lý lịch"), max_length=20, null=True, blank=True)
    introducers = models.CharField(_("người giới thiệu"), max_length=300, blank=True)
    status_changed_on = models.DateField(_("ngày thay đổi trạng thái"), null=True, blank=True)
    recognition_extension_days = models.PositiveSmallIntegerField(
        _("gia hạn xét công nhận (ngày làm việc)"),
        default=0,
        help_text=_(
            "Thời hạn cấp có thẩm quyền xét công nhận chính thức được gia hạn một lần, tối đa 30 ngày làm việc."
        ),
    )
    # The clocks of admission and recognition (``members.clocks``): what starts them and what the
    # committee recorded to stretch them.
    admission_resolution_on = models.DateField(
        _("ngày nghị quyết chi bộ đề nghị kết nạp"), null=True, blank=True
    )
    admission_extension_days = models.PositiveSmallIntegerField(
        _("gia hạn xét kết nạp (ngày làm việc)"), default=0
    )
    decision_received_on = models.DateField(_("ngày nhận quyết định kết nạp"), null=True, blank=True)
    late_ceremony_agreement = models.CharField(
        _("ý kiến cấp ủy cấp trên cho tổ chức lễ kết nạp muộn"), max_length=300, blank=True
    )
    over_age_approval = models.CharField(
        _("ý kiến cấp ủy trực thuộc Trung ương (kết nạp người trên 60 tuổi)"), max_length=300, blank=True
    )
    recognition_resolution_on = models.DateField(
        _("ngày nghị quyết chi bộ đề nghị công nhận chính thức"), null=True, blank=True
    )
    # Official status dates from the end of the 12 months (``recognized_on``); the day the committee
    # decided is what its clock is measured against.
    recognition_decided_on = models.DateField(
        _("ngày quyết định công nhận chính thức"), null=True, blank=True
    )
    notes = models.TextField(_("ghi chú"), blank=True)

    search_text = models.TextField(blank=True, default="", editable=False)
    # The words of ``search_text`` and the pairs of common words (``search.index_words``): what the
    # PostgreSQL word index is built on.
    search_words = models.TextField(blank=True, default="", editable=False)
    sort_key = CodeField(max_length=400, blank=True, default="", editable=False)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = pgettext_lazy("plural", "đảng viên")
        indexes = [
            models.Index(fields=["org", "status"], name="member_org_status_idx"),
            # Name order, covering the list filters: a page of a big unit is found by walking this
            # index alone (PostgreSQL index-only scan); SQLite ignores ``include``.
            models.Index(
                fields=["sort_key"],
                include=["id", "org", "status", "sex", "birth_date", "search_text"],
                name="member_name_order_idx",
            ),
            # The few members whose party-age clock stopped (death, a period out still open): party-age
            # filters and posthumous badge lists find them without reading every row.
            models.Index(
                fields=["party_age_until"],
                condition=Q(party_age_until__isnull=False),
                name="member_party_age_stopped_idx",
            ),
            # Statistics of a period that cuts a month count that month's events from the rows: a date
            # range, a few days of the country's admissions, recognitions or deaths.
            models.Index(fields=["admitted_on"], name="member_admitted_on_idx"),
            models.Index(fields=["recognized_on"], name="member_recognized_on_idx"),
            models.Index(
                fields=["status_changed_on"],
                condition=Q(status="deceased"),
                name="member_deceased_on_idx",
            ),
            # Age and party-age bands count whole years on the report day: within the year that straddles
            # a band boundary, the members not yet at their anniversary are a date range counted here
            # (PostgreSQL index-only scans; the unit from ``org``).
            models.Index(
                fields=["birth_date", "org"],
                condition=Q(status__in=CURRENT_STATUSES),
                name="member_current_birth_idx",
            ),
            models.Index(
                fields=["party_age_from", "org"],
                condition=Q(status__in=CURRENT_STATUSES, party_age_until__isnull=True),
                name="member_party_age_running_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(user__isnull=False), name="member_one_file_per_account"
            ),
            models.UniqueConstraint(
                fields=["cccd"],
                name="member_cccd_unique",
                violation_error_message=_(
                    "Số định danh cá nhân (CCCD) này đã có trong hồ sơ của một đảng viên khác."
                ),
            ),
            models.UniqueConstraint(fields=["card_number"], name="member_card_number_unique"),
            models.UniqueConstraint(fields=["file_number"], name="member_file_number_unique"),
            models.CheckConstraint(
                condition=Q(ceremony_on__isnull=True)
                | Q(admitted_on__isnull=True)
                | Q(ceremony_on__gte=models.F("admitted_on")),
                name="member_ceremony_after_admission",
            ),
            models.CheckConstraint(
                condition=Q(recognized_on__isnull=True)
                | Q(admitted_on__isnull=True)
                | Q(recognized_on__gt=models.F("admitted_on")),
                name="member_recognition_after_admission",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])

    def refresh_derived(self) -> None:
        for name, value in derived_values(self.full_name, self.other_names).items():
            setattr(self, name, value)

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES

    @property
    def masked_cccd(self) -> str:
        """CCCD as shown in lists: the last 4 digits only."""
        return masked_cccd(self.cccd)

    def birth_date_display(self) -> str:
        if self.birth_date is None:
            return ""
        if self.birth_date_precision == DatePrecision.YEAR:
            return f"{self.birth_date.year}"
        if self.birth_date_precision == DatePrecision.MONTH:
            return f"{self.birth_date:%m/%Y}"
        return f"{self.birth_date:%d/%m/%Y}"

    def birth_date_iso(self) -> str | None:
        return birth_date_iso(self.birth_date, self.birth_date_precision)

    def age_on(self, on: date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    def clean(self) -> None:
        errors = file_errors(self.__dict__, timezone.localdate())
        if errors:
            raise ValidationError(errors)


def file_errors(values: Mapping[str, Any], today: date) -> dict[str, StrOrPromise]:
    """The rules a member file's values keep together: no formula-like text, no date in the future,
    admission after birth, the ceremony not before the admission, the recognition after it and never
    for a probationer. The one definition behind ``Member.clean`` (forms, API, services) and
    ``dangvu.members.services.new_member`` (the import's rows). ``values``: by attribute name."""
    errors: dict[str, StrOrPromise] = {}
    for field in FORMULA_FREE_FIELDS:
        text = values.get(field)
        if text and looks_like_formula(text):
            errors[field] = formula_error(_formula_label(field))
    for field in ("birth_date", "admitted_on", "ceremony_on", "recognized_on", "card_admitted_on"):
        day = values.get(field)
        if day is not None and day > today:
            errors[field] = _("Ngày không được ở tương lai.")
    birth_date, admitted_on = values.get("birth_date"), values.get("admitted_on")
    ceremony_on, recognized_on = values.get("ceremony_on"), values.get("recognized_on")
    if birth_date and admitted_on and admitted_on <= birth_date:
        errors["admitted_on"] = _("Ngày kết nạp phải sau ngày sinh.")
    if admitted_on and ceremony_on and ceremony_on < admitted_on:
        errors["ceremony_on"] = _("Ngày lễ kết nạp không được trước ngày quyết định kết nạp.")
    if recognized_on and admitted_on and recognized_on <= admitted_on:
        errors["recognized_on"] = _("Ngày công nhận chính thức phải sau ngày kết nạp.")
    if values.get("status") == MemberStatus.PROBATIONARY and recognized_on:
        errors["recognized_on"] = _("Đảng viên dự bị chưa có ngày công nhận chính thức.")
    return errors


def _formula_label(field: str) -> Any:
    label = Member._meta.get_field(field).verbose_name  # type: ignore[union-attr]
    return capfirst(label)


# Text that can never start like a spreadsheet formula (see dangvu.core.spreadsheets.safety): names,
# places, addresses, work. Free notes may start with "-" (a list) and are not exported.
FORMULA_FREE_FIELDS = (
    "full_name",
    "other_names",
    "birth_place",
    "hometown",
    "permanent_address",
    "current_address",
    "email",
    "general_education",
    "professional_degree",
    "foreign_languages",
    "occupation",
    "work_unit",
    "position",
    "introducers",
)


def derived_values(full_name: str, other_names: str = "") -> dict[str, str]:
    """The columns a member's names derive: folded search text, indexed words and the sort key.

    Names only: CCCD, card and file numbers are matched by prefix on their own indexes.
    """
    from dangvu.members.search import index_words

    search_text = fold(f"{full_name} {other_names}")
    return {
        "search_text": search_text,
        "search_words": index_words(search_text),
        "sort_key": sort_key(full_name)[:400],
    }
