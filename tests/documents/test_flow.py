"""An outgoing document from draft to issue (approval, the leader's PAdES signature, the number from
its series, the seal) and its delivery into another unit's incoming register, handled there while the
sender follows its edXML status."""

import subprocess
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangvu.audit.models import AuditEntry
from dangvu.documents import services, storage
from dangvu.documents.enums import FileKind
from dangvu.documents.models import Delivery, Document, SeriesNumber
from dangvu.documents.workflow import DOCUMENTS

pytestmark = pytest.mark.django_db


def draft(office, tree, **overrides):
    values = {
        "actor": office.clerk,
        "org": tree.xa,
        "doc_type": "NQ",
        "subject": "về công tác chuyển đổi số năm 2027",
        "body": "Đảng ủy xã quyết nghị:\nĐẩy mạnh số hóa văn bản đi, đến.",
        "recipients": [tree.xb],
        "recipients_text": "Đảng ủy phường Đông Tiến\nLưu Văn phòng",
        "authority": "T/M ĐẢNG ỦY",
        "signer_title": "BÍ THƯ",
        "signer_name": "Lê Quang Hùng",
    }
    return services.document_draft(**(values | overrides))


def pdftotext(content: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_draft_approve_sign_issue_deliver_and_handle(office, tree, tmp_path):
    document = draft(office, tree)
    assert [t.name for t in DOCUMENTS.available(office.clerk, document)] == ["revise", "cancel"]
    document = services.document_approve(actor=office.leader, document=document, comment="Đồng ý")
    assert document.status == "approved"
    document = services.document_sign(actor=office.leader, document=document)
    assert document.status == "signed"
    with pytest.raises(PermissionDenied):
        services.document_issue(actor=office.leader, document=document)  # the leader is not the clerk
    document = services.document_issue(actor=office.clerk, document=document, on=date(2026, 12, 1))
    assert document.status == "issued"
    assert document.number_text == "01-NQ/ĐU"  # from 01 in the term, leading zero
    issued = storage.read(document.files.get(kind=FileKind.ISSUED))
    text = pdftotext(issued, tmp_path)
    assert "Số 01-NQ/ĐU" in text
    assert "Ninh Bình, ngày 01 tháng 12 năm 2026" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    # Delivered into XB's register as "arrived" (01); the sender sees it.
    incoming = Document.objects.get(direction="incoming", registry_org=tree.xb)
    assert (incoming.status, incoming.number_text, incoming.sender_name) == (
        "arrived",
        "01-NQ/ĐU",
        tree.xa.name,
    )
    delivery = Delivery.objects.get(document=document, recipient=tree.xb)
    assert delivery.status == "01"
    assert storage.read(incoming.files.get()) == issued  # the same signed bytes
    incoming = services.document_register_arrived(actor=office.clerk_b, document=incoming)
    assert incoming.incoming_number == 1
    delivery.refresh_from_db()
    assert delivery.status == "03"
    services.document_assign(
        actor=office.leader_b,
        document=incoming,
        instruction="Giao chuyên viên tham mưu",
        lead_user=office.specialist_b,
    )
    services.document_note(actor=office.specialist_b, document=incoming, text="Đã dự thảo kế hoạch")
    services.document_complete(actor=office.specialist_b, document=incoming, result="done", note="Xong")
    delivery.refresh_from_db()
    assert delivery.status == "06"
    assert [e.status for e in delivery.events.all()] == ["01", "03", "04", "05", "06"]


def test_numbers_share_a_series_by_abbreviation_and_restart_by_term(office, tree, people):
    # Quyết định and Quy định share "QĐ"; a new term restarts from 01.
    from dangvu.orgs.models import Term

    def issue(doc_type, on):
        document = draft(office, tree, doc_type=doc_type, recipients=[], body="")
        document = services.document_approve(actor=office.leader, document=document)
        document = services.document_sign(actor=office.leader, document=document)
        return services.document_issue(actor=office.clerk, document=document, on=on).number_text

    assert issue("quyet-dinh", date(2026, 12, 1)) == "01-QĐ/ĐU"
    assert issue("quy-dinh", date(2026, 12, 1)) == "02-QĐ/ĐU"
    assert issue("NQ", date(2026, 12, 1)) == "01-NQ/ĐU"
    Term.objects.filter(org=tree.xa).update(ends_on=date(2030, 7, 31))
    Term.objects.create(org=tree.xa, name="2030–2035", starts_on=date(2030, 8, 1))
    assert SeriesNumber.objects.count() == 3


def test_signing_an_unapproved_draft_and_issuing_twice_are_refused(office, tree):
    document = draft(office, tree)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="Ký số"):
        DOCUMENTS.fire("sign", actor=office.leader, obj=document, values={"position": ""})
    assert AuditEntry.objects.count() == before
    document = services.document_approve(actor=office.leader, document=document)
    document = services.document_sign(actor=office.leader, document=document)
    document = services.document_issue(actor=office.clerk, document=document)
    with pytest.raises(ValidationError):
        services.document_issue(actor=office.clerk, document=document)
    assert SeriesNumber.objects.filter(document=document).count() == 1


