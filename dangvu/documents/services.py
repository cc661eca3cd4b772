"""Every write on documents, one function per verb (STYLE.md): permission in the unit it acts in, the
workflow's state check, the rules of secrecy, locks, the change, one audit entry, side effects
(notifications, delivery) after commit.

Outgoing: ``document_draft`` → ``document_update_draft`` → ``document_approve`` (each step of the
approval route; ``document_return`` sends it back) → ``document_sign`` (the signer's personal PAdES
signature) → ``document_issue`` (the number, atomically from its series, the date and the organisation's
seal; delivered to the recipient units inside dangvu) → ``document_seal`` when the seal failed.
Incoming: ``document_register_incoming`` (a file from outside) or ``document_register_arrived`` (a
delivery from another unit) → ``document_assign`` (bút phê) → ``document_note`` → ``document_complete``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangvu.accounts.permissions import require_perm
from dangvu.audit.services import audit_created, audit_log, diff, snapshot
from dangvu.documents import numbers, storage
from dangvu.documents.enums import (
    METADATA_ONLY,
    DeliveryStatus,
    Direction,
    FileKind,
    HandlingResult,
    IncomingStatus,
    OutgoingStatus,
    Secrecy,
    Urgency,
)
from dangvu.documents.fulltext import words_only
from dangvu.documents.models import (
    ApprovalStep,
    Assignment,
    Delivery,
    DeliveryEvent,
    Document,
    DocumentType,
    DocumentVersion,
    FileHeading,
    NumberSeries,
    ProgressNote,
    Review,
    SeriesNumber,
)
from dangvu.orgs.enums import OrgStatus
from dangvu.orgs.models import Org

# What an upload may be: a scan (PDF or images) or a signed PDF.
ACCEPTED_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"II*\x00": "image/tiff",
    b"MM\x00*": "image/tiff",
}
# Working days to handle an incoming document when no deadline is given (data: settings).
DEFAULT_HANDLING_DAYS = {"": 10, Urgency.KHAN: 5, Urgency.THUONG_KHAN: 3, Urgency.HOA_TOC: 1}

logger = logging.getLogger(__name__)


def on_party_network() -> bool:
    """Whether this installation runs on the Party's wide-area network (QĐ 337-QĐ/TW): only there may
    MẬT files be stored; elsewhere they too are registered as metadata only."""
    return bool(getattr(settings, "DANGVU_PARTY_NETWORK", False))


def files_allowed(secrecy: str) -> bool:
    """Whether a document of this secrecy may carry files here (DOMAIN §9, §12)."""
    if secrecy in METADATA_ONLY:
        return False
    return secrecy != Secrecy.MAT or on_party_network()


def _secrecy_refusal(secrecy: str) -> str:
    if secrecy in METADATA_ONLY:
        return (
            "Văn bản Tối mật, Tuyệt mật chỉ được vào sổ thông tin (không lưu tệp, không nhận gửi qua hệ "
            "thống): bản giấy chuyển theo đường cơ yếu."
        )
    return (
        "Văn bản Mật chỉ được lưu tệp khi hệ thống chạy trên mạng thông tin diện rộng của Đảng; "
        "ở đây chỉ vào sổ thông tin."
    )


def _search_text(document: Document) -> str:
    return words_only(
        document.number_text, document.subject, document.sender_name, document.body, document.ocr_text
    )[:200_000]


def _index(document: Document) -> None:
    """Refresh what the search reads: the number's key, the subject's folded words and the text's."""
    document.number_key = numbers.number_key(document.number_text) if document.number_text else ""
    document.subject_key = words_only(document.subject)[:1000]
    document.search_text = _search_text(document)


def _save(document: Document, fields: list[str]) -> None:
    _index(document)
    document.save(update_fields=[*fields, "number_key", "subject_key", "search_text", "updated_at"])


def _lock(document: Document) -> Document:
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("registry_org", "doc_type")
        .get(pk=document.pk)
    )


def _ensure(document: Document, verb: str) -> None:
    from dangvu.documents.workflow import workflow_of

    workflow_of(document).ensure_state(document, verb)


def _move(
    *, actor: Any, document: Document, to_status: str, event: str, data: dict[str, Any] | None = None
) -> None:
    before = snapshot(document, ["status"])
    document.status = to_status
    _save(document, ["status"])
    audit_log(
        actor=actor,
        action="update",
        obj=document,
        org=document.registry_org,
        event=event,
        changes=diff(before, snapshot(document, ["status"])),
        data=data or {},
    )


def _doc_type(value: Any) -> DocumentType:
    if isinstance(value, DocumentType):
        return value
    text = str(value or "").strip()
    found = DocumentType.objects.filter(active=True, abbreviation=text).order_by("pk").first() or (
        DocumentType.objects.filter(active=True, code=text).first()
    )
    if found is None:
        raise ValidationError({"doc_type": f"Không có loại văn bản “{text}”."})
    return found


def _check_choices(secrecy: str, urgency: str) -> None:
    if secrecy not in Secrecy.values:
        raise ValidationError({"secrecy": "Độ mật không hợp lệ."})
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": "Độ khẩn không hợp lệ."})


# --- Outgoing ---------------------------------------------------------------------------------------


