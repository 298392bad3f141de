"""Django admin is enabled for every model of ReviewWatch's own apps."""

from django.apps import apps
from django.contrib import admin


def test_every_model_of_our_apps_is_in_the_admin():
    ours = [
        model
        for label in ("reviewwatch", "monitors", "responses")
        for model in apps.get_app_config(label).get_models()
    ]
    missing = [model.__name__ for model in ours if not admin.site.is_registered(model)]
    assert len(ours) > 10 and missing == []