def test_a_top_secret_document_is_metadata_only_but_takes_the_ordinary_series(office, tree, people):
    from tests.conftest import grant

    grant(office.clerk, "lanh-dao", tree.xa)  # clearance for TỐI MẬT
    with pytest.raises(ValidationError, match="chỉ được vào sổ thông tin"):
        draft(office, tree, secrecy="toi-mat")
    document = draft(office, tree, secrecy="toi-mat", body="", recipients=[])
    document = services.document_approve(actor=office.leader, document=document)
    assert [t.name for t in DOCUMENTS.available(office.clerk, document)] == ["issue", "cancel"]
    document = services.document_issue(actor=office.clerk, document=document)
    assert (document.number_text, document.files.count()) == ("01-NQ/ĐU", 0)
    ordinary = services.document_issue(
        actor=office.clerk,
        document=services.document_sign(
            actor=office.leader,
            document=services.document_approve(
                actor=office.leader, document=draft(office, tree, recipients=[])
            ),
        ),
    )
    assert ordinary.number_text == "02-NQ/ĐU"  # secret documents share the ordinary series
    assert not Document.objects.visible_to(people.province).filter(pk=document.pk).exists()  # no clearance


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_clerks_issuing_at_once_get_consecutive_numbers_without_gaps(tree, admin_user):
    import threading

    from django.db import connection

    from dangvu.documents import numbers
    from dangvu.documents.models import DocumentType

    kind = DocumentType.objects.get_or_create(
        code="cong-van", defaults={"name": "Công văn", "abbreviation": "CV"}
    )[0]
    documents = [
        Document.objects.create(
            direction="outgoing",
            registry_org=tree.xa,
            status="approved",
            doc_type=kind,
            subject=f"Công văn {i}",
        )
        for i in range(30)
    ]
    barrier = threading.Barrier(10)
    errors = []

    def clerk(batch):
        try:
            barrier.wait()
            for document in batch:
                numbers.take_number(actor=admin_user, document=document, on=date(2026, 12, 1))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(documents[i::10],)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    taken = sorted(SeriesNumber.objects.values_list("number", flat=True))
    assert taken == list(range(1, 31))


def test_a_number_whose_seal_failed_is_voided_with_its_reason_and_never_given_again(office, tree, demo_keys):
    def signed():
        document = draft(office, tree, recipients=[])
        document = services.document_approve(actor=office.leader, document=document)
        return services.document_sign(actor=office.leader, document=document)

    first = signed()
    demo_keys.seal.rename(demo_keys.seal.with_suffix(".away"))  # the seal's token unplugged
    first = services.document_issue(actor=office.clerk, document=first, on=date(2026, 12, 1))
    assert (first.status, first.number_text) == ("awaiting_seal", "01-NQ/ĐU")  # numbered, waits
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.document_void_number(actor=office.clerk, document=first, reason="  ")
    with pytest.raises(PermissionDenied):
        services.document_void_number(actor=office.leader_b, document=first, reason="Nhầm")
    assert AuditEntry.objects.count() == before

    voided = services.document_void_number(
        actor=office.clerk, document=first, reason="Văn bản phải soạn lại, không ban hành"
    )

    assert voided.status == "cancelled"
    taken = SeriesNumber.objects.get(document=first)
    assert (taken.number, taken.voided_reason, taken.voided_at is not None) == (
        1,
        "Văn bản phải soạn lại, không ban hành",
        True,
    )
    entry = AuditEntry.objects.get(event="documents.void_number")
    assert entry.data == {"number": "01-NQ/ĐU", "reason": "Văn bản phải soạn lại, không ban hành"}
    demo_keys.seal.with_suffix(".away").rename(demo_keys.seal)
    second = services.document_issue(actor=office.clerk, document=signed(), on=date(2026, 12, 1))
    assert second.number_text == "02-NQ/ĐU"  # 01 stays voided: no reuse, no gap
    assert sorted(SeriesNumber.objects.values_list("number", flat=True)) == [1, 2]
