"""Member documents printed to PDF: the member file (phiếu đảng viên), a member list, the transfer letter."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils import timezone

from dangvu.core.i18n import in_vietnamese
from dangvu.core.pdf import PartyPdf, dmy
from dangvu.members.milestones import party_age
from dangvu.members.models import Member, Transfer
from dangvu.orgs.models import Org


def _issuer(org: Org) -> tuple[str, str]:
    """(superior, issuer) names for the heading: the unit's parent and the unit itself."""
    parent = Org.objects.get_parent(org)
    return (parent.name if parent else "", org.name)


def _party_age_text(member: Member, on: date) -> str:
    age = party_age(member, on)
    if age is None:
        return ""
    return f"{age.years} năm {age.months} tháng"


@in_vietnamese
def member_file_pdf(member: Member, *, printed_by: str = "") -> bytes:
    """The member's file: identity, background, party milestones and the dated history (secret)."""
    today = timezone.localdate()
    pdf = PartyPdf(title=f"Phiếu đảng viên — {member.full_name}", author=printed_by, secret=True)
    superior, issuer = _issuer(member.org)
    pdf.header_block(superior=superior, issuer=issuer, on=today)
    pdf.heading(
        "Phiếu đảng viên", f"Số lý lịch: {member.file_number or '—'}   Số thẻ: {member.card_number or '—'}"
    )
    pdf.section("I. Sơ lược lý lịch")
    pdf.fields(
        [
            ("Họ và tên", member.full_name),
            ("Tên gọi khác", member.other_names),
            ("Giới tính", member.get_sex_display()),
            ("Ngày sinh", member.birth_date_display()),
            ("Nơi sinh", member.birth_place),
            ("Quê quán", member.hometown),
            ("Nơi thường trú", member.permanent_address),
            ("Nơi ở hiện nay", member.current_address),
            ("Dân tộc", member.ethnicity.name if member.ethnicity else ""),
            ("Tôn giáo", member.religion.name if member.religion else ""),
            ("Số định danh cá nhân (CCCD)", member.cccd or ""),
            ("Điện thoại", member.phone),
            ("Thư điện tử", member.email),
        ]
    )
    pdf.section("II. Trình độ, công tác")
    pdf.fields(
        [
            ("Giáo dục phổ thông", member.general_education),
            ("Chuyên môn, nghiệp vụ", member.professional_degree),
            ("Lý luận chính trị", member.get_political_theory_display()),
            ("Quản lý nhà nước", member.get_state_management_display()),
            ("Ngoại ngữ", member.foreign_languages),
            ("Nghề nghiệp", member.occupation),
            ("Đơn vị công tác", member.work_unit),
            ("Chức vụ", member.position),
        ]
    )
    pdf.section("III. Quá trình tham gia Đảng")
    pdf.fields(
        [
            ("Ngày quyết định kết nạp", dmy(member.admitted_on)),
            ("Ngày lễ kết nạp", dmy(member.ceremony_on)),
            ("Ngày công nhận chính thức", dmy(member.recognized_on)),
            ("Người giới thiệu", member.introducers),
            ("Trạng thái", member.get_status_display()),
            ("Sinh hoạt tại", member.org.name),
            (f"Tuổi đảng (đến {dmy(today)})", _party_age_text(member, today)),
        ]
    )
    pdf.section("IV. Quá trình sinh hoạt đảng")
    pdf.grid(
        ["Từ ngày", "Đến ngày", "Chi bộ, đảng bộ"],
        [
            (dmy(p.started_on), dmy(p.ended_on), p.org.name)
            for p in member.org_periods.select_related("org").order_by("started_on", "pk")
        ],
        widths=(25, 25, 125),
    )
    pdf.section("V. Quá trình công tác")
    pdf.grid(
        ["Từ", "Đến", "Nội dung"],
        [
            (dmy(h.starts_on), dmy(h.ends_on), h.description)
            for h in member.history.order_by("starts_on", "pk")
        ],
        widths=(25, 25, 125),
    )
    pdf.section("VI. Quan hệ gia đình")
    pdf.grid(
        ["Quan hệ", "Họ và tên", "Năm sinh", "Nghề nghiệp, nơi ở"],
        [
            (
                f.relation,
                f.full_name,
                str(f.birth_year or ""),
                ", ".join(x for x in (f.occupation, f.address) if x),
            )
            for f in member.family.all()
        ],
        widths=(25, 55, 20, 75),
    )
    pdf.section("VII. Khen thưởng")
    pdf.grid(
        ["Ngày", "Hình thức", "Quyết định"],
        [(dmy(a.awarded_on), a.title, a.decision) for a in member.awards.all()],
        widths=(25, 90, 60),
    )
    pdf.section("VIII. Kỷ luật")
    pdf.grid(
        ["Ngày", "Hình thức", "Quyết định, lý do"],
        [
            (dmy(d.decided_on), d.get_form_display(), "; ".join(x for x in (d.decision, d.reason) if x))
            for d in member.disciplines.all()
        ],
        widths=(25, 50, 100),
    )
    return pdf.to_bytes()


