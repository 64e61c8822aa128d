"""The admin's lists, date hierarchy and actions with numbers and dates out of range (issue 13, point 9):
the admin cleans them (its "?e=1" invalid-lookup page, or leaves the id out), never a 500."""

import datetime as dt

import pytest
from django.urls import reverse

from codevance_api.conftest import ANTICIPATION_INLINE
from codevance_api.core.ranges import MAX_ID
from codevance_api.payments.models import AnticipationStatus, Payment
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

PAYMENTS = "/admin/payments/payment/"


def _invalid_lookup(response) -> bool:
    return response.status_code == 302 and response["Location"].endswith("?e=1")


@pytest.mark.parametrize(
    "query",
    [
        "due_date__year=9999&due_date__month=12",  # the reported one: Django's bound overflows
        "due_date__year=9999",
        "due_date__year=9999&due_date__month=12&due_date__day=31",
    ],
)
def test_the_date_hierarchy_at_the_end_of_the_calendar_lists_its_payments(admin_web, query):
    last = PaymentFactory(due_date=dt.date(9999, 12, 31))
    earlier = PaymentFactory(due_date=dt.date(9999, 11, 30) if "month" in query else dt.date(9998, 12, 31))
    response = admin_web.get(f"{PAYMENTS}?{query}")
    assert response.status_code == 200
    listed = {payment.pk for payment in response.context["cl"].result_list}
    assert last.pk in listed and earlier.pk not in listed


@pytest.mark.parametrize(
    "query",
    [
        "due_date__year=10000",
        "due_date__year=0",
        "due_date__year=-1",
        "due_date__year=99999999999999999999",
        f"due_date__year={MAX_ID}",
        "due_date__year=²",
        "due_date__year=2024&due_date__month=13",
        "due_date__year=2024&due_date__month=0",
        "due_date__year=2024&due_date__month=99999999999999999999",
        "due_date__year=2024&due_date__month=2&due_date__day=30",
        "due_date__year=2023&due_date__month=2&due_date__day=29",
        "due_date__year=2024&due_date__month=2&due_date__day=99999999999999999999",
        "due_date__year=2024&due_date__day=5",
    ],
)
def test_an_impossible_date_hierarchy_is_an_invalid_lookup_not_a_500(admin_web, query):
    assert _invalid_lookup(admin_web.get(f"{PAYMENTS}?{query}"))


@pytest.mark.parametrize("query", ["due_date__year=2024", "due_date__year=2024&due_date__month=2",
                                   "due_date__year=2024&due_date__month=2&due_date__day=29",
                                   "due_date__year=1&due_date__month=1&due_date__day=1"])
def test_ordinary_date_hierarchy_links_still_filter(admin_web, query):
    inside = PaymentFactory(due_date=dt.date(2024, 2, 29))
    response = admin_web.get(f"{PAYMENTS}?{query}")
    assert response.status_code == 200
    listed = {payment.pk for payment in response.context["cl"].result_list}
    assert (inside.pk in listed) == query.startswith("due_date__year=2024")


@pytest.mark.parametrize(
    "path, query",
    [
        ("/admin/payments/requestlog/", "created_at__gte=9999-12-31%2023:59:59"),
        ("/admin/payments/requestlog/", "created_at__lt=0001-01-01%2000:00:00%2B05:00"),
        ("/admin/payments/requestlog/", "created_at__lt=9999-12-31%2023:59:59-05:00"),
        ("/admin/notifications/notification/", "next_attempt_at__gte=9999-12-31%2023:59:59"),
        (PAYMENTS, "supplier__id__exact=99999999999999999999"),
        (PAYMENTS, f"supplier__id__exact={MAX_ID + 1}"),
        ("/admin/payments/anticipation/", "payment__supplier__id__exact=-99999999999999999999"),
    ],
)
def test_a_list_filter_value_out_of_its_columns_range_is_an_invalid_lookup(admin_web, path, query):
    AnticipationFactory()
    assert _invalid_lookup(admin_web.get(f"{path}?{query}"))


@pytest.mark.parametrize(
    "path",
    ["/admin/payments/payment/{}/change/", "/admin/payments/anticipation/{}/change/",
     "/admin/payments/requestlog/{}/change/", "/admin/accounts/user/{}/change/",
     "/admin/notifications/notification/{}/change/", "/admin/payments/payment/{}/history/"],
)
@pytest.mark.parametrize("raw", ["99999999999999999999", str(MAX_ID + 1), "-1", "²"])
def test_an_object_id_out_of_range_in_an_admin_url_is_not_a_500(admin_web, path, raw):
    assert admin_web.get(path.format(raw)).status_code in (302, 404)


@pytest.mark.parametrize("raw", ["99999999999999999999", str(MAX_ID + 1), "0", "-1", "²", "abc", ""])
@pytest.mark.parametrize("action", ["approve_selected", "deny_selected"])
def test_an_action_on_ids_out_of_range_leaves_them_out(admin_web, action, raw):
    pending = AnticipationFactory()
    response = admin_web.post("/admin/payments/anticipation/",
                              {"action": action, "_selected_action": [raw, str(pending.pk)]})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status != AnticipationStatus.PENDING_CONFIRMATION  # the real id was still decided


@pytest.mark.parametrize("raw", ["99999999999999999999", "²"])
def test_an_action_on_only_ids_out_of_range_decides_nothing(admin_web, raw):
    pending = AnticipationFactory()
    response = admin_web.post(reverse("admin:payments_anticipation_changelist"),
                              {"action": "approve_selected", "_selected_action": [raw]})
    assert response.status_code in (200, 302)
    pending.refresh_from_db()
    assert pending.status == AnticipationStatus.PENDING_CONFIRMATION


@pytest.mark.parametrize("raw", ["99999999999999999999", "²"])
def test_other_admins_actions_also_leave_such_ids_out(admin_web, raw):
    response = admin_web.post("/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [raw]})
    assert response.status_code in (200, 302)
    response = admin_web.post("/admin/notifications/notification/",
                              {"action": "send_again", "_selected_action": [raw]})
    assert response.status_code in (200, 302)


# --- Forms: a foreign key id no row can have, and the API's rules on a new payment ------------------

@pytest.mark.parametrize("raw", ["99999999999999999999999", "-1", "0", "²", "1e3"])
def test_admin_payment_form_with_an_impossible_supplier_id_is_a_field_error_not_a_500(admin_web, raw):
    response = admin_web.post(
        reverse("admin:payments_payment_add"),
        {"supplier": raw, "due_date": "2027-01-01", "value": "10", **ANTICIPATION_INLINE},
    )
    assert response.status_code == 200
    assert "supplier" in response.context["adminform"].form.errors
    assert not Payment.objects.exists()


@pytest.mark.parametrize("raw", ["99999999999999999999999", "²"])
def test_admin_supplier_form_with_an_impossible_user_id_is_a_field_error_not_a_500(admin_web, raw):
    response = admin_web.post(
        reverse("admin:payments_supplier_add"),
        {"user": raw, "corporate_name": "Gama", "reg_number": "11.222.333/0001-81"},
    )
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors


@pytest.mark.parametrize("due_date, code_word", [("9999-12-31", "days ahead"), ("2020-01-01", "past")])
def test_admin_registers_no_payment_the_api_would_refuse(admin_web, supplier, due_date, code_word):
    response = admin_web.post(
        reverse("admin:payments_payment_add"),
        {"supplier": supplier.pk, "due_date": due_date, "value": "10", **ANTICIPATION_INLINE},
    )
    assert response.status_code == 200
    assert code_word in " ".join(response.context["adminform"].form.errors["due_date"])
    assert not Payment.objects.exists()
