from django.urls import path

from responses.views import channels, webhooks

urlpatterns = [
    path("settings/webhooks/", webhooks.webhook_list, name="webhooks"),
    path("settings/webhooks/<int:endpoint_id>/", webhooks.webhook_detail, name="webhook"),
    path(
        "settings/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/resend",
        webhooks.webhook_resend,
        name="webhook_resend",
    ),
    path(
        "settings/webhooks/<int:endpoint_id>/switch",
        webhooks.webhook_switch,
        name="webhook_switch",
    ),
    path(
        "settings/webhooks/<int:endpoint_id>/secret",
        webhooks.webhook_secret,
        name="webhook_secret",
    ),
    path(
        "settings/webhooks/<int:endpoint_id>/delete",
        webhooks.webhook_delete,
        name="webhook_delete",
    ),
    path("settings/channels/", channels.channel_list, name="channels"),
    path("settings/channels/<int:channel_id>/test", channels.channel_test, name="channel_test"),
    path(
        "settings/channels/<int:channel_id>/delete",
        channels.channel_delete,
        name="channel_delete",
    ),
]
