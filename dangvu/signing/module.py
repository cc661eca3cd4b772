"""The signing service's description (see dangvu.core.modules): its API and its permissions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangvu.core.modules import ModuleDescription, Permission


def describe() -> ModuleDescription:
    return ModuleDescription(
        label="signing",
        title=_("Ký số"),
        api="dangvu.signing.api:router",
        permissions=[
            # HD 03-HD/VPTW: individuals sign with personal keys within their authority …
            Permission("signing.sign", _("Ký số cá nhân lên văn bản"), ("lanh-dao", "bi-thu-chi-bo")),
            # … and the organisation's key plays the role of the seal, applied by the văn thư.
            Permission("signing.seal", _("Cấp số và ký số của cơ quan (đóng dấu)"), ("van-thu",)),
            Permission(
                "signing.verify",
                _("Kiểm tra chữ ký số của văn bản đến"),
                ("van-thu", "chuyen-vien", "lanh-dao", "bi-thu-chi-bo"),
            ),
        ],
    )
