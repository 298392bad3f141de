from django.urls import path

from responses import views_settings

urlpatterns = [
    path(
        "settings/digests",
        views_settings.save_digest_preferences,
        name="digest_preferences",
    ),
    path("settings/alerts", views_settings.save_alert_settings, name="alert_settings"),
    path(
        "digests/unsubscribe/<str:token>/",
        views_settings.unsubscribe,
        name="digest_unsubscribe",
    ),
]
