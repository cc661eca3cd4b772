import pytest
from django.core.exceptions import ValidationError

from dangvu.links.services import link_create, linked_records, timeline
from dangvu.members.services import member_create
from dangvu.notifications.models import Notification
from dangvu.notifications.services import notification_mark_read, notify

pytestmark = pytest.mark.django_db


def test_links_read_both_ways_and_hide_what_the_user_cannot_see(tree, people):
    member_a = member_create(actor=people.admin, full_name="Phạm Văn Hòa", sex="male", org=tree.a1)
    member_b = member_create(actor=people.admin, full_name="Lê Thị Thu", sex="female", org=tree.b1)
    link_create(actor=people.admin, source=member_a, target=tree.b1, kind="transfer-to")
    link_create(actor=people.admin, source=member_b, target=member_a, kind="related")

    as_admin = {(r.object_type, r.obj.pk, r.kind) for r in linked_records(member_a, people.admin)}
    assert as_admin == {("orgs.org", tree.b1.pk, "transfer-to"), ("members.member", member_b.pk, "related")}
    # The A1 secretary sees member A but neither unit B1 nor member B.
    assert linked_records(member_a, people.secretary) == []
    items = timeline(member_a, people.admin)
    assert [i.kind for i in items].count("link") == 2
    assert any(i.kind == "audit" and i.detail.event == "members.create" for i in items)


def test_cannot_link_what_one_cannot_see(tree, people):
    member = member_create(actor=people.admin, full_name="Phạm Văn Hòa", sex="male", org=tree.a1)
    with pytest.raises(ValidationError):
        link_create(actor=people.secretary, source=member, target=tree.b1)
    with pytest.raises(ValidationError):
        link_create(actor=people.admin, source=member, target=member)


def test_notify_creates_in_app_notifications_and_email(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[people.clerk, people.secretary],
            title="Hạn xử lý văn bản",
            body="Còn 2 ngày",
            email=True,
        )
    assert Notification.objects.visible_to(people.clerk).unread().count() == 1
    assert Notification.objects.visible_to(people.outsider).count() == 0
    assert sorted(m.to[0] for m in mailoutbox) == ["clerk@example.vn", "secretary@example.vn"]
    assert mailoutbox[0].subject == "[Đảng vụ số] Hạn xử lý văn bản"
    assert notification_mark_read(user=people.clerk) == 1
    assert Notification.objects.visible_to(people.clerk).unread().count() == 0
    assert Notification.objects.visible_to(people.secretary).unread().count() == 1
