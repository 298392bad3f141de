"""/demo/: the sample documents the demo sources poll (see monitors/demo.py), and the demo's
Google Play Developer API (see monitors/demo_play.py)."""

from django.urls import path

from monitors.demo import DEMO_DOCUMENTS
from monitors.views import demo as demo_views
from monitors.views import demo_play as play_views

PLAY_APP = "play/androidpublisher/v3/applications/<str:package>/reviews"

urlpatterns = [
    path(
        document.path, demo_views.demo_document, {"key": document.key}, name=f"demo_{document.key}"
    )
    for document in DEMO_DOCUMENTS
] + [
    path("play/token", play_views.token, name="demo_play_token"),
    path(PLAY_APP, play_views.reviews, name="demo_play_reviews"),
    path(f"{PLAY_APP}/<str:review_id>:reply", play_views.reply, name="demo_play_reply"),
    path(f"{PLAY_APP}/<str:review_id>", play_views.review, name="demo_play_review"),
]
