"""Django admin is enabled for every model of ReviewWatch's own apps (directly or inline)."""

from django.apps import apps
from django.contrib import admin


def test_every_model_of_our_apps_is_in_the_admin():
    ours = [
        model
        for label in ("reviewwatch", "monitors", "responses")
        for model in apps.get_app_config(label).get_models()
    ]
    inline = {i.model for model_admin in admin.site._registry.values() for i in model_admin.inlines}
    missing = [m.__name__ for m in ours if not admin.site.is_registered(m) and m not in inline]
    assert len(ours) > 10 and missing == []
