from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reviewwatch.login import EmailLoginForm, ThrottledPasswordResetView
from reviewwatch.views import public, users

urlpatterns = [
    path("healthz", public.healthz, name="healthz"),
    path("robots.txt", public.robots_txt, name="robots_txt"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailLoginForm),
        name="login",
    ),
    path("accounts/password_reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("users/", users.users, name="users"),
    path("users/invite", users.invite, name="invite"),
    path("users/<int:user_id>/invite", users.resend_invitation, name="resend_invitation"),
    path("users/<int:user_id>/role", users.change_role, name="change_role"),
    path("users/<int:user_id>/active", users.toggle_active, name="toggle_active"),
    path("admin/", admin.site.urls),
    path("demo/", include("monitors.urls.demo")),
    path("", include("monitors.urls")),
    path("", include("responses.urls")),
    path("", include("responses.urls.replies")),
    path("", include("responses.urls.digests")),
    path("", include("responses.urls.customers")),
    path("", include("responses.api.urls")),
]

handler404 = "reviewwatch.views.errors.page_not_found"
handler403 = "reviewwatch.views.errors.permission_denied"
