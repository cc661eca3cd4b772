from django.urls import include, path

from dangvu.urls import handler404, handler500, urlpatterns  # noqa: F401 - the same error handlers


def boom(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom/", boom), path("", include(urlpatterns))]
