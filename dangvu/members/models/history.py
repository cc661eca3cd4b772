"""Dated history of a member: nothing here is overwritten, each change adds a row."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangvu.accounts.querysets import ByPerson, ByUnit, ScopedQuerySet
from dangvu.members.enums import (
    AwardKind,
    CardEventKind,
    DisciplineForm,
    HistoryKind,
    InterruptionReason,
    MemberStatus,
    TemporaryCategory,
    TransferKind,
    TransferStatus,
)


class MemberOrgPeriod(models.Model):
    """The member belonged to ``org`` from ``started_on`` to ``ended_on`` (open while current)."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="org_periods")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("chi bộ"))
    started_on = models.DateField(_("từ ngày"), null=True, blank=True)
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("quá trình sinh hoạt")
        verbose_name_plural = pgettext_lazy("plural", "quá trình sinh hoạt")
        ordering = ["member", "-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(ended_on__isnull=True), name="one_open_org_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.org_id}"


class MemberStatusChange(models.Model):
    """One status change with its date and legal basis (admission, recognition, removal, …)."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=MemberStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=MemberStatus.choices)
    effective_on = models.DateField(_("ngày hiệu lực"))
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    event = models.CharField(_("nghiệp vụ"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thay đổi trạng thái")
        verbose_name_plural = pgettext_lazy("plural", "thay đổi trạng thái")
        ordering = ["member", "-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.from_status} → {self.to_status}"


class PartyInterruption(models.Model):
    """A period out of party activity; party age does not count it (DOMAIN §4).

    An open period (no end) stops the party-age clock until it is closed. A period out because of a
    removal, a leaving or an expulsion carries the ground of that decision (``EndingGround``), which
    re-admission reads. ``rehabilitated``: the decision was annulled (wrongly expelled, then
    rehabilitated): the period stays on record but party age runs through it. Written only through
    ``dangvu.members.interruptions`` (and the lifecycle verbs), which keep the member's derived
    party-age columns up to date.
    """

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="interruptions")
    reason = models.CharField(_("lý do"), max_length=16, choices=InterruptionReason.choices)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True, help_text=_("Trống nếu chưa kết thúc."))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    ground = models.CharField(
        _("căn cứ ra khỏi Đảng"),
        max_length=40,
        blank=True,
        help_text=_("Với xóa tên, ra khỏi Đảng, khai trừ: mã căn cứ trong danh mục."),
    )
    rehabilitated = models.BooleanField(_("đã được minh oan, phục hồi (tuổi đảng liên tục)"), default=False)

    class Meta:
        verbose_name = _("thời gian gián đoạn")
        verbose_name_plural = pgettext_lazy("plural", "thời gian gián đoạn")
        ordering = ["member", "starts_on"]
        # Statistics of a report day before a closed period's end find its member here (the derived
        # party-age columns count the whole period; ``stats.historic_party_ages``): an empty range on
        # the yearly report's common report days.
        indexes = [
            models.Index(
                fields=["ends_on"],
                condition=Q(ends_on__isnull=False, rehabilitated=False),
                name="interruption_closed_ends_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="interruption_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.starts_on}–{self.ends_on}"


class FamilyRelation(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="family")
    relation = models.CharField(_("quan hệ"), max_length=40, help_text=_("Bố, mẹ, vợ, chồng, con, …"))
    full_name = models.CharField(_("họ và tên"), max_length=150)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    occupation = models.CharField(_("nghề nghiệp"), max_length=150, blank=True)
    address = models.CharField(_("nơi ở"), max_length=255, blank=True)
    note = models.CharField(_("ghi chú (chính trị, lịch sử)"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("quan hệ gia đình")
        verbose_name_plural = pgettext_lazy("plural", "quan hệ gia đình")
        ordering = ["member", "pk"]

    def __str__(self) -> str:
        return f"{self.relation}: {self.full_name}"


class MemberHistory(models.Model):
    """A dated line of the member's work, party or training history (lý lịch)."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(_("loại"), max_length=10, choices=HistoryKind.choices, default=HistoryKind.WORK)
    starts_on = models.DateField(_("từ"))
    ends_on = models.DateField(_("đến"), null=True, blank=True)
    description = models.CharField(_("nội dung"), max_length=500)

    class Meta:
        verbose_name = _("quá trình công tác")
        verbose_name_plural = pgettext_lazy("plural", "quá trình công tác")
        ordering = ["member", "starts_on"]

    def __str__(self) -> str:
        return self.description


