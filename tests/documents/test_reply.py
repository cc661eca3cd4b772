"""A reply drafted from an incoming document: linked both ways, prefilled on its page, only by the
handler or the clerk of the same unit, and taken as the result when the handling ends."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from dangvu.audit.models import AuditEntry
from dangvu.documents import services
from dangvu.documents.models import Document
from tests.conftest import grant, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(office, tree):
    specialist = make_user("specialist")
    grant(specialist, "chuyen-vien", tree.xa)
    document = services.document_register_incoming(
        actor=office.clerk,
        org=tree.xa,
        doc_type="CV",
        subject="Đề nghị cung cấp danh sách",
        sender_name="Đảng ủy phường Đông Tiến",
        number_text="07-CV/ĐU",
    )
    services.document_assign(
        actor=office.leader, document=document, instruction="Tham mưu trả lời", lead_user=specialist
    )
    document.refresh_from_db()
    return document, specialist


def reply(actor, tree, incoming, **overrides):
    values = {"actor": actor, "org": tree.xa, "doc_type": "CV", "subject": "trả lời", "reply_to": incoming}
    return services.document_draft(**(values | overrides))


def test_the_handler_drafts_the_reply_and_completing_with_reply_takes_it(office, tree, assigned):
    incoming, specialist = assigned

    answer = reply(specialist, tree, incoming)
    services.document_complete(actor=specialist, document=incoming, result="reply")

    incoming.refresh_from_db()
    assert (incoming.reply, incoming.result, incoming.status) == (answer, "reply", "done")
    linked = AuditEntry.objects.get(event="documents.reply_drafted")
    assert (linked.actor, linked.object_id, linked.changes) == (
        specialist,
        str(incoming.pk),
        {"reply": [None, answer.pk]},
    )


def test_a_reply_is_refused_from_another_unit_by_someone_not_handling_it_or_after_completion(
    office, tree, assigned
):
    incoming, specialist = assigned
    outsider = make_user("drafter")
    grant(outsider, "chuyen-vien", tree.xa)  # may draft in XA, but was not given this document
    before = Document.objects.count()

    with pytest.raises(ValidationError, match="văn bản đến của đơn vị ban hành"):
        reply(office.clerk_b, tree, incoming, org=tree.xb)
    with pytest.raises(PermissionDenied):
        reply(outsider, tree, incoming)
    services.document_complete(actor=specialist, document=incoming, result="done")
    incoming.refresh_from_db()
    with pytest.raises(ValidationError, match="không còn đang xử lý"):
        reply(specialist, tree, incoming)

    assert Document.objects.count() == before
    assert incoming.reply is None


def test_the_reply_of_a_handling_is_an_outgoing_document_of_the_same_unit(office, tree, assigned):
    incoming, specialist = assigned
    foreign = services.document_draft(actor=office.clerk_b, org=tree.xb, doc_type="CV", subject="của phường")

    with pytest.raises(ValidationError, match="cùng đơn vị"):
        services.document_complete(actor=specialist, document=incoming, result="reply", reply=foreign)
    with pytest.raises(ValidationError, match="Cần văn bản trả lời"):
        services.document_complete(actor=specialist, document=incoming, result="reply")

    incoming.refresh_from_db()
    assert incoming.status == "assigned"


def test_the_reply_page_is_prefilled_and_saving_links_it(office, tree, assigned):
    incoming, specialist = assigned
    client = Client()
    client.force_login(specialist)

    detail = client.get(incoming.get_absolute_url()).content.decode()
    form = client.get(f"/documents/new/outgoing/?reply_to={incoming.pk}").content.decode()
    saved = client.post(
        "/documents/new/outgoing/",
        {
            "org": tree.xa.code,
            "doc_type": incoming.doc_type_id,
            "subject": "trả lời công văn số 07-CV/ĐU của Đảng ủy phường Đông Tiến",
            "recipients": tree.xb.code,
            "reply_to": incoming.pk,
        },
    )
    hidden = Client()
    hidden.force_login(office.clerk_b)

    assert 'data-testid="draft-reply"' in detail
    assert "trả lời công văn số 07-CV/ĐU của Đảng ủy phường Đông Tiến" in form
    assert f'name="reply_to" value="{incoming.pk}"' in form
    assert saved.status_code == 302
    incoming.refresh_from_db()
    assert incoming.reply.subject == "trả lời công văn số 07-CV/ĐU của Đảng ủy phường Đông Tiến"
    # Another unit's clerk cannot reply to a document they do not see.
    assert (
        hidden.post(
            "/documents/new/outgoing/",
            {"org": tree.xb.code, "doc_type": incoming.doc_type_id, "subject": "x", "reply_to": incoming.pk},
        ).status_code
        == 404
    )