@transaction.atomic
def document_draft(
    *,
    actor: Any,
    org: Any,
    doc_type: Any,
    subject: str,
    body: str = "",
    recipients: Sequence[Any] = (),
    recipients_text: str = "",
    secrecy: str = "",
    urgency: str = "",
    signer_title: str = "",
    signer_name: str = "",
    authority: str = "",
    reply_to: Document | None = None,
) -> Document:
    """Start an outgoing document of ``org`` (version 1). Recipient units inside dangvu are planned as
    deliveries; they receive it at issuing. A TỐI MẬT or TUYỆT MẬT document is registered as metadata
    only (no body here). ``reply_to``: the incoming document of ``org`` this one answers (its handler
    or the clerk drafts it); the incoming document then names it as its reply. Side effects: version
    row, planned deliveries, audit (and on ``reply_to``)."""
    require_perm(actor, "documents.draft", org)
    if reply_to is not None:
        _check_reply_to(actor, org, reply_to)
    _check_choices(secrecy, urgency)
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValidationError({"subject": "Cần trích yếu nội dung văn bản."})
    if body.strip() and not files_allowed(secrecy):
        raise ValidationError({"body": _secrecy_refusal(secrecy)})
    if not org.is_active:
        raise ValidationError({"org": f"Đơn vị “{org.name}” không còn hoạt động."})
    kind = _doc_type(doc_type)
    document = Document(
        direction=Direction.OUTGOING,
        registry_org=org,
        status=OutgoingStatus.DRAFT,
        doc_type=kind,
        symbol=f"{numbers.abbreviation_for(org, kind, timezone.localdate())}/{org.abbreviation}",
        subject=subject,
        body=body,
        secrecy=secrecy,
        urgency=urgency,
        signer_title=signer_title,
        signer_name=signer_name,
        authority=authority,
        recipients_text=recipients_text,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _index(document)
    document.save()
    DocumentVersion.objects.create(
        document=document, number=1, subject=subject, body=body, created_by=document.created_by
    )
    seen = set()
    for recipient in recipients:
        if recipient.pk in seen or recipient.pk == org.pk:
            continue
        if not recipient.is_active:
            raise ValidationError({"recipients": f"Đơn vị nhận “{recipient.name}” không còn hoạt động."})
        seen.add(recipient.pk)
        Delivery.objects.create(document=document, recipient=recipient)
    audit_created(
        actor=actor, obj=document, event="documents.draft", org=org, data={"recipients": sorted(seen)}
    )
    if reply_to is not None:
        _link_reply(actor, reply_to, document)
    return document


REPLYING = frozenset({IncomingStatus.REGISTERED, IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS})


def _check_reply_to(actor: Any, org: Any, incoming: Document) -> None:
    from dangvu.accounts.permissions import has_perm

    if incoming.direction != Direction.INCOMING or incoming.registry_org_id != org.pk:
        raise ValidationError({"reply_to": "Văn bản được trả lời phải là văn bản đến của đơn vị ban hành."})
    if incoming.status not in REPLYING:
        raise ValidationError({"reply_to": "Văn bản đến này không còn đang xử lý."})
    if not (may_handle(actor, incoming) or has_perm(actor, "documents.register", org)):
        raise PermissionDenied("Bạn không được giao xử lý văn bản đến này.")


def _link_reply(actor: Any, incoming: Document, reply: Document) -> None:
    incoming = _lock(incoming)
    before = snapshot(incoming, ["reply"])
    incoming.reply = reply
    _save(incoming, ["reply"])
    audit_log(
        actor=actor,
        action="update",
        obj=incoming,
        org=incoming.registry_org,
        event="documents.reply_drafted",
        changes=diff(before, snapshot(incoming, ["reply"])),
    )


EDITABLE = ("subject", "body", "recipients_text", "signer_title", "signer_name", "authority", "urgency")


@transaction.atomic
def document_update_draft(
    *, actor: Any, document: Document, changes: dict[str, Any], comment: str = ""
) -> Document:
    """Revise a draft (a new version keeps the previous text). Only drafts change."""
    document = _lock(document)
    require_perm(actor, "documents.draft", document.registry_org)
    _ensure(document, "revise")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Không sửa được trường này."))
    if "body" in changes and changes["body"].strip() and not files_allowed(document.secrecy):
        raise ValidationError({"body": _secrecy_refusal(document.secrecy)})
    before = snapshot(document, list(changes))
    for field, value in changes.items():
        setattr(document, field, value)
    _check_choices(document.secrecy, document.urgency)
    if not document.subject.strip():
        raise ValidationError({"subject": "Cần trích yếu nội dung văn bản."})
    _save(document, list(changes))
    last = document.versions.order_by("-number").first()
    DocumentVersion.objects.create(
        document=document,
        number=(last.number if last else 0) + 1,
        subject=document.subject,
        body=document.body,
        comment=comment,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log(
        actor=actor,
        action="update",
        obj=document,
        org=document.registry_org,
        event="documents.revise",
        changes=diff(before, snapshot(document, list(changes))),
    )
    return document


def document_revise(
    *, actor: Any, document: Document, subject: str, body: str = "", comment: str = ""
) -> Document:
    """The revise verb of the workflow: a new version of the draft's subject and body."""
    return document_update_draft(
        actor=actor, document=document, changes={"subject": subject, "body": body}, comment=comment
    )


def approval_steps(document: Document) -> list[tuple[str, str]]:
    """(title, permission) of each approval step of ``document``: the most specific route (the unit
    and type, the unit, the type, everyone) or one step "Lãnh đạo duyệt" when none is set."""
    candidates = ApprovalStep.objects.filter(
        route__org__in=[document.registry_org, None], route__doc_type__in=[document.doc_type, None]
    ).select_related("route")
    routes: dict[int, list[ApprovalStep]] = {}
    for step in candidates:
        routes.setdefault(step.route_id, []).append(step)
    if not routes:
        return [("Lãnh đạo duyệt", "documents.review")]

    def specificity(steps: list[ApprovalStep]) -> tuple[bool, bool]:
        route = steps[0].route
        return (route.org_id is not None, route.doc_type_id is not None)

    chosen = max(routes.values(), key=specificity)
    return [(step.title, step.permission) for step in sorted(chosen, key=lambda s: s.order)]


def current_step(document: Document) -> tuple[int, str, str]:
    steps = approval_steps(document)
    index = min(document.approval_step, len(steps) - 1)
    title, permission = steps[index]
    return index, title, permission


def may_review(user: Any, document: Document) -> bool:
    _index, _title, permission = current_step(document)
    from dangvu.accounts.permissions import has_perm

    return has_perm(user, permission, document.registry_org)


@transaction.atomic
def document_approve(*, actor: Any, document: Document, comment: str = "") -> Document:
    """Approve the draft at its current step (a draft is sent for approval by this too); after the last
    step it is approved for signing. The actor must hold the step's permission in the issuing unit."""
    document = _lock(document)
    _ensure(document, "approve")
    index, title, permission = current_step(document)
    require_perm(actor, permission, document.registry_org)
    if not document.subject.strip():
        raise ValidationError("Văn bản chưa có trích yếu.")
    version = document.versions.order_by("-number").values_list("number", flat=True).first() or 1
    Review.objects.create(
        document=document,
        step=index + 1,
        step_title=title,
        decision=Review.Decision.APPROVE,
        comment=comment,
        version=version,
        actor=actor,
    )
    last = index + 1 >= len(approval_steps(document))
    document.approval_step = index + 1
    _save(document, ["approval_step"])
    _move(
        actor=actor,
        document=document,
        to_status=OutgoingStatus.APPROVED if last else OutgoingStatus.IN_REVIEW,
        event="documents.approve",
        data={"step": index + 1, "step_title": title, "comment": comment},
    )
    return document


@transaction.atomic
def document_return(*, actor: Any, document: Document, comment: str) -> Document:
    """Send a draft back to its drafter for revision, with the reviewer's comments (routing restarts)."""
    document = _lock(document)
    _ensure(document, "return")
    index, title, permission = current_step(document)
    require_perm(actor, permission, document.registry_org)
    if not comment.strip():
        raise ValidationError({"comment": "Cần ghi ý kiến khi trả lại dự thảo."})
    version = document.versions.order_by("-number").values_list("number", flat=True).first() or 1
    Review.objects.create(
        document=document,
        step=index + 1,
        step_title=title,
        decision=Review.Decision.RETURN,
        comment=comment,
        version=version,
        actor=actor,
    )
    document.approval_step = 0
    _save(document, ["approval_step"])
    _move(
        actor=actor,
        document=document,
        to_status=OutgoingStatus.DRAFT,
        event="documents.return",
        data={"comment": comment},
    )
    if document.created_by_id:
        from dangvu.notifications.services import notify

        drafter = document.created_by
        transaction.on_commit(
            lambda: notify(
                recipients=[drafter],
                title=f"Dự thảo bị trả lại: {document.subject[:100]}",
                body=comment,
                url=document.get_absolute_url(),
            )
        )
    return document


@transaction.atomic
def document_sign(*, actor: Any, document: Document, position: str = "") -> Document:
    """The signer's personal PAdES signature on the approved draft's PDF (which carries empty places for
    the number and the date). Requires ``signing.sign`` in the issuing unit. A document registered as
    metadata only (secret) is not signed here: its paper original is."""
    from dangvu.documents.drafting import render
    from dangvu.signing.errors import SigningError
    from dangvu.signing.services import sign_personal

    document = _lock(document)
    _ensure(document, "sign")
    if not files_allowed(document.secrecy):
        raise ValidationError(_secrecy_refusal(document.secrecy))
    rendered = render(document)
    try:
        signed = sign_personal(
            pdf=rendered.pdf,
            actor=actor,
            org=document.registry_org,
            places=rendered.places,
            position=position or document.signer_title,
        )
    except SigningError as error:
        raise ValidationError(str(error.message)) from error
    _record_signature(actor, document, signed, rendered.places)
    return document


def _record_signature(actor: Any, document: Document, signed: bytes, places: Any) -> None:
    """Store the personally signed PDF, remember its places and move the document to SIGNED."""
    storage.store(
        document=document,
        kind=FileKind.SIGNED,
        name=f"van-ban-{document.pk}-da-ky.pdf",
        content=signed,
        content_type="application/pdf",
        actor=actor,
    )
    document.signature_report = {
        "places": {
            "number_field": places.number_field,
            "date_field": places.date_field,
            "page": places.page,
            "box": list(places.box),
        },
        "signed_by": actor.get_username(),
    }
    _save(document, ["signature_report"])
    _move(actor=actor, document=document, to_status=OutgoingStatus.SIGNED, event="documents.sign")


def _signing_purpose(document: Document) -> str:
    return f"documents.document:{document.pk}"


def _version(document: Document) -> str:
    return document.updated_at.isoformat()


@transaction.atomic
def document_sign_prepare(
    *, actor: Any, document: Document, certificates_pem: bytes, position: str = ""
) -> Any:
    """The first half of signing with a key outside the server (the signer's USB token): lay out the
    approved draft, reserve the signature's place and return the pending request
    (``dangvu.signing.models.PendingSignature``; ``dangvu.signing.external.request_json`` is what the
    signer signs). Same rules as ``document_sign``: ``signing.sign`` in the issuing unit, an approved
    draft whose files may be kept here; and the certificate (PEM, the signer's first, then its chain)
    must be the actor's own, valid and trusted. Side effects: the pending request (15 minutes), one
    audit entry."""
    from dangvu.documents.drafting import render
    from dangvu.signing.errors import SigningError
    from dangvu.signing.external import external_prepare

    document = _lock(document)
    require_perm(actor, "signing.sign", document.registry_org)
    _ensure(document, "sign")
    if not files_allowed(document.secrecy):
        raise ValidationError(_secrecy_refusal(document.secrecy))
    rendered = render(document)
    places = rendered.places
    try:
        pending = external_prepare(
            pdf=rendered.pdf,
            actor=actor,
            org=document.registry_org,
            places=places,
            certificates_pem=certificates_pem,
            position=position or document.signer_title,
            purpose=_signing_purpose(document),
            context={
                "version": _version(document),
                "places": {
                    "number_field": places.number_field,
                    "date_field": places.date_field,
                    "page": places.page,
                    "box": list(places.box),
                },
            },
        )
    except SigningError as error:
        raise ValidationError(str(error.message)) from error
    audit_log(
        actor=actor,
        action="update",
        obj=document,
        org=document.registry_org,
        event="documents.sign_prepare",
        data={"session": str(pending.pk), "input_sha256": pending.input_sha256},
    )
    return pending


@transaction.atomic
def document_sign_complete(
    *,
    actor: Any,
    document: Document,
    session: Any,
    signature: bytes,
    certificate_pem: bytes | None = None,
) -> Document:
    """The second half: embed the signature the signer returned for ``session`` (the raw signature value
    over the request's data, or a CMS container over the document's digest), validate the result and
    carry on as ``document_sign`` does (the signed file, the places, SIGNED). Refuses, changing nothing,
    a session that is unknown, someone else's, expired, for another document or prepared before the
    draft last changed; a certificate other than the prepared one; a signature over another digest or
    that does not verify. Side effects: the pending request is used up, audit entries."""
    from dangvu.signing.errors import SigningError
    from dangvu.signing.external import external_finish
    from dangvu.signing.models import PendingSignature
    from dangvu.signing.services import Places

    document = _lock(document)
    require_perm(actor, "signing.sign", document.registry_org)
    _ensure(document, "sign")
    pending = (
        PendingSignature.objects.filter(
            pk=session, created_by=actor, purpose=_signing_purpose(document), expires_at__gt=timezone.now()
        )
        .only("context")
        .first()
    )
    if pending is None or pending.context.get("version") != _version(document):
        raise ValidationError(
            "Phiên ký không còn hiệu lực (đã hết hạn, đã dùng, của văn bản khác hoặc văn bản đã thay đổi); "
            "hãy chuẩn bị ký lại."
        )
    stored = pending.context["places"]
    places = Places(stored["number_field"], stored["date_field"], stored["page"], tuple(stored["box"]))
    try:
        signed = external_finish(
            pending_id=pending.pk,
            actor=actor,
            signature=signature,
            certificate_pem=certificate_pem,
            purpose=_signing_purpose(document),
        )
    except SigningError as error:
        raise ValidationError(str(error.message)) from error
    _record_signature(actor, document, signed, places)
    return document


def _date_line(organ_place: str, on: date) -> str:
    return f"{organ_place + ', ' if organ_place else ''}ngày {on:%d} tháng {on:%m} năm {on:%Y}"


@transaction.atomic
def document_issue(*, actor: Any, document: Document, on: date | None = None) -> Document:
    """Issue: take the number atomically from the document's series, write the number and the date into
    the signed PDF (an incremental update the personal signature permits) and apply the organisation's
    seal; deliver to the recipient units. If the seal fails the document keeps its number and waits to
    be sealed (``document_seal``): it is never renumbered. A metadata-only document (secret) gets its
    number in the same series, without files. Requires ``documents.register`` in the issuing unit."""
    from dangvu.documents.drafting import places_of
    from dangvu.signing.errors import SigningError
    from dangvu.signing.services import DocumentState, issue_document

    document = _lock(document)
    require_perm(actor, "documents.register", document.registry_org)
    _ensure(document, "issue")
    on = on or timezone.localdate()
    metadata_only = not files_allowed(document.secrecy)
    if not metadata_only and document.status != OutgoingStatus.SIGNED:
        raise ValidationError("Văn bản chưa được ký số; chưa cấp số.")
    taken = numbers.take_number(actor=actor, document=document, on=on)
    organ = getattr(document.registry_org, "issuing", None)
    document.number = taken.number
    document.symbol = f"{taken.series.abbreviation}/{document.registry_org.abbreviation}"
    document.number_text = numbers.number_text(
        taken.number, taken.series.abbreviation, document.registry_org.abbreviation
    )
    document.issued_on = on
    status = OutgoingStatus.ISSUED
    data: dict[str, Any] = {"number": document.number_text}
    if not metadata_only:
        signed = document.files.filter(kind=FileKind.SIGNED).latest("created_at")
        try:
            result = issue_document(
                pdf=storage.read(signed),
                actor=actor,
                org=document.registry_org,
                places=places_of(document),
                number=f"Số {document.number_text}",
                date_text=_date_line(organ.place if organ else "", on),
            )
        except SigningError as error:
            raise ValidationError(str(error.message)) from error
        storage.store(
            document=document,
            kind=FileKind.ISSUED,
            name=f"{document.number_text.replace('/', '-')}.pdf",
            content=result.pdf,
            content_type="application/pdf",
            actor=actor,
        )
        if result.state is DocumentState.AWAITING_SEAL:
            status = OutgoingStatus.AWAITING_SEAL
            data["seal_error"] = str(result.seal_error.message) if result.seal_error else ""
    _save(document, ["number", "symbol", "number_text", "issued_on"])
    _move(actor=actor, document=document, to_status=status, event="documents.issue", data=data)
    if status == OutgoingStatus.ISSUED:
        _deliver(actor, document)
    return document


@transaction.atomic
def document_seal(*, actor: Any, document: Document) -> Document:
    """Apply the organisation's seal to a numbered document whose seal failed at issuing; deliver it."""
    from dangvu.documents.drafting import places_of
    from dangvu.signing.errors import SigningError
    from dangvu.signing.services import seal_document

    document = _lock(document)
    require_perm(actor, "documents.register", document.registry_org)
    _ensure(document, "seal")
    numbered = document.files.filter(kind=FileKind.ISSUED).latest("created_at")
    try:
        sealed = seal_document(
            pdf=storage.read(numbered), actor=actor, org=document.registry_org, places=places_of(document)
        )
    except SigningError as error:
        raise ValidationError(str(error.message)) from error
    storage.store(
        document=document,
        kind=FileKind.ISSUED,
        name=numbered.name,
        content=sealed,
        content_type="application/pdf",
        actor=actor,
    )
    _move(actor=actor, document=document, to_status=OutgoingStatus.ISSUED, event="documents.seal")
    _deliver(actor, document)
    return document


@transaction.atomic
def document_void_number(*, actor: Any, document: Document, reason: str) -> Document:
    """Void the number of a document that was numbered but not sealed (it will not be issued): the
    number stays taken in its series with the reason and the time (never given to another document, no
    gap in the register), and the document is cancelled. Requires ``documents.register``."""
    document = _lock(document)
    require_perm(actor, "documents.register", document.registry_org)
    _ensure(document, "void-number")
    if not reason.strip():
        raise ValidationError({"reason": "Cần ghi lý do hủy số."})
    taken = SeriesNumber.objects.select_for_update().get(document=document)
    taken.voided_reason, taken.voided_at = reason.strip()[:300], timezone.now()
    taken.save(update_fields=["voided_reason", "voided_at"])
    _move(
        actor=actor,
        document=document,
        to_status=OutgoingStatus.CANCELLED,
        event="documents.void_number",
        data={"number": document.number_text, "reason": taken.voided_reason},
    )
    return document


@transaction.atomic
def document_cancel(*, actor: Any, document: Document, reason: str) -> Document:
    """Abandon a draft (before it is numbered); its versions stay."""
    document = _lock(document)
    require_perm(actor, "documents.draft", document.registry_org)
    _ensure(document, "cancel")
    if not reason.strip():
        raise ValidationError({"reason": "Cần ghi lý do hủy dự thảo."})
    _move(
        actor=actor,
        document=document,
        to_status=OutgoingStatus.CANCELLED,
        event="documents.cancel",
        data={"reason": reason},
    )
    return document


def _deliver(actor: Any, document: Document) -> None:
    """Send an issued document to its recipient units inside dangvu: each gets an incoming document in
    its register (status "arrived", 01), pointing at the issued file."""
    issued = document.files.filter(kind__in=[FileKind.ISSUED]).order_by("-created_at").first()
    content = storage.read(issued) if issued is not None else None
    # verified once for every recipient, as each would on arrival (the path cache makes it cheap)
    verification = _check_pdf(content) if content is not None else {}
    recipients = []
    for delivery in document.deliveries.select_related("recipient").filter(status=""):
        incoming = Document(
            direction=Direction.INCOMING,
            registry_org=delivery.recipient,
            status=IncomingStatus.ARRIVED,
            doc_type=document.doc_type,
            number=document.number,
            symbol=document.symbol,
            number_text=document.number_text,
            issued_on=document.issued_on,
            subject=document.subject,
            secrecy=document.secrecy,
            urgency=document.urgency,
            sender_name=document.registry_org.name,
            sender_org=document.registry_org,
            electronic=True,
            source_delivery=delivery,
            signature_report={"verified_from": document.pk, **verification},
        )
        _index(incoming)
        incoming.save()
        if issued is not None and content is not None:
            storage.store(
                document=incoming,
                kind=FileKind.ORIGINAL,
                name=issued.name,
                content=content,
                content_type=issued.content_type,
            )
        _report(delivery, DeliveryStatus.ARRIVED, actor)
        recipients.append(delivery.recipient_id)
    document.electronic = bool(recipients) or document.electronic
    _save(document, ["electronic"])
    if recipients:
        audit_log(
            actor=actor,
            action="other",
            obj=document,
            org=document.registry_org,
            event="documents.deliver",
            data={"recipients": recipients},
        )
        transaction.on_commit(lambda: _notify_registers(recipients, document))


def _notify_registers(org_ids: list[int], document: Document) -> None:
    from dangvu.accounts.models import RoleAssignment
    from dangvu.notifications.services import notify

    clerks = {
        a.user
        for a in RoleAssignment.objects.active().filter(org_id__in=org_ids).select_related("user", "role")
        if "documents.register" in (a.role.permissions or [])
    }
    if clerks:
        notify(
            recipients=sorted(clerks, key=lambda u: u.pk),
            title=f"Văn bản đến: {document.number_text} — {document.subject[:80]}",
            url="/documents/?direction=incoming&status=arrived",
        )


def _report(delivery: Delivery, status: str, actor: Any, note: str = "") -> None:
    """Record a recipient's business status for a delivery (edXML 01–06), never going backwards except
    to refuse."""
    order = [c.value for c in DeliveryStatus]
    if (
        delivery.status
        and status != DeliveryStatus.REFUSED
        and order.index(status) <= order.index(delivery.status)
    ):
        return
    delivery.status = status
    if status == DeliveryStatus.ARRIVED:
        delivery.sent_at = timezone.now()
    delivery.save(update_fields=["status", "sent_at", "updated_at"])
    DeliveryEvent.objects.create(
        delivery=delivery,
        status=status,
        note=note[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _report_incoming(document: Document, status: str, actor: Any) -> None:
    if document.source_delivery_id:
        _report(Delivery.objects.select_for_update().get(pk=document.source_delivery_id), status, actor)


@transaction.atomic
def delivery_report(*, actor: Any, delivery: Delivery, status: str, note: str = "") -> Delivery:
    """The receiving side reports its business status (edXML codes) for a delivery to it. Requires
    ``documents.register`` in the recipient unit."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("recipient", "document")
        .get(pk=delivery.pk)
    )
    require_perm(actor, "documents.register", delivery.recipient)
    if status not in DeliveryStatus.values:
        raise ValidationError({"status": "Mã trạng thái không hợp lệ (01–06)."})
    if not delivery.status:
        raise ValidationError("Văn bản chưa được gửi đến đơn vị này.")
    _report(delivery, status, actor, note)
    audit_log(
        actor=actor,
        action="update",
        obj=delivery.document,
        org=delivery.recipient,
        event="documents.delivery_status",
        data={"status": status, "note": note},
    )
    return delivery


# --- Incoming ---------------------------------------------------------------------------------------


def _content_type(content: bytes) -> str:
    for magic, kind in ACCEPTED_TYPES.items():
        if content.startswith(magic):
            return kind
    raise ValidationError({"file": "Chỉ nhận bản quét hoặc văn bản điện tử dạng PDF, PNG, JPEG hoặc TIFF."})


def _check_pdf(content: bytes) -> dict[str, Any]:
    """Refuse a PDF that cannot be read (corrupt, encrypted); verify its signatures if it has any."""
    from dangvu.signing.errors import SigningError
    from dangvu.signing.pdfdoc import read_pdf

    try:
        reader = read_pdf(content)
    except SigningError as error:
        raise ValidationError({"file": str(error.message)}) from error
    if not reader.embedded_signatures:
        return {}
    from dangvu.signing.verify import verify_pdf

    report = verify_pdf(content)
    return {"verification": report.as_dict()}


def _next_incoming_number(org: Any, year: int) -> int:
    series, _created = NumberSeries.objects.get_or_create(
        org=org,
        abbreviation="ĐẾN",
        period=f"incoming:{year}",
        defaults={"period_label": f"Sổ văn bản đến {year}"},
    )
    series = NumberSeries.objects.select_for_update().get(pk=series.pk)
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return series.last_number


def default_deadline(received_on: date, urgency: str) -> date:
    from dangvu.workcalendar.calendar import add_working_days

    days = dict(DEFAULT_HANDLING_DAYS) | dict(getattr(settings, "DANGVU_DOCUMENTS_HANDLING_DAYS", {}))
    return add_working_days(received_on, int(days.get(urgency, days[""])))


@transaction.atomic
def document_register_incoming(
    *,
    actor: Any,
    org: Any,
    doc_type: Any,
    subject: str,
    sender_name: str = "",
    sender_org: Any = None,
    number_text: str = "",
    issued_on: date | None = None,
    received_on: date | None = None,
    secrecy: str = "",
    urgency: str = "",
    pages: int | None = None,
    deadline: date | None = None,
    file_name: str = "",
    content: bytes | None = None,
) -> Document:
    """Register a document received on paper (a scan) or electronically (a signed PDF) in ``org``'s
    register of the year: the next incoming number, the handling deadline (given, or by the rule for its
    urgency, in working days). The sender is a unit of the directory (``sender_org``: its name goes in
    the register unless ``sender_name`` gives the name as written) or an outside organ named by
    ``sender_name``. The original is stored byte for byte; a signed PDF's signatures are verified; OCR
    runs later in a job. Secret documents follow ``files_allowed``."""
    require_perm(actor, "documents.register", org)
    _check_choices(secrecy, urgency)
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValidationError({"subject": "Cần trích yếu nội dung văn bản."})
    sender_name = " ".join((sender_name or "").split())[:255] or (sender_org.name if sender_org else "")
    if not sender_name:
        raise ValidationError({"sender_name": "Chọn đơn vị gửi hoặc ghi tên cơ quan gửi."})
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        raise ValidationError({"received_on": "Ngày đến không được ở tương lai."})
    if issued_on and issued_on > received_on:
        raise ValidationError({"issued_on": "Ngày văn bản không được sau ngày đến."})
    if content is not None and not files_allowed(secrecy):
        raise ValidationError({"file": _secrecy_refusal(secrecy)})
    content_type = _content_type(content) if content is not None else ""
    report = _check_pdf(content) if content is not None and content_type == "application/pdf" else {}
    document = Document(
        direction=Direction.INCOMING,
        registry_org=org,
        status=IncomingStatus.REGISTERED,
        doc_type=_doc_type(doc_type),
        number_text=number_text.strip(),
        issued_on=issued_on,
        subject=subject,
        sender_name=sender_name,
        sender_org=sender_org,
        secrecy=secrecy,
        urgency=urgency,
        pages=pages,
        received_on=received_on,
        register_year=received_on.year,
        incoming_number=_next_incoming_number(org, received_on.year),
        deadline=deadline or default_deadline(received_on, urgency),
        deadline_by_hand=deadline is not None,
        electronic=bool(report),
        signature_report=report,
        ocr_status=_ocr_status(content_type),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _index(document)
    document.save()
    if content is not None:
        storage.store(
            document=document,
            kind=FileKind.ORIGINAL,
            name=file_name or "van-ban-den",
            content=content,
            content_type=content_type,
            actor=actor,
        )
    audit_created(actor=actor, obj=document, event="documents.register_incoming", org=org)
    _stamp_arrival(actor, document)
    if document.ocr_status == "pending":
        from dangvu.documents.tasks import ocr_document

        transaction.on_commit(lambda: ocr_document(document.pk))
    return document


CORRECTABLE = ("number_text", "issued_on", "sender_name", "sender_org", "doc_type", "subject", "pages")


@transaction.atomic
def document_correct(
    *,
    actor: Any,
    document: Document,
    number_text: str = "",
    issued_on: date | None = None,
    sender_name: str = "",
    sender_org: Any = None,
    doc_type: Any = None,
    subject: str = "",
    pages: int | None = None,
) -> Document:
    """Correct what the register says of an incoming document (after checking the scan, or taking the
    OCR's proposals): only the values given change; the change is audited field by field. The incoming
    number and the date received never change here. A new sender unit (``sender_org``, an active unit
    of the directory) also puts its name in the register, unless ``sender_name`` gives the name as
    written."""
    document = _lock(document)
    require_perm(actor, "documents.register", document.registry_org)
    _ensure(document, "correct")
    before = snapshot(document, list(CORRECTABLE))
    if sender_org is not None:
        if not isinstance(sender_org, Org) or sender_org.status != OrgStatus.ACTIVE:
            raise ValidationError({"sender_org": "Không tìm thấy đơn vị gửi."})
        if sender_org.pk != document.sender_org_id:
            document.sender_org = sender_org
            document.sender_name = sender_org.name[:255]
    if number_text.strip():
        document.number_text = number_text.strip()[:80]
    if issued_on is not None:
        if document.received_on and issued_on > document.received_on:
            raise ValidationError({"issued_on": "Ngày văn bản không được sau ngày đến."})
        document.issued_on = issued_on
    if sender_name.strip():
        document.sender_name = " ".join(sender_name.split())[:255]
    if doc_type:
        document.doc_type = _doc_type(doc_type)
    if subject.strip():
        document.subject = " ".join(subject.split())
    if pages is not None:
        document.pages = pages
    changes = diff(before, snapshot(document, list(CORRECTABLE)))
    if not changes:
        return document
    _save(document, list(CORRECTABLE))
    audit_log(
        actor=actor,
        action="update",
        obj=document,
        org=document.registry_org,
        event="documents.correct",
        changes=changes,
    )
    return document


def _ocr_status(content_type: str) -> str:
    if not content_type:
        return ""
    from dangvu.documents.ocr import ocr_available

    return "pending" if ocr_available() else "off"


@transaction.atomic
def document_register_arrived(*, actor: Any, document: Document, deadline: date | None = None) -> Document:
    """Register a document delivered by another unit inside dangvu: the next incoming number of this
    year's register, the deadline; the sender sees status 03. A delivery whose signatures did not
    verify on arrival is not registered: the clerk refuses it (02) instead."""
    document = _lock(document)
    require_perm(actor, "documents.register", document.registry_org)
    _ensure(document, "register")
    verification = (document.signature_report or {}).get("verification")
    if verification is not None and not verification.get("valid"):
        raise ValidationError(
            "Chữ ký số của văn bản gửi đến không hợp lệ: không vào sổ; hãy từ chối tiếp nhận."
        )
    today = timezone.localdate()
    document.received_on = today
    document.register_year = today.year
    document.incoming_number = _next_incoming_number(document.registry_org, today.year)
    document.deadline = deadline or default_deadline(today, document.urgency)
    document.deadline_by_hand = deadline is not None
    _save(document, ["received_on", "register_year", "incoming_number", "deadline", "deadline_by_hand"])
    _move(
        actor=actor,
        document=document,
        to_status=IncomingStatus.REGISTERED,
        event="documents.register_arrived",
        data={"incoming_number": document.incoming_number},
    )
    _report_incoming(document, DeliveryStatus.REGISTERED, actor)
    _stamp_arrival(actor, document)
    return document


def _stamp_arrival(actor: Any, document: Document) -> None:
    """The arrival stamp (incoming number, date received, unit) on a copy of the PDF original, kept
    beside it; the original stays byte for byte. Scans sent as images and PDFs that cannot be rewritten
    keep their original only."""
    from pypdf.errors import PyPdfError

    from dangvu.documents.watermark import arrival_stamp

    original = document.files.filter(kind=FileKind.ORIGINAL, content_type="application/pdf").first()
    if original is None or document.received_on is None:
        return
    lines = [
        f"Số: {document.incoming_number}    Ngày: {document.received_on:%d/%m/%Y}",
        document.registry_org.name[:60],
    ]
    try:
        stamped = arrival_stamp(storage.read(original), lines)
    except (PyPdfError, ValueError, KeyError) as error:
        logger.warning("arrival stamp not added to document %s: %s", document.pk, error)
        return
    storage.store(
        document=document,
        kind=FileKind.STAMPED,
        name=f"den-{document.incoming_number}-{original.name}",
        content=stamped,
        content_type="application/pdf",
        actor=actor,
    )


@transaction.atomic
def document_refuse(*, actor: Any, document: Document, reason: str) -> Document:
    """Refuse a delivered document (wrong recipient, invalid signature): the sender sees status 02."""
    document = _lock(document)
    require_perm(actor, "documents.register", document.registry_org)
    _ensure(document, "refuse")
    if not reason.strip():
        raise ValidationError({"reason": "Cần ghi lý do từ chối."})
    _move(
        actor=actor,
        document=document,
        to_status=IncomingStatus.REFUSED,
        event="documents.refuse",
        data={"reason": reason},
    )
    if document.source_delivery_id:
        _report(
            Delivery.objects.select_for_update().get(pk=document.source_delivery_id),
            DeliveryStatus.REFUSED,
            actor,
            reason,
        )
    return document


@transaction.atomic
def document_assign(
    *,
    actor: Any,
    document: Document,
    instruction: str,
    lead_org: Any = None,
    lead_user: Any = None,
    coordinators: Sequence[Any] = (),
    deadline: date | None = None,
) -> Assignment:
    """A leader's instruction (bút phê): the lead unit or person, the coordinating units and the
    deadline. Forwarding is assigning again (the previous assignment ends). The lead is notified."""
    document = _lock(document)
    require_perm(actor, "documents.assign", document.registry_org)
    _ensure(document, "assign")
    if not instruction.strip():
        raise ValidationError({"instruction": "Cần ghi ý kiến chỉ đạo."})
    if lead_org is None and lead_user is None:
        raise ValidationError({"lead_org": "Cần giao cho một đơn vị hoặc một người chủ trì."})
    if deadline is not None and deadline < timezone.localdate():
        raise ValidationError({"deadline": "Hạn xử lý không được ở quá khứ."})
    document.assignments.filter(active=True).update(active=False)
    assignment = Assignment.objects.create(
        document=document,
        instruction=instruction,
        lead_org=lead_org,
        lead_user=lead_user,
        deadline=deadline or document.deadline,
        assigned_by=actor,
    )
    if coordinators:
        assignment.coordinators.set(coordinators)
    if deadline is not None:
        document.deadline, document.deadline_by_hand = deadline, True
        _save(document, ["deadline", "deadline_by_hand"])
    _move(
        actor=actor,
        document=document,
        to_status=IncomingStatus.ASSIGNED,
        event="documents.assign",
        data={
            "instruction": instruction,
            "lead_org": getattr(lead_org, "pk", None),
            "lead_user": getattr(lead_user, "pk", None),
            "coordinators": [c.pk for c in coordinators],
            "deadline": (deadline or document.deadline),
        },
    )
    _report_incoming(document, DeliveryStatus.ASSIGNED, actor)
    if lead_user is not None:
        from dangvu.notifications.services import notify

        transaction.on_commit(
            lambda: notify(
                recipients=[lead_user],
                title=f"Được giao xử lý: {document.subject[:100]}",
                body=instruction,
                url=document.get_absolute_url(),
            )
        )
    return assignment


def may_handle(user: Any, document: Document) -> bool:
    """The lead person, or someone who may handle documents in the lead or coordinating unit."""
    from dangvu.accounts.permissions import has_perm

    assignment = document.assignments.filter(active=True).first()
    if assignment is None:
        return False
    if assignment.lead_user_id == getattr(user, "pk", None):
        return True
    units = [assignment.lead_org] if assignment.lead_org_id else []
    return any(has_perm(user, "documents.handle", unit) for unit in units) or has_perm(
        user, "documents.assign", document.registry_org
    )


@transaction.atomic
def document_note(*, actor: Any, document: Document, text: str) -> ProgressNote:
    """A progress note by whoever handles the document; it is now being handled."""
    document = _lock(document)
    if not may_handle(actor, document):
        raise PermissionDenied("Bạn không được giao xử lý văn bản này.")
    _ensure(document, "note")
    if not text.strip():
        raise ValidationError({"text": "Cần nội dung ghi chú."})
    note = ProgressNote.objects.create(document=document, text=text, author=actor)
    if document.status != IncomingStatus.IN_PROGRESS:
        _move(actor=actor, document=document, to_status=IncomingStatus.IN_PROGRESS, event="documents.note")
        _report_incoming(document, DeliveryStatus.PROCESSING, actor)
    else:
        audit_log(
            actor=actor, action="other", obj=document, org=document.registry_org, event="documents.note"
        )
    return note


@transaction.atomic
def document_complete(
    *,
    actor: Any,
    document: Document,
    result: str,
    note: str = "",
    reply: Document | None = None,
    file_in: FileHeading | None = None,
) -> Document:
    """Close the handling with its result (a reply document, a case, "for information"); file it."""
    document = _lock(document)
    if not may_handle(actor, document) and not _may_close_for_information(actor, document, result):
        raise PermissionDenied("Bạn không được giao xử lý văn bản này.")
    _ensure(document, "complete")
    if result not in HandlingResult.values:
        raise ValidationError({"result": "Kết quả xử lý không hợp lệ."})
    if result == HandlingResult.REPLY and reply is None:
        reply = document.reply  # the reply drafted from this document
    if result == HandlingResult.REPLY and reply is None:
        raise ValidationError({"reply": "Cần văn bản trả lời."})
    if reply is not None and (
        reply.direction != Direction.OUTGOING or reply.registry_org_id != document.registry_org_id
    ):
        raise ValidationError({"reply": "Văn bản trả lời phải là văn bản đi của cùng đơn vị."})
    document.result, document.result_note, document.reply = result, note, reply
    document.completed_on = timezone.localdate()
    if file_in is not None:
        if file_in.org_id != document.registry_org_id:
            raise ValidationError({"file_in": "Hồ sơ không thuộc danh mục của đơn vị này."})
        if FileHeading.objects.select_for_update().filter(pk=file_in.pk, closed_on__isnull=False).exists():
            raise ValidationError({"file_in": f"Hồ sơ {file_in.code} đã kết thúc: chọn hồ sơ khác."})
        document.filed_in = file_in
    _save(document, ["result", "result_note", "reply", "filed_in", "completed_on"])
    document.assignments.filter(active=True).update(active=False)
    _move(
        actor=actor,
        document=document,
        to_status=IncomingStatus.DONE,
        event="documents.complete",
        data={"result": result, "note": note},
    )
    _report_incoming(document, DeliveryStatus.DONE, actor)
    return document


def _may_close_for_information(user: Any, document: Document, result: str) -> bool:
    from dangvu.accounts.permissions import has_perm

    return result == HandlingResult.INFORMATION and has_perm(
        user, "documents.register", document.registry_org
    )


# A document is filed once it is in the register: received (not merely arrived or refused), or issued.
FILEABLE = frozenset(
    {
        IncomingStatus.REGISTERED,
        IncomingStatus.ASSIGNED,
        IncomingStatus.IN_PROGRESS,
        IncomingStatus.DONE,
        OutgoingStatus.AWAITING_SEAL,
        OutgoingStatus.ISSUED,
    }
)


@transaction.atomic
def document_file(*, actor: Any, document: Document, heading: FileHeading | None) -> Document:
    """File a document in one of its unit's files (danh mục hồ sơ), move it to another, or (``None``)
    take it out of its file. Only a registered or issued document is filed. Requires
    ``documents.register`` in the document's unit. Side effects: audit (the file before and after)."""
    document = _lock(document)
    require_perm(actor, "documents.register", document.registry_org)
    if heading is not None and heading.org_id != document.registry_org_id:
        raise ValidationError({"heading": "Hồ sơ không thuộc danh mục của đơn vị này."})
    if heading is not None and document.status not in FILEABLE:
        raise ValidationError({"heading": "Chỉ lập hồ sơ văn bản đã vào sổ văn bản đến hoặc đã ban hành."})
    if heading is None and document.filed_in_id is None:
        return document
    # The files involved are locked (in id order) so that a file being closed sees every document
    # filed in it, and no document enters or leaves a closed file (dangvu.documents.archive).
    involved = {pk for pk in (document.filed_in_id, heading.pk if heading else None) if pk is not None}
    for locked in FileHeading.objects.select_for_update().filter(pk__in=involved).order_by("pk"):
        if locked.closed_on is not None:
            raise ValidationError(
                {
                    "heading": f"Hồ sơ {locked.code} đã kết thúc: mở lại hồ sơ (ghi lý do) trước khi "
                    "thêm hoặc rút văn bản."
                }
            )
    before = snapshot(document, ["filed_in"])
    document.filed_in = heading
    _save(document, ["filed_in"])
    audit_log(
        actor=actor,
        action="update",
        obj=document,
        org=document.registry_org,
        event="documents.file" if heading is not None else "documents.unfile",
        changes=diff(before, snapshot(document, ["filed_in"])),
    )
    return document


def open_file(*, actor: Any, document: Document, kind: str | None = None) -> tuple[Any, bytes]:
    """A document's file for viewing or download (the newest of ``kind``): every opening is logged;
    a secret document's copy carries the viewer's name as a watermark."""
    files = document.files.all()
    if kind:
        files = files.filter(kind=kind)
    record = files.order_by("-created_at", "-pk").first()
    if record is None:
        raise ValidationError("Văn bản không có tệp.")
    content = storage.read(record)
    if document.secrecy and record.content_type == "application/pdf":
        from dangvu.documents.watermark import watermark

        content = watermark(
            content,
            f"{actor.get_full_name() or actor.get_username()} — {timezone.localtime():%d/%m/%Y %H:%M}",
        )
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="view",
            obj=document,
            org=document.registry_org,
            event="documents.open_file",
            data={"file": record.pk, "kind": record.kind, "sha256": record.sha256},
        )
    return record, content
