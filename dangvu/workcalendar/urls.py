from django.urls import path

from dangvu.workcalendar import views

app_name = "workcalendar"
urlpatterns = [
    path("", views.index, name="index"),
    path("days/add/", views.add_day, name="add_day"),
    path("days/<int:pk>/remove/", views.remove_day, name="remove_day"),
    path("years/<int:year>/confirm/", views.confirm_year, name="confirm_year"),
]
