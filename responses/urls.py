from django.urls import path

from responses import views_inbox, views_reports, views_settings

urlpatterns = [
    path("", views_inbox.inbox, name="home"),
    path("reports/", views_reports.reports, name="reports"),
    path("settings/", views_settings.settings_page, name="settings"),
]
