"""Handling deadlines of incoming documents through the daily reminder job: the handlers before the
deadline, the handlers and the assigning leader once it has passed, once per deadline; a secret
document's reminder names no subject and goes by no e-mail."""

from datetime import date

import pytest

from dangvu.documents import services
from dangvu.notifications.models import Notification
from dangvu.notifications.reminders import send_due_reminders
from tests.conftest import grant, make_user

pytestmark = pytest.mark.django_db


def _incoming(office, tree, **overrides):
    values = {
        "actor": office.clerk,
        "org": tree.xa,
        "doc_type": "CV",
        "subject": "Đề nghị báo cáo chuyển đổi số",
        "sender_name": "Tỉnh ủy Ninh Bình",
        "received_on": date(2026, 11, 30),
    }
    return services.document_register_incoming(**(values | overrides))


def _received():
    return sorted(
        (n.recipient.username, n.title) for n in Notification.objects.filter(kind__startswith="reminder:")
    )


def test_the_handler_is_reminded_before_the_deadline_and_the_leader_told_once_it_passed(
    office, tree, mailoutbox, django_capture_on_commit_callbacks
):
    specialist = make_user("specialist")
    grant(specialist, "chuyen-vien", tree.xa)
    document = _incoming(office, tree)
    services.document_assign(
        actor=office.leader,
        document=document,
        instruction="Đồng chí chuẩn bị báo cáo",
        lead_user=specialist,
        deadline=date(2026, 12, 3),
    )

    assert send_due_reminders(date(2026, 11, 30)) == 0  # three working days ahead: not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(date(2026, 12, 1)) == 1
    assert send_due_reminders(date(2026, 12, 2)) == 0  # once per deadline
    assert _received() == [
        ("specialist", "Sắp đến hạn xử lý (03/12/2026) — Văn bản đến số đến 1: Đề nghị báo cáo chuyển đổi số")
    ]

    assert [m.to for m in mailoutbox] == [["specialist@example.vn"]]

    assert send_due_reminders(date(2026, 12, 4)) == 2
    assert _received() == [
        (
            "secretary",
            "Văn bản giao xử lý đã quá hạn (03/12/2026) — Văn bản đến số đến 1: Đề nghị báo cáo chuyển đổi số",
        ),
        ("specialist", "Quá hạn xử lý từ 03/12/2026 — Văn bản đến số đến 1: Đề nghị báo cáo chuyển đổi số"),
        (
            "specialist",
            "Sắp đến hạn xử lý (03/12/2026) — Văn bản đến số đến 1: Đề nghị báo cáo chuyển đổi số",
        ),
    ]
    assert send_due_reminders(date(2026, 12, 7)) == 0


def test_a_lead_unit_s_handlers_are_reminded_and_a_done_document_is_not(office, tree):
    handler, clerk_only = make_user("handler"), make_user("clerkonly")
    grant(handler, "chuyen-vien", tree.a1)
    grant(clerk_only, "van-thu", tree.a1)  # may not handle documents: not reminded
    first, second = _incoming(office, tree), _incoming(office, tree, subject="Văn bản thứ hai")
    for document in (first, second):
        services.document_assign(
            actor=office.leader,
            document=document,
            instruction="Chi bộ thôn 1 xử lý",
            lead_org=tree.a1,
            deadline=date(2026, 12, 2),
        )
    services.document_complete(actor=handler, document=second, result="done", note="Đã xong")

    assert send_due_reminders(date(2026, 12, 1)) == 1
    assert _received() == [
        ("handler", "Sắp đến hạn xử lý (02/12/2026) — Văn bản đến số đến 1: Đề nghị báo cáo chuyển đổi số")
    ]


def test_a_secret_document_is_reminded_by_its_number_only_and_not_by_e_mail(
    office, tree, mailoutbox, django_capture_on_commit_callbacks
):
    specialist = make_user("specialist")
    grant(specialist, "chuyen-vien", tree.xa)
    document = _incoming(office, tree, subject="Phương án bảo vệ bí mật", secrecy="mat")
    services.document_assign(
        actor=office.leader,
        document=document,
        instruction="Xử lý",
        lead_user=specialist,
        deadline=date(2026, 12, 2),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(date(2026, 12, 1)) == 1
    assert _received() == [("specialist", "Sắp đến hạn xử lý (02/12/2026) — Văn bản đến số đến 1")]
    assert [m.subject for m in mailoutbox] == []
    assert Notification.objects.get(kind__startswith="reminder:").emailed_at is None