@in_vietnamese
def member_list_pdf(
    members: Iterable[Member], *, title: str, subtitle: str = "", org: Org | None = None
) -> bytes:
    """A numbered list of members (landscape); CCCD is masked, as in every list."""
    today = timezone.localdate()
    pdf = PartyPdf(title=title, landscape=True, secret=True)
    if org is not None:
        superior, issuer = _issuer(org)
        pdf.header_block(superior=superior, issuer=issuer, on=today)
    pdf.heading(title, subtitle)
    rows = [
        (
            str(number),
            m.full_name,
            m.get_sex_display(),
            m.birth_date_display(),
            m.masked_cccd,
            m.get_status_display(),
            dmy(m.admitted_on),
            dmy(m.recognized_on),
            m.org.name,
        )
        for number, m in enumerate(members, start=1)
    ]
    pdf.grid(
        [
            "STT",
            "Họ và tên",
            "Giới tính",
            "Ngày sinh",
            "CCCD",
            "Trạng thái",
            "Vào Đảng",
            "Chính thức",
            "Chi bộ",
        ],
        rows,
        widths=(12, 48, 18, 24, 30, 30, 24, 24, 52),
        empty="Không có đảng viên nào khớp điều kiện lọc.",
    )
    pdf.ln(3)
    pdf.line_text(f"Tổng số: {len(rows)} đảng viên.", style="I", size=12)
    return pdf.to_bytes()


@in_vietnamese
def transfer_letter_pdf(transfer: Transfer, *, printed_by: str = "") -> bytes:
    """Giấy giới thiệu sinh hoạt đảng (HD 12-HD/BTCTW 2022 §4.2) for one transfer."""
    member: Any = transfer.member
    from_org: Org = transfer.from_org
    issuing = Org.objects.get_parent(from_org) or from_org
    superior, issuer = _issuer(issuing)
    kind = "tạm thời" if transfer.kind == "temporary" else "chính thức"
    pdf = PartyPdf(title=f"Giấy giới thiệu sinh hoạt đảng — {member.full_name}", author=printed_by)
    pdf.header_block(
        superior=superior,
        issuer=issuer,
        number=f"Số {transfer.letter_number or '……'} GTSHĐ",
        on=transfer.issued_on,
    )
    pdf.heading("Giấy giới thiệu sinh hoạt đảng", f"(Chuyển sinh hoạt đảng {kind})")
    destination = transfer.to_org.name if transfer.to_org else transfer.destination
    pdf.fields(
        [
            ("Kính gửi", destination),
            ("Giới thiệu đồng chí", member.full_name),
            ("Sinh ngày", member.birth_date_display()),
            ("Quê quán", member.hometown),
            ("Là đảng viên", "chính thức" if transfer.previous_status == "official" else "dự bị"),
            ("Ngày vào Đảng", dmy(member.admitted_on)),
            ("Ngày chính thức", dmy(member.recognized_on)),
            ("Số thẻ đảng viên (Số TĐV)", member.card_number or ""),
            ("Số lý lịch (Số LL)", member.file_number or ""),
            ("Đang sinh hoạt tại", from_org.name),
            ("Được chuyển đến sinh hoạt tại", destination),
            ("Đã đóng đảng phí hết tháng", _month(transfer.fees_paid_until)),
            ("Lý do", transfer.reason),
        ]
    )
    if transfer.until_on:
        pdf.fields([("Thời hạn sinh hoạt tạm thời đến", dmy(transfer.until_on))])
    pdf.ln(2)
    pdf.line_text(
        f"Đề nghị đồng chí xuất trình giấy này và hồ sơ đảng viên với cấp ủy nơi đến trước ngày "
        f"{dmy(transfer.due_on)} (30 ngày làm việc kể từ ngày giới thiệu).",
        style="I",
        size=12.5,
    )
    pdf.signature(on_behalf=issuer)
    return pdf.to_bytes()


def _month(value: str) -> str:
    """ "2026-03" → "03/2026"."""
    if len(value) == 7 and value[4] == "-":
        return f"{value[5:]}/{value[:4]}"
    return value
