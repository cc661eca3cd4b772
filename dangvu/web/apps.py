from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "dangvu.web"
    label = "web"
    verbose_name = "Giao diện"

    def ready(self) -> None:
        from dangvu.web.nav import NavItem, register_nav

        register_nav(NavItem("orgs", "Tổ chức đảng", "orgs:tree", "orgs.view", order=10))
        register_nav(NavItem("members", "Đảng viên", "members:list", "members.view", order=20))
        register_nav(NavItem("calendar", "Lịch làm việc", "workcalendar:index", "", order=80))
        register_nav(NavItem("audit", "Nhật ký", "audit:list", "audit.view", order=90))
