from django.urls import path

from dangvu.web import exports, views

urlpatterns = [
    path("home/", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("exports/<int:pk>/", exports.export_detail, name="export"),
    path("exports/<int:pk>/file", exports.export_download, name="export_file"),
]
