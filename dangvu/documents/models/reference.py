"""What varies between committees and over time, as data: document types and their abbreviations per
issuing organ, how each organ numbers and where it issues from, the yearly list of files (danh mục hồ
sơ) with retention periods, and the number series themselves."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dangvu.accounts.querysets import ByUnit, ScopedQuerySet
from dangvu.documents.enums import SeriesPeriod


class DocumentType(models.Model):
    """A type of Party document (QĐ 399-QĐ/TW): Nghị quyết, Quyết định, Công văn, … with its default
    abbreviation in the number (NQ, QĐ, CV). Types that share an abbreviation share a number series
    (Quyết định and Quy định are both QĐ at the Centre)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên loại"), max_length=120)
    abbreviation = models.CharField(_("ký hiệu"), max_length=20)
    template = models.CharField(_("mẫu trình bày"), max_length=60, blank=True)
    is_letter = models.BooleanField(_("là công văn (trích yếu “V/v …”)"), default=False)
    legal_basis = models.CharField(_("căn cứ"), max_length=200, blank=True)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("loại văn bản")
        verbose_name_plural = _("loại văn bản")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})"


class TypeAbbreviation(models.Model):
    """An issuing organ's own abbreviation for a type, from a date (some organs write "QĐi" for Quy
    định): overrides the type's default there."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị"))
    doc_type = models.ForeignKey(DocumentType, on_delete=models.CASCADE, verbose_name=_("loại văn bản"))
    abbreviation = models.CharField(_("ký hiệu"), max_length=20)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ký hiệu loại văn bản của đơn vị")
        verbose_name_plural = _("ký hiệu loại văn bản của đơn vị")

    def __str__(self) -> str:
        return f"{self.abbreviation} ({self.org_id})"


class IssuingOrgan(models.Model):
    """How a unit issues documents: the place in the date line, the parent organ's line of the heading
    and whether its numbers run per committee term (the Party rule) or per year."""

    org = models.OneToOneField(
        "orgs.Org", on_delete=models.CASCADE, related_name="issuing", verbose_name=_("đơn vị")
    )
    place = models.CharField(_("địa danh"), max_length=100, help_text=_("Ví dụ: Ninh Bình"))
    parent_line = models.CharField(
        _("cơ quan cấp trên (dòng trên tên cơ quan ban hành)"), max_length=200, blank=True
    )
    series_period = models.CharField(
        _("số văn bản đánh theo"), max_length=8, choices=SeriesPeriod.choices, default=SeriesPeriod.TERM
    )
    legal_basis = models.CharField(_("căn cứ"), max_length=200, blank=True, default="HD 36-HD/VPTW §II.1.3")

    class Meta:
        verbose_name = _("cơ quan ban hành")
        verbose_name_plural = _("cơ quan ban hành")

    def __str__(self) -> str:
        return str(self.org)


class NumberSeries(models.Model):
    """One series of numbers: an issuing organ, a symbol abbreviation and a period (a committee term,
    or a year). Its row is locked while a number is taken, so numbers are never repeated or skipped."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    abbreviation = models.CharField(_("ký hiệu"), max_length=20)
    period = models.CharField(_("kỳ"), max_length=40, help_text=_("term:<id> hoặc year:<năm>"))
    period_label = models.CharField(_("nhiệm kỳ / năm"), max_length=60, blank=True)
    last_number = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("sổ đăng ký số văn bản")
        verbose_name_plural = _("sổ đăng ký số văn bản")
        constraints = [
            models.UniqueConstraint(fields=["org", "abbreviation", "period"], name="number_series_once")
        ]

    def __str__(self) -> str:
        return f"{self.abbreviation}/{self.org.abbreviation} ({self.period_label})"


