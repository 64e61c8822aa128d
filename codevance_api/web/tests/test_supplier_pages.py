import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from codevance_api.payments.models import AnticipationStatus, RequestLog
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory, SupplierFactory
from codevance_api.web import selectors as web_selectors
from codevance_api.web.tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page's visible text, tags removed and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def payments_in_every_state(supplier, frozen_today):
    """Two available payments, one in each other state, and an available one too far ahead to anticipate today."""
    on = frozen_today
    return {
        "A": [
            PaymentFactory(supplier=supplier, due_date=on + timedelta(days=30), value=Decimal("1000.00")),
            PaymentFactory(supplier=supplier, due_date=on + timedelta(days=60), value=Decimal("500.00")),
        ],
        "A_far": PaymentFactory(supplier=supplier, due_date=on + timedelta(days=1500), value=Decimal("90.00")),
        "PC": AnticipationFactory(payment__supplier=supplier, payment__value=Decimal("200.00")).payment,
        "AN": AnticipationFactory(
            payment__supplier=supplier, payment__value=Decimal("300.00"), status=AnticipationStatus.APPROVED
        ).payment,
        "D": AnticipationFactory(
            payment__supplier=supplier, payment__value=Decimal("400.00"), status=AnticipationStatus.DENIED
        ).payment,
        "U": PaymentFactory(supplier=supplier, due_date=on, value=Decimal("50.00")),
    }


# --- Overview -------------------------------------------------------------------------------


def test_overview_counts_and_totals_each_state(supplier, payments_in_every_state):
    overview = web_selectors.supplier_overview(user=supplier.user, supplier=supplier)

    summary = {state.status.value: (state.count, state.total) for state in overview.states}
    assert summary == {
        "A": (3, Decimal("1590.00")),
        "PC": (1, Decimal("200.00")),
        "AN": (1, Decimal("300.00")),
        "D": (1, Decimal("400.00")),
        "U": (1, Decimal("50.00")),
    }


def test_overview_receivable_today_prices_every_available_payment_to_today(supplier, payments_in_every_state):
    overview = web_selectors.supplier_overview(user=supplier.user, supplier=supplier)

    # 1000.00 due in 30 days loses 30.00; 500.00 due in 60 days loses 30.00.
    assert overview.receivable_today == Decimal("1440.00")
    assert overview.receivable_today_face_value == Decimal("1500.00")
    assert overview.discount_today == Decimal("60.00")


def test_overview_leaves_out_a_payment_too_far_ahead_to_anticipate_today(supplier, payments_in_every_state):
    overview = web_selectors.supplier_overview(user=supplier.user, supplier=supplier)

    assert overview.receivable_today_count == 2
    assert overview.not_anticipatable_today == 1


def test_overview_page_shows_the_states_and_receivable(supplier_web, payments_in_every_state):
    response = supplier_web.get(reverse("web:overview"))

    text = _text(response)
    assert response.status_code == 200
    assert "R$ 1,440.00" in text
    for label in ["Available", "Pending", "Anticipated", "Denied", "Unavailable"]:
        assert label in text
    assert "R$ 1,590.00 3 payments" in text
    assert "1 more is due too far ahead" in text


def test_overview_counts_only_own_payments(supplier, other_supplier, frozen_today):
    PaymentFactory(supplier=other_supplier, value=Decimal("999.00"))

    overview = web_selectors.supplier_overview(user=supplier.user, supplier=supplier)

    assert all(state.count == 0 for state in overview.states)
    assert overview.receivable_today == Decimal("0.00")


def test_operator_without_supplier_gets_403_on_supplier_pages(operator_web):
    for name in ["web:overview", "web:payments", "web:history"]:
        response = operator_web.get(reverse(name))
        assert response.status_code == 403
        assert "This page is for suppliers" in response.content.decode()


def test_user_without_role_gets_403_on_supplier_pages(outsider_web):
    assert outsider_web.get(reverse("web:overview")).status_code == 403


def test_operator_with_own_supplier_sees_only_that_supplier_in_its_area(operator, frozen_today):
    own = SupplierFactory(user=operator)
    PaymentFactory(supplier=own, value=Decimal("10.00"))
    PaymentFactory(value=Decimal("20.00"))

    response = logged_in(operator).get(reverse("web:payments"))

    assert "R$ 10.00" in _text(response)
    assert "R$ 20.00" not in _text(response)


# --- Payments list --------------------------------------------------------------------------


def test_payments_tab_shows_only_that_state(supplier_web, payments_in_every_state):
    response = supplier_web.get(reverse("web:payments"), {"status": "D"})

    rows = [payment.pk for payment in response.context["page"]]
    assert rows == [payments_in_every_state["D"].pk]
    assert 'aria-current="page" data-testid="tab-D"' in response.content.decode()


def test_payments_tabs_show_each_state_count(supplier_web, payments_in_every_state):
    response = supplier_web.get(reverse("web:payments"))

    counts = {tab["status"]: tab["count"] for tab in response.context["tabs"]}
    assert counts == {"": 7, "A": 3, "PC": 1, "AN": 1, "D": 1, "U": 1}


