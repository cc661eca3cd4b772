"""Who decides each member verb (thẩm quyền quyết định), as versioned data, and the chi bộ's proposals.

* ``DecisionAuthority`` — per verb and (optionally) per type of the member's unit, with its dates and
  legal basis: which level decides (the chi bộ itself, the grassroots organisation, the committee
  directly above it, the province), which body there (Ban Thường vụ, chi bộ, …), the permission the
  person who records the decision holds in that unit, and the chi bộ vote the proposal (or the chi
  bộ's own decision) needs.
* ``DecisionDelegation`` — a per-unit override: a đảng ủy cơ sở given admission power by a decision of
  the committee above (number and date) decides, in its subtree, the verbs of that power.
* ``MemberProposal`` — what a role below the deciding level records instead of the verb: the chi bộ
  resolution (number, date, vote) that the deciding level turns into its decision, or returns.

The resolution and the check are in ``dangvu.members.authority`` (one function for pages, forms, API).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangvu.accounts.querysets import ByUnit, ScopedQuerySet


class DecisionVerb(models.TextChoices):
    """The verbs whose deciding level is data. Discipline is one verb per form (the level differs)."""

    ADMIT = "admit", _("Kết nạp đảng viên")
    READMIT = "readmit", _("Kết nạp lại")
    RECOGNIZE = "recognize", _("Công nhận đảng viên chính thức")
    END_PROBATION = "end-probation", _("Xóa tên đảng viên dự bị")
    REMOVE = "remove", _("Xóa tên")
    LEAVE = "leave", _("Cho ra khỏi Đảng")
    REHABILITATE = "rehabilitate", _("Phục hồi đảng tịch (minh oan)")
    BADGE = "badge", _("Tặng Huy hiệu Đảng")
    REPRIMAND = "discipline:khien-trach", _("Kỷ luật khiển trách")
    WARNING = "discipline:canh-cao", _("Kỷ luật cảnh cáo")
    DISMISSAL = "discipline:cach-chuc", _("Kỷ luật cách chức")
    EXPULSION = "discipline:khai-tru", _("Kỷ luật khai trừ")


class DecisionLevel(models.TextChoices):
    """Where the deciding unit sits, counted from the member's unit (so one row serves a chi bộ cơ sở
    and a chi bộ trực thuộc alike)."""

    CELL = "cell", _("Chi bộ của đảng viên")
    GRASSROOTS = "grassroots", _("Tổ chức cơ sở đảng")
    ABOVE_GRASSROOTS = "above_grassroots", _("Cấp ủy cấp trên trực tiếp của tổ chức cơ sở đảng")
    PROVINCE = "province", _("Cấp tỉnh và tương đương")


class DelegablePower(models.TextChoices):
    ADMISSION = "admission", _("Quyền kết nạp đảng viên")


class DecisionAuthorityQuerySet(models.QuerySet["DecisionAuthority"]):
    def in_force(self, on: object) -> DecisionAuthorityQuerySet:
        return self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))


class DecisionAuthority(models.Model):
    """Which level and body decides ``verb`` for members of units of ``org_type`` (empty: any type)
    between ``valid_from`` and ``valid_to``. A row for the member's unit type wins over the row for
    any type. ``vote_*``: the share of the chi bộ's full members on the roll (not of votes cast) whose
    vote the chi bộ's resolution needs — the proposal's, or, when the chi bộ decides itself, the
    decision's (``vote_strict``: more than the share, else at least)."""

    verb = models.CharField(_("nghiệp vụ"), max_length=30, choices=DecisionVerb.choices)
    org_type = models.ForeignKey(
        "orgs.OrgType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loại đơn vị của đảng viên"),
        help_text=_("Để trống: áp dụng cho mọi loại đơn vị."),
    )
    level = models.CharField(_("cấp quyết định"), max_length=20, choices=DecisionLevel.choices)
    body = models.CharField(_("cơ quan quyết định"), max_length=120, help_text=_("Ví dụ: Ban Thường vụ"))
    permission = models.CharField(
        _("quyền của người ghi nhận quyết định"),
        max_length=60,
        default="members.decide",
        help_text=_("Mã quyền người ghi nhận phải có tại đơn vị quyết định."),
    )
    delegable = models.CharField(
        _("có thể ủy quyền theo"), max_length=20, choices=DelegablePower.choices, blank=True
    )
    vote_numerator = models.PositiveSmallIntegerField(_("tỷ lệ biểu quyết: tử số"), null=True, blank=True)
    vote_denominator = models.PositiveSmallIntegerField(_("tỷ lệ biểu quyết: mẫu số"), null=True, blank=True)
    vote_strict = models.BooleanField(_("phải quá tỷ lệ (không chỉ bằng)"), default=False)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=300)
    is_default = models.BooleanField(_("giá trị mặc định, chưa xác nhận"), default=False)

    objects = DecisionAuthorityQuerySet.as_manager()

    class Meta:
        verbose_name = _("thẩm quyền quyết định")
        verbose_name_plural = pgettext_lazy("plural", "thẩm quyền quyết định")
        ordering = ["verb", "org_type", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["verb", "org_type", "valid_from"], name="decision_authority_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="decision_authority_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(vote_numerator__isnull=True, vote_denominator__isnull=True)
                | Q(vote_numerator__gt=0, vote_denominator__gte=models.F("vote_numerator")),
                name="decision_authority_vote_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_verb_display()}: {self.body} ({self.get_level_display()})"


class DecisionDelegationQuerySet(models.QuerySet["DecisionDelegation"]):
    def in_force(self, on: object) -> DecisionDelegationQuerySet:
        return self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))


