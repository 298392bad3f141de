"""/demo/: the sample documents the demo sources poll (see monitors/demo.py), and the demo's
Google Play Developer API (see monitors/demo_play.py)."""

from django.urls import path

from monitors import views_demo, views_demo_play
from monitors.demo import DEMO_DOCUMENTS

PLAY_APP = "play/androidpublisher/v3/applications/<str:package>/reviews"

urlpatterns = [
    path(
        document.path, views_demo.demo_document, {"key": document.key}, name=f"demo_{document.key}"
    )
    for document in DEMO_DOCUMENTS
] + [
    path("play/token", views_demo_play.token, name="demo_play_token"),
    path(PLAY_APP, views_demo_play.reviews, name="demo_play_reviews"),
    path(f"{PLAY_APP}/<str:review_id>:reply", views_demo_play.reply, name="demo_play_reply"),
    path(f"{PLAY_APP}/<str:review_id>", views_demo_play.review, name="demo_play_review"),
]
