from django.urls import path

from responses.views import settings

urlpatterns = [
    path(
        "settings/digests",
        settings.save_digest_preferences,
        name="digest_preferences",
    ),
    path("settings/alerts", settings.save_alert_settings, name="alert_settings"),
    path(
        "digests/unsubscribe/<str:token>/",
        settings.unsubscribe,
        name="digest_unsubscribe",
    ),
]
