from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from dangvu.accounts.views import admin_login
from dangvu.api.main import api
from dangvu.core.modules import modules
from dangvu.web.language import set_language

admin.site.site_header = _("Đảng vụ số — Quản trị")
admin.site.site_title = _("Đảng vụ số")
admin.site.index_title = _("Dữ liệu nền")
# One way in: the admin's own password form would skip the second factor and the lockout rules.
admin.site.login = admin_login  # type: ignore[method-assign]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="web:home"), name="root"),
    path("", include(("dangvu.web.urls", "web"))),
    # Every module's pages, from its description (dangvu.core.modules): adding a module edits nothing here.
    *(path(f"{m.mount}/", include(m.urls)) for m in modules() if m.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler400 = "dangvu.web.views.bad_request"
handler403 = "dangvu.web.views.permission_denied"
handler404 = "dangvu.web.views.page_not_found"
handler500 = "dangvu.web.views.server_error"
