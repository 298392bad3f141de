from django.urls import path

from monitors import views

urlpatterns = [
    path("sources/", views.source_list, name="sources"),
]
