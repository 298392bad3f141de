from django.urls import path

from responses import views_advocates, views_customers

urlpatterns = [
    path("customers/", views_customers.customer_list, name="customers"),
    path("customers/<int:customer_id>/", views_customers.customer_detail, name="customer"),
    path("customers/<int:customer_id>/link", views_customers.customer_link, name="customer_link"),
    path(
        "customers/<int:customer_id>/unlink",
        views_customers.customer_unlink,
        name="customer_unlink",
    ),
    path(
        "customers/<int:customer_id>/email", views_customers.customer_email, name="customer_email"
    ),
    path(
        "customers/<int:customer_id>/escalate",
        views_customers.customer_escalate,
        name="customer_escalate",
    ),
    path("settings/health/", views_customers.health_settings, name="health_settings"),
    path("advocates/", views_advocates.advocate_list, name="advocates"),
    path("advocates/thank/<int:mention_id>", views_advocates.advocate_thank, name="advocate_thank"),
    path("advocates/<int:customer_id>/ask", views_advocates.advocate_ask, name="advocate_ask"),
    path(
        "advocates/asks/<int:ask_id>/answer",
        views_advocates.advocate_answer,
        name="advocate_answer",
    ),
]