def test_payments_status_is_case_insensitive(supplier_web, payments_in_every_state):
    response = supplier_web.get(reverse("web:payments"), {"status": "an"})

    assert [p.pk for p in response.context["page"]] == [payments_in_every_state["AN"].pk]


def test_payments_unknown_status_is_a_400_naming_it(supplier_web):
    response = supplier_web.get(reverse("web:payments"), {"status": "X"})

    assert response.status_code == 400
    assert "Unknown payment status &#x27;X&#x27;" in response.content.decode()


def test_payments_sort_by_value_descending(supplier_web, payments_in_every_state):
    response = supplier_web.get(reverse("web:payments"), {"status": "A", "sort": "-value"})

    assert [p.value for p in response.context["page"]] == [Decimal("1000.00"), Decimal("500.00"), Decimal("90.00")]
    assert 'aria-sort="descending"' in response.content.decode()


def test_payments_sort_by_due_date_descending(supplier_web, payments_in_every_state):
    response = supplier_web.get(reverse("web:payments"), {"status": "A", "sort": "-due_date"})

    dates = [p.due_date for p in response.context["page"]]
    assert dates == sorted(dates, reverse=True)


def test_payments_default_sort_is_due_date_ascending(supplier_web, payments_in_every_state):
    response = supplier_web.get(reverse("web:payments"))

    dates = [p.due_date for p in response.context["page"]]
    assert dates == sorted(dates)


def test_payments_unknown_sort_is_a_400_naming_it(supplier_web):
    response = supplier_web.get(reverse("web:payments"), {"sort": "supplier"})

    assert response.status_code == 400
    assert "Unknown sort" in response.content.decode()


def test_payments_are_paginated_ten_a_page(supplier, supplier_web, frozen_today):
    for day in range(12):
        PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=10 + day))

    first = supplier_web.get(reverse("web:payments"))
    second = supplier_web.get(reverse("web:payments"), {"page": 2})

    assert len(first.context["page"]) == 10 and len(second.context["page"]) == 2
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()


def test_payments_bad_page_is_a_400_and_past_the_end_a_404(supplier_web):
    assert supplier_web.get(reverse("web:payments"), {"page": "x"}).status_code == 400
    assert supplier_web.get(reverse("web:payments"), {"page": 0}).status_code == 400
    assert supplier_web.get(reverse("web:payments"), {"page": 2}).status_code == 404


def test_payments_list_never_shows_another_suppliers_payment(supplier_web, other_supplier, frozen_today):
    other = PaymentFactory(supplier=other_supplier)

    response = supplier_web.get(reverse("web:payments"))

    assert other.pk not in [p.pk for p in response.context["page"]]


def test_available_payment_offers_anticipate_link_others_do_not(supplier_web, payments_in_every_state):
    content = supplier_web.get(reverse("web:payments")).content.decode()

    assert reverse("web:anticipate", args=[payments_in_every_state["A"][0].pk]) in content
    assert reverse("web:anticipate", args=[payments_in_every_state["PC"].pk]) not in content


# --- Payment detail -------------------------------------------------------------------------


def test_payment_detail_shows_its_anticipation_and_log(supplier_web, payments_in_every_state):
    payment = payments_in_every_state["AN"]

    response = supplier_web.get(reverse("web:payment_detail", args=[payment.pk]))

    text = _text(response)
    assert response.status_code == 200
    assert "Approved" in text and "Requested" in text
    assert f"R$ {payment.anticipation.new_value:,.2f}" in text


def test_supplier_gets_404_for_another_suppliers_payment(supplier_web, other_supplier, frozen_today):
    other = PaymentFactory(supplier=other_supplier)

    response = supplier_web.get(reverse("web:payment_detail", args=[other.pk]))

    assert response.status_code == 404
    assert str(other.value) not in response.content.decode()


def test_missing_payment_is_a_404_page(supplier_web):
    response = supplier_web.get(reverse("web:payment_detail", args=[999999]))

    assert response.status_code == 404
    assert "Not found" in response.content.decode()


# --- History --------------------------------------------------------------------------------


def test_history_lists_own_logs_newest_first(supplier, supplier_web, payments_in_every_state, other_supplier):
    AnticipationFactory(payment__supplier=other_supplier)

    response = supplier_web.get(reverse("web:history"))

    shown = [log.pk for log in response.context["page"]]
    own = RequestLog.objects.filter(anticipation__payment__supplier=supplier).order_by("-created_at", "-id")
    assert shown == [log.pk for log in own]
    assert len(shown) == 5


def test_history_is_empty_for_a_new_supplier(supplier_web):
    response = supplier_web.get(reverse("web:history"))

    assert response.status_code == 200
    assert "Nothing yet" in response.content.decode()


@pytest.mark.parametrize("code", ["", "ZZ", "pc"])
def test_an_unknown_status_code_is_shown_as_it_is(code):
    from codevance_api.web.templatetags.web import payment_status_label

    assert payment_status_label(code) == code


def test_a_known_status_code_is_shown_by_its_label():
    from codevance_api.payments.models import PaymentStatus
    from codevance_api.web.templatetags.web import payment_status_label

    assert payment_status_label("A") == PaymentStatus.AVAILABLE.label
