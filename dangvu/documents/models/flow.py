"""How documents move: approval routes and reviews of drafts, assignments and progress of incoming
documents, deliveries to recipient units with their status history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangvu.documents.enums import DeliveryStatus


class ApprovalRoute(models.Model):
    """An approval chain as data (drafter → department head → office chief → signer): for an issuing
    unit (or every unit when empty) and a document type (or every type)."""

    org = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("đơn vị"),
    )
    doc_type = models.ForeignKey(
        "documents.DocumentType",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("loại văn bản"),
    )
    name = models.CharField(_("tên quy trình"), max_length=200)

    class Meta:
        verbose_name = _("quy trình duyệt")
        verbose_name_plural = _("quy trình duyệt")

    def __str__(self) -> str:
        return self.name


class ApprovalStep(models.Model):
    """One step of a route: who approves (holders of ``permission`` in the issuing unit)."""

    route = models.ForeignKey(ApprovalRoute, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    title = models.CharField(_("bước"), max_length=200)
    permission = models.CharField(_("quyền duyệt"), max_length=60, default="documents.review")

    class Meta:
        verbose_name = _("bước duyệt")
        verbose_name_plural = _("bước duyệt")
        ordering = ["route", "order"]
        constraints = [models.UniqueConstraint(fields=["route", "order"], name="approval_step_once")]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Review(models.Model):
    """A decision on a draft at one step: approved, or returned for revision with comments."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Duyệt")
        RETURN = "return", _("Trả lại để sửa")

    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="reviews")
    step = models.PositiveSmallIntegerField(_("bước"))
    step_title = models.CharField(_("bước"), max_length=200)
    decision = models.CharField(_("ý kiến"), max_length=8, choices=Decision.choices)
    comment = models.TextField(_("góp ý"), blank=True)
    version = models.PositiveSmallIntegerField(_("phiên bản"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ý kiến duyệt")
        verbose_name_plural = _("ý kiến duyệt")
        ordering = ["document", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.step_title}: {self.get_decision_display()}"


class Assignment(models.Model):
    """A leader's instruction (bút phê) on an incoming document: the lead unit and/or person, the units
    that coordinate, the deadline. A new assignment (forwarding) ends the previous one."""

    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="assignments")
    instruction = models.TextField(_("ý kiến chỉ đạo"))
    lead_org = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị chủ trì"),
    )
    lead_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="document_assignments",
        verbose_name=_("người xử lý chính"),
    )
    coordinators = models.ManyToManyField(
        "orgs.Org", blank=True, related_name="+", verbose_name=_("đơn vị phối hợp")
    )
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    active = models.BooleanField(default=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giao xử lý")
        verbose_name_plural = _("giao xử lý")
        ordering = ["document", "-assigned_at", "-pk"]
        indexes = [
            # "The documents assigned to me", from the index alone (``DocumentQuerySet.relations``).
            models.Index(fields=["lead_user", "document"], name="assignment_lead_user_doc_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lead_org__isnull=False) | Q(lead_user__isnull=False), name="assignment_has_a_lead"
            )
        ]

    def __str__(self) -> str:
        return self.instruction[:80]


class ProgressNote(models.Model):
    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("nội dung"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ghi chú tiến độ")
        verbose_name_plural = _("ghi chú tiến độ")
        ordering = ["document", "at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Delivery(models.Model):
    """An outgoing document on its way to one recipient unit inside dangvu, with the edXML status the
    recipient reports (01 arrived … 06 done). Planned recipients have no status until issuing."""

    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("nơi nhận")
    )
    status = models.CharField(
        _("tình trạng"), max_length=2, choices=DeliveryStatus.choices, blank=True, default=""
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gửi văn bản")
        verbose_name_plural = _("gửi văn bản")
        ordering = ["document", "recipient__path"]
        constraints = [models.UniqueConstraint(fields=["document", "recipient"], name="delivery_once")]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.recipient_id} ({self.status or '—'})"


class DeliveryEvent(models.Model):
    """One status a delivery went through, with who reported it and when."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=2, choices=DeliveryStatus.choices)
    note = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivery", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.status}"