class Award(models.Model):
    """An award: the party badge (with its milestone) or another distinction."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="awards")
    kind = models.CharField(_("loại"), max_length=10, choices=AwardKind.choices, default=AwardKind.OTHER)
    title = models.CharField(_("hình thức"), max_length=200)
    milestone_years = models.PositiveSmallIntegerField(_("mốc tuổi đảng"), null=True, blank=True)
    awarded_on = models.DateField(_("ngày trao"))
    decision = models.CharField(_("quyết định"), max_length=200, blank=True)
    posthumous = models.BooleanField(_("truy tặng"), default=False)
    early = models.BooleanField(_("tặng sớm"), default=False)
    # A member removed from the Party returns the badge; a lost badge may be reissued (HD 06-HD/TW).
    returned_on = models.DateField(_("ngày nộp lại"), null=True, blank=True)
    reissued_on = models.DateField(_("ngày cấp lại"), null=True, blank=True)

    class Meta:
        verbose_name = _("khen thưởng")
        verbose_name_plural = pgettext_lazy("plural", "khen thưởng")
        ordering = ["member", "-awarded_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "milestone_years"],
                condition=Q(kind="badge"),
                name="one_badge_per_milestone",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Discipline(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="disciplines")
    form = models.CharField(_("hình thức"), max_length=12, choices=DisciplineForm.choices)
    decided_on = models.DateField(_("ngày quyết định"))
    decision = models.CharField(_("quyết định"), max_length=200)
    authority = models.CharField(_("cấp quyết định"), max_length=200, blank=True)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    # The chi bộ's own vote when it decides (khiển trách, cảnh cáo: Điều lệ Art. 36, QĐ 296-QĐ/TW).
    votes_for = models.PositiveIntegerField(_("số tán thành"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("số không tán thành"), null=True, blank=True)
    members_on_roll = models.PositiveIntegerField(
        _("số đảng viên chính thức trong danh sách"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("kỷ luật")
        verbose_name_plural = pgettext_lazy("plural", "kỷ luật")
        ordering = ["member", "-decided_on"]

    def __str__(self) -> str:
        return f"{self.get_form_display()} ({self.decided_on:%d/%m/%Y})"


class CardEvent(models.Model):
    """Issue, reissue or exchange of the party card; the member row holds the current number."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="card_events")
    kind = models.CharField(_("loại"), max_length=10, choices=CardEventKind.choices)
    card_number = models.CharField(_("số thẻ"), max_length=20)
    previous_number = models.CharField(_("số thẻ cũ"), max_length=20, blank=True)
    issued_on = models.DateField(_("ngày cấp"))
    decision = models.CharField(_("quyết định"), max_length=200, blank=True)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cấp, đổi thẻ đảng")
        verbose_name_plural = pgettext_lazy("plural", "cấp, đổi thẻ đảng")
        ordering = ["member", "-issued_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.card_number}"


class TransferQuerySet(ScopedQuerySet["Transfer"]):
    """A transfer belongs to both units (the sending unit and the receiving one) and to its member."""

    view_permission = "members.view"
    relations = (
        ByUnit("from_org"),
        ByUnit("to_org"),
        ByPerson("member__user", frozenset({"members.view", "members.view_file"})),
    )

    def pending(self) -> TransferQuerySet:
        return self.filter(status=TransferStatus.PENDING)

    def temporary_here(self, on: date) -> TransferQuerySet:
        """Temporary transfers received and still running on ``on``: the member takes part in the
        receiving unit's activity but is counted only where they hold official membership."""
        return self.filter(kind=TransferKind.TEMPORARY, status=TransferStatus.RECEIVED).filter(
            Q(until_on__isnull=True) | Q(until_on__gte=on)
        )

    def into(self, on: date) -> TransferQuerySet:
        """Transfers on their way into a unit, or staying in it temporarily: what follows the unit when
        it is merged and blocks its dissolution."""
        return self.filter(
            Q(status=TransferStatus.PENDING)
            | Q(kind=TransferKind.TEMPORARY, status=TransferStatus.RECEIVED)
            & (Q(until_on__isnull=True) | Q(until_on__gte=on))
        )


class Transfer(models.Model):
    """A transfer of party activity between units: the "pending arrival" queue of both sides.

    Official transfers move the member when the receiving unit takes them in; temporary ones leave the
    member where they are officially (not counted by the receiving unit).
    """

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(_("loại"), max_length=10, choices=TransferKind.choices)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    from_org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="transfers_out", verbose_name=_("từ")
    )
    to_org = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_in",
        verbose_name=_("đến"),
    )
    destination = models.CharField(
        _("nơi đến (ngoài hệ thống)"),
        max_length=255,
        blank=True,
        help_text=_("Khi nơi đến không quản lý trên hệ thống này."),
    )
    letter_number = models.CharField(_("số giấy giới thiệu"), max_length=50, blank=True)
    category = models.CharField(
        _("diện chuyển tạm thời"), max_length=12, choices=TemporaryCategory.choices, blank=True
    )
    decided_on = models.DateField(
        _("ngày quyết định dẫn đến chuyển sinh hoạt"),
        null=True,
        blank=True,
        help_text=_("Quyết định điều động, nghỉ hưu, thôi việc… (chuyển chính thức)."),
    )
    issued_on = models.DateField(_("ngày giới thiệu"))
    due_on = models.DateField(_("hạn xuất trình"), help_text=_("30 ngày làm việc kể từ ngày giới thiệu."))
    until_on = models.DateField(_("đến ngày (tạm thời)"), null=True, blank=True)
    fees_paid_until = models.CharField(_("đã đóng đảng phí hết tháng"), max_length=7, blank=True)
    received_on = models.DateField(_("ngày tiếp nhận"), null=True, blank=True)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    previous_status = models.CharField(max_length=16, choices=MemberStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("chuyển sinh hoạt đảng")
        verbose_name_plural = pgettext_lazy("plural", "chuyển sinh hoạt đảng")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="pending"), name="one_pending_transfer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.from_org_id} → {self.to_org_id or self.destination}"