class SeriesNumber(models.Model):
    """A number taken from a series: by the document it numbers, or voided with its reason. Every
    number from 1 to the series' last appears exactly once."""

    series = models.ForeignKey(NumberSeries, on_delete=models.PROTECT, related_name="numbers")
    number = models.PositiveIntegerField(_("số"))
    document = models.OneToOneField(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="series_number"
    )
    taken_at = models.DateTimeField(auto_now_add=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    voided_reason = models.CharField(_("lý do hủy số"), max_length=300, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("số văn bản đã cấp")
        verbose_name_plural = _("số văn bản đã cấp")
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="series_number_once"),
            models.CheckConstraint(
                condition=Q(document__isnull=False) | ~Q(voided_reason=""),
                name="series_number_used_or_voided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number:02d}-{self.series}"


class RetentionPeriod(models.Model):
    """A standard retention period (thời hạn bảo quản mẫu) for a kind of file, with its legal basis: the
    Party's tables of standard retention periods (the provincial and district tables that HD
    35-HD/VPTW of 18/10/2010 puts in force under QĐ 210-QĐ/TW on the Party's archive fonds). A file of a
    unit's list picks one and takes its period as a proposal. Rows the team could not check against the
    original text are marked unconfirmed (``confirmed`` False) and say so in the admin and the form;
    an administrator edits them."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    group = models.CharField(_("nhóm tài liệu"), max_length=200)
    title = models.CharField(_("tên nhóm hồ sơ, tài liệu"), max_length=300)
    retention_years = models.PositiveSmallIntegerField(
        _("thời hạn bảo quản (năm)"), null=True, blank=True, help_text=_("Để trống: vĩnh viễn")
    )
    legal_basis = models.CharField(_("căn cứ"), max_length=200)
    confirmed = models.BooleanField(
        _("đã đối chiếu văn bản gốc"),
        default=False,
        help_text=_("Bỏ chọn khi thời hạn là giá trị mặc định chưa đối chiếu với văn bản gốc."),
    )
    active = models.BooleanField(_("đang dùng"), default=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thời hạn bảo quản mẫu")
        verbose_name_plural = _("bảng thời hạn bảo quản mẫu")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(retention_years__isnull=True)
                | Q(retention_years__gte=1, retention_years__lte=100),
                name="retention_period_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title} ({self.retention_label})"

    @property
    def retention_label(self) -> str:
        if self.retention_years is None:
            return str(_("Vĩnh viễn"))
        return ngettext("%(n)d năm", "%(n)d năm", self.retention_years) % {"n": self.retention_years}


class ArchiveHandoverQuerySet(ScopedQuerySet["ArchiveHandover"]):
    """A unit's handover records are read by whoever may see the unit's documents."""

    view_permission = "documents.view"
    relations = (ByUnit("org"),)


class ArchiveHandover(models.Model):
    """A handover record (biên bản giao nộp hồ sơ, tài liệu) of closed files from a unit to its own
    archive (lưu trữ cơ quan): who handed over, who received, when, and the files (``FileHeading.handover``).
    Numbered from 1 in each unit and year."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số biên bản"))
    handed_on = models.DateField(_("ngày giao nộp"))
    delivered_by = models.CharField(_("người giao"), max_length=200)
    received_by = models.CharField(_("người nhận (lưu trữ cơ quan)"), max_length=200)
    archive_name = models.CharField(_("lưu trữ cơ quan"), max_length=200, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ArchiveHandoverQuerySet.as_manager()

    class Meta:
        verbose_name = _("biên bản giao nộp hồ sơ")
        verbose_name_plural = _("biên bản giao nộp hồ sơ")
        ordering = ["org", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "number"], name="archive_handover_number_once")
        ]

    def __str__(self) -> str:
        return f"Biên bản giao nộp số {self.number}/{self.year}"

    def get_absolute_url(self) -> str:
        return reverse("documents:handover", args=[self.pk])


class FileHeadingQuerySet(ScopedQuerySet["FileHeading"]):
    """A unit's list of files is read by whoever may see the unit's documents (``documents.view``)."""

    view_permission = "documents.view"
    relations = (ByUnit("org"),)


# Retention in years, bounded: a longer period is "permanent" (the field left empty).
RETENTION_MAX_YEARS = 100


class FileHeading(models.Model):
    """A file (hồ sơ) of a unit's yearly list of files (danh mục hồ sơ), with its retention period as
    data (a number of years, or permanent when empty): documents are filed in it when their handling
    ends. The printed list groups the files by ``section`` (đề mục)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    year = models.PositiveSmallIntegerField(_("năm"))
    section = models.CharField(_("đề mục"), max_length=200, blank=True)
    code = models.CharField(_("ký hiệu hồ sơ"), max_length=40)
    title = models.CharField(_("tên hồ sơ"), max_length=300)
    retention_years = models.PositiveSmallIntegerField(
        _("thời hạn bảo quản (năm)"), null=True, blank=True, help_text=_("Để trống: vĩnh viễn")
    )
    keeper = models.CharField(_("đơn vị, người lập hồ sơ"), max_length=200, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=200, blank=True)
    retention_period = models.ForeignKey(
        RetentionPeriod,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("nhóm tài liệu (bảng thời hạn bảo quản mẫu)"),
    )
    # Closing (kết thúc hồ sơ) by the keeper, and the handover to the unit's archive.
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_on = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("số tờ"), null=True, blank=True)
    document_count = models.PositiveIntegerField(_("số văn bản"), null=True, blank=True)
    handover = models.ForeignKey(
        ArchiveHandover, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )

    objects = FileHeadingQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ trong danh mục")
        verbose_name_plural = _("danh mục hồ sơ")
        ordering = ["org", "-year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "code"], name="file_heading_once"),
            models.CheckConstraint(
                condition=Q(retention_years__isnull=True)
                | Q(retention_years__gte=1, retention_years__lte=RETENTION_MAX_YEARS),
                name="file_heading_retention_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("documents:file_heading", args=[self.pk])

    @property
    def permanent(self) -> bool:
        return self.retention_years is None

    @property
    def closed(self) -> bool:
        return self.closed_on is not None

    @property
    def state_label(self) -> str:
        if self.handover_id is not None:
            return str(_("Đã nộp lưu"))
        return str(_("Đã kết thúc")) if self.closed_on else str(_("Đang lập"))

    @property
    def retention_label(self) -> str:
        if self.retention_years is None:
            return str(_("Vĩnh viễn"))
        return ngettext("%(n)d năm", "%(n)d năm", self.retention_years) % {"n": self.retention_years}
