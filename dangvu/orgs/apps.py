from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

EVERY_STANDARD_ROLE = (
    "quan-tri",
    "van-thu",
    "chuyen-vien",
    "lanh-dao",
    "ban-to-chuc",
    "uy-ban-kiem-tra",
    "bi-thu-chi-bo",
    "dang-vien",
)


class OrgsConfig(AppConfig):
    name = "dangvu.orgs"
    label = "orgs"
    verbose_name = _("Tổ chức đảng")

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from dangvu.core.modules import ModuleDescription, NavEntry, Permission, SearchSource
        from dangvu.orgs.querysets import search_units

        self.description = ModuleDescription(
            label="orgs",
            title=self.verbose_name,
            urls="dangvu.orgs.urls",
            api="dangvu.orgs.api:router",
            permissions=[
                Permission("orgs.view", _("Xem cây tổ chức"), EVERY_STANDARD_ROLE),
                Permission(
                    "orgs.manage",
                    _("Quản lý cây tổ chức (thêm, đổi tên, chuyển, hợp nhất, chia tách, giải thể)"),
                    ("quan-tri", "ban-to-chuc"),
                ),
            ],
            nav=[
                NavEntry(
                    "orgs", gettext_noop("Tổ chức đảng"), "orgs:tree", "orgs.view", order=10, icon="diagram-3"
                )
            ],
            search=[SearchSource("orgs", _("Đơn vị"), "orgs.view", search_units, order=20)],
            audit_events={
                "orgs.create": _("Thành lập đơn vị"),
                "orgs.rename": _("Đổi tên đơn vị"),
                "orgs.update": _("Sửa thông tin đơn vị"),
                "orgs.move": _("Chuyển đơn vị sang trực thuộc đơn vị khác"),
                "orgs.merge": _("Hợp nhất đơn vị"),
                "orgs.split": _("Chia tách đơn vị"),
                "orgs.dissolve": _("Giải thể đơn vị"),
                "orgs.term_add": _("Thêm nhiệm kỳ"),
            },
        )
