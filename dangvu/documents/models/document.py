"""An official document, incoming (văn bản đến) or outgoing (văn bản đi), its files and its drafts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangvu.core.models import TimeStampedModel
from dangvu.documents.enums import (
    Direction,
    FileKind,
    HandlingResult,
    IncomingStatus,
    OutgoingStatus,
    Secrecy,
    Urgency,
)
from dangvu.documents.querysets import DocumentQuerySet

STATUS_CHOICES = [*OutgoingStatus.choices, *IncomingStatus.choices]


class Document(TimeStampedModel):
    """One document in one unit's register. An outgoing document is drafted, approved, signed, numbered
    and issued by ``registry_org``; each recipient unit inside dangvu gets its own incoming document
    (``source_delivery``) in its register. Incoming documents from outside are registered from a file
    (scan or signed PDF) with the sender's number and symbol as written."""

    direction = models.CharField(_("loại sổ"), max_length=8, choices=Direction.choices)
    registry_org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị (sổ văn bản)")
    )
    status = models.CharField(_("trạng thái"), max_length=16, choices=STATUS_CHOICES)
    doc_type = models.ForeignKey(
        "documents.DocumentType", on_delete=models.PROTECT, related_name="+", verbose_name=_("loại văn bản")
    )
    # The number and symbol: taken at issuing for outgoing documents; as written by the sender for
    # incoming ones ("12-NQ/TU"), with the normalised form the search matches on.
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=60, blank=True)
    number_text = models.CharField(_("số, ký hiệu"), max_length=80, blank=True)
    number_key = models.CharField(max_length=80, blank=True, editable=False, db_index=True)
    # The subject's folded words (``fulltext.words_only``): fragments of it are found by substring (a
    # trigram index on PostgreSQL, dangvu.documents.fulltext).
    subject_key = models.CharField(max_length=1000, blank=True, default="", editable=False)
    issued_on = models.DateField(_("ngày văn bản"), null=True, blank=True)
    subject = models.CharField(_("trích yếu"), max_length=1000)
    body = models.TextField(_("nội dung"), blank=True)
    secrecy = models.CharField(_("độ mật"), max_length=10, choices=Secrecy.choices, blank=True, default="")
    urgency = models.CharField(_("độ khẩn"), max_length=12, choices=Urgency.choices, blank=True, default="")
    pages = models.PositiveSmallIntegerField(_("số trang"), null=True, blank=True)
    # Outgoing: who signs, and the recipients as they print ("Nơi nhận").
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    authority = models.CharField(_("thẩm quyền ký (T/M, K/T)"), max_length=120, blank=True)
    recipients_text = models.TextField(_("nơi nhận"), blank=True)
    approval_step = models.PositiveSmallIntegerField(default=0, editable=False)
    # Incoming: the register entry and the handling deadline.
    sender_name = models.CharField(_("cơ quan gửi"), max_length=255, blank=True)
    sender_org = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị gửi"),
    )
    register_year = models.PositiveSmallIntegerField(_("năm của sổ"), null=True, blank=True)
    incoming_number = models.PositiveIntegerField(_("số đến"), null=True, blank=True)
    received_on = models.DateField(_("ngày đến"), null=True, blank=True)
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    deadline_by_hand = models.BooleanField(default=False, editable=False)
    electronic = models.BooleanField(_("nhận/gửi điện tử"), default=False)
    source_delivery = models.OneToOneField(
        "documents.Delivery", null=True, blank=True, on_delete=models.PROTECT, related_name="incoming"
    )
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    result = models.CharField(_("kết quả xử lý"), max_length=12, choices=HandlingResult.choices, blank=True)
    result_note = models.TextField(_("ghi chú kết quả"), blank=True)
    reply = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("văn bản trả lời"),
    )
    filed_in = models.ForeignKey(
        "documents.FileHeading", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    ocr_status = models.CharField(max_length=10, blank=True, default="")
    ocr_text = models.TextField(blank=True, default="", editable=False)
    # What the OCR text suggests for the register (dangvu.documents.recognition), for the clerk to
    # confirm with the "correct" verb: {field: {"value", "source"}}.
    ocr_proposals = models.JSONField(default=dict, blank=True, editable=False)
    signature_report = models.JSONField(default=dict, blank=True, editable=False)
    search_text = models.TextField(blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tạo"),
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The lists' order: the keys of a big list's page are read by walking it, from the index
            # alone where the scope's columns are in it (PostgreSQL; bench/bench_visible_to.py).
            models.Index(
                fields=["-created_at", "-id"],
                include=["registry_org", "created_by", "secrecy"],
                name="document_newest_idx",
            ),
            models.Index(fields=["registry_org", "direction", "status"], name="document_register_idx"),
            models.Index(
                fields=["deadline"], name="document_deadline_idx", condition=Q(deadline__isnull=False)
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["registry_org", "register_year", "incoming_number"],
                condition=Q(incoming_number__isnull=False),
                name="document_incoming_number_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_text or self.doc_type.abbreviation} — {self.subject[:80]}"

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])

    @property
    def is_secret(self) -> bool:
        return bool(self.secrecy)


class DocumentFile(models.Model):
    """A stored file of a document: the original exactly as received (its SHA-256 recorded) and the
    files derived from it (OCR PDF/A, stamped copy, drafts, the signed and issued PDFs). Secret files are
    encrypted at rest with a key of their own (``dangvu.documents.storage``)."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(_("loại tệp"), max_length=12, choices=FileKind.choices)
    file = models.FileField(upload_to="documents/%Y/%m/", max_length=300)
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    wrapped_key = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("tệp văn bản")
        verbose_name_plural = _("tệp văn bản")
        ordering = ["document", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    @property
    def encrypted(self) -> bool:
        return bool(self.wrapped_key)


class DocumentVersion(models.Model):
    """A saved version of a draft (each edit and each return for revision keeps the previous text)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("phiên bản"))
    subject = models.CharField(_("trích yếu"), max_length=1000)
    body = models.TextField(_("nội dung"), blank=True)
    comment = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("phiên bản dự thảo")
        verbose_name_plural = _("phiên bản dự thảo")
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_once")]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"