class DecisionDelegation(models.Model):
    """``org`` (a đảng ủy cơ sở) holds ``power`` from ``valid_from`` (to ``valid_to``) by decision
    ``decision_number`` of ``decision_date`` of the committee above: for members in its subtree its
    whole committee decides the verbs of that power, instead of the unit-type default."""

    org = models.ForeignKey(
        "orgs.Org",
        on_delete=models.PROTECT,
        related_name="delegations",
        verbose_name=_("đơn vị được ủy quyền"),
    )
    power = models.CharField(
        _("quyền"), max_length=20, choices=DelegablePower.choices, default=DelegablePower.ADMISSION
    )
    body = models.CharField(_("cơ quan quyết định"), max_length=120, default="Đảng ủy (tập thể cấp ủy)")
    granted_by = models.ForeignKey(
        "orgs.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations_granted",
        verbose_name=_("cấp ủy giao quyền"),
    )
    decision_number = models.CharField(_("số quyết định giao quyền"), max_length=100)
    decision_date = models.DateField(_("ngày quyết định giao quyền"))
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)

    objects = DecisionDelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("ủy quyền quyết định")
        verbose_name_plural = pgettext_lazy("plural", "ủy quyền quyết định")
        ordering = ["org", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="decision_delegation_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} — {self.get_power_display()} ({self.decision_number})"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Chờ cấp có thẩm quyền quyết định")
    DECIDED = "decided", _("Đã quyết định")
    RETURNED = "returned", _("Đã trả lại")


class MemberProposalQuerySet(ScopedQuerySet["MemberProposal"]):
    """A proposal belongs to the proposing unit (the chi bộ and the levels above it see it) and to the
    deciding unit, whose decision-makers see it in their worklist."""

    view_permission = "members.view"
    relations = (
        ByUnit("org"),
        ByUnit("deciding_org", frozenset({"members.view", "members.view_file", "members.decide"})),
    )

    def open(self) -> MemberProposalQuerySet:
        return self.filter(status=ProposalStatus.PROPOSED)


class MemberProposal(models.Model):
    """The chi bộ's resolution proposing a verb for a member (Mẫu 6-KNĐ, 13-KNĐ, …): its number, date
    and vote, the inputs the verb will need (``details``), the unit and body that must decide it
    (resolved when proposed), and what the deciding level did with it."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="proposals")
    verb = models.CharField(_("nghiệp vụ đề nghị"), max_length=30, choices=DecisionVerb.choices)
    details = models.JSONField(_("nội dung đề nghị"), default=dict, blank=True)
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị đề nghị")
    )
    deciding_org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị quyết định")
    )
    deciding_body = models.CharField(_("cơ quan quyết định"), max_length=200)
    resolution_number = models.CharField(_("số nghị quyết của chi bộ"), max_length=100)
    resolution_date = models.DateField(_("ngày nghị quyết"))
    votes_for = models.PositiveIntegerField(_("số tán thành"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("số không tán thành"), null=True, blank=True)
    members_on_roll = models.PositiveIntegerField(
        _("số đảng viên chính thức trong danh sách"), null=True, blank=True
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người ghi nhận")
    )
    proposed_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi nhận quyết định"),
    )
    decided_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=100, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    signer = models.CharField(_("người ký"), max_length=150, blank=True)
    return_reason = models.CharField(_("lý do trả lại"), max_length=500, blank=True)

    objects = MemberProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("đề nghị của chi bộ")
        verbose_name_plural = pgettext_lazy("plural", "đề nghị của chi bộ")
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["deciding_org", "status"], name="proposal_deciding_status_idx")]
        constraints = [
            # One open proposal per member and verb: a second resolution waits for the first to be handled.
            models.UniqueConstraint(
                fields=["member", "verb"], condition=Q(status="proposed"), name="proposal_one_open_per_verb"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_verb_display()}: {self.member} ({self.resolution_number})"

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.member_id]) + "#proposals"
