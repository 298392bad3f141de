from django.urls import path

from responses.views import advocates, customers

urlpatterns = [
    path("customers/", customers.customer_list, name="customers"),
    path("customers/<int:customer_id>/", customers.customer_detail, name="customer"),
    path("customers/<int:customer_id>/link", customers.customer_link, name="customer_link"),
    path(
        "customers/<int:customer_id>/unlink",
        customers.customer_unlink,
        name="customer_unlink",
    ),
    path("customers/<int:customer_id>/email", customers.customer_email, name="customer_email"),
    path(
        "customers/<int:customer_id>/escalate",
        customers.customer_escalate,
        name="customer_escalate",
    ),
    path("settings/health/", customers.health_settings, name="health_settings"),
    path("advocates/", advocates.advocate_list, name="advocates"),
    path("advocates/thank/<int:mention_id>", advocates.advocate_thank, name="advocate_thank"),
    path("advocates/<int:customer_id>/ask", advocates.advocate_ask, name="advocate_ask"),
    path(
        "advocates/asks/<int:ask_id>/answer",
        advocates.advocate_answer,
        name="advocate_answer",
    ),
]
