"""/demo/: the sample documents the demo sources poll (see monitors/demo.py)."""

from django.urls import path

from monitors import views_demo
from monitors.demo import DEMO_DOCUMENTS

urlpatterns = [
    path(
        document.path, views_demo.demo_document, {"key": document.key}, name=f"demo_{document.key}"
    )
    for document in DEMO_DOCUMENTS
]
