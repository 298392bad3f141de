from django.urls import path

from responses import views_channels, views_webhooks

urlpatterns = [
    path("settings/webhooks/", views_webhooks.webhook_list, name="webhooks"),
    path("settings/webhooks/<int:endpoint_id>/", views_webhooks.webhook_detail, name="webhook"),
    path(
        "settings/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/resend",
        views_webhooks.webhook_resend,
        name="webhook_resend",
    ),
    path(
        "settings/webhooks/<int:endpoint_id>/switch",
        views_webhooks.webhook_switch,
        name="webhook_switch",
    ),
    path(
        "settings/webhooks/<int:endpoint_id>/secret",
        views_webhooks.webhook_secret,
        name="webhook_secret",
    ),
    path(
        "settings/webhooks/<int:endpoint_id>/delete",
        views_webhooks.webhook_delete,
        name="webhook_delete",
    ),
    path("settings/channels/", views_channels.channel_list, name="channels"),
    path(
        "settings/channels/<int:channel_id>/test", views_channels.channel_test, name="channel_test"
    ),
    path(
        "settings/channels/<int:channel_id>/delete",
        views_channels.channel_delete,
        name="channel_delete",
    ),
]
