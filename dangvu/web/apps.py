from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "dangvu.web"
    label = "web"
    verbose_name = "Giao diện"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop as _

        from dangvu.web.nav import NavItem, register_nav

        register_nav(NavItem("orgs", _("Tổ chức đảng"), "orgs:tree", "orgs.view", order=10))
        register_nav(NavItem("members", _("Đảng viên"), "members:list", "members.view", order=20))
        register_nav(NavItem("calendar", _("Lịch làm việc"), "workcalendar:index", "", order=80))
        register_nav(NavItem("audit", _("Nhật ký"), "audit:list", "audit.view", order=90))
