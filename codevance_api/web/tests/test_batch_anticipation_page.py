"""The batch anticipation pages (/supplier/anticipate/ and its outcome): the quote first, then one confirmed
request through services.anticipation_request_batch, all or nothing. Unhappy paths first."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from codevance_api.core.money import format_date
from codevance_api.payments import selectors
from codevance_api.payments.models import Anticipation, AnticipationStatus, RequestLog
from codevance_api.payments.rules import BATCH_MAX_PAYMENTS
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory
from codevance_api.web.templatetags.web import money
from codevance_api.web.tests.conftest import logged_in

pytestmark = pytest.mark.django_db

BATCH = reverse("web:anticipate_batch")
REQUESTED = reverse("web:anticipate_batch_requested")


def _text(response) -> str:
    """The page's visible text, tags removed and white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def available(supplier, frozen_today):
    """Three available payments of the supplier, due in 30, 60 and 90 days."""
    return [
        PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=days), value=Decimal(value))
        for days, value in [(30, "1000.00"), (60, "2000.00"), (90, "3000.00")]
    ]


def _query(*ids, **params) -> dict:
    return {"payment": [str(pk) for pk in ids], **params}


def _confirm(client, ids, new_due_date, **extra):
    return client.post(BATCH, {"payment": [str(pk) for pk in ids], "new_due_date": str(new_due_date), **extra})


# --- Who may use it ---------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(client, available):
    response = client.get(BATCH, _query(available[0].pk))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


def test_operator_gets_403_on_the_supplier_batch_page(operator_web, available):
    assert operator_web.get(BATCH, _query(available[0].pk)).status_code == 403
    assert _confirm(operator_web, [available[0].pk], available[0].due_date - timedelta(days=1)).status_code == 403
    assert not Anticipation.objects.exists()


def test_confirmation_without_csrf_token_is_refused(supplier, available, frozen_today):
    client = Client(enforce_csrf_checks=True)
    client.force_login(supplier.user)

    response = _confirm(client, [available[0].pk], frozen_today + timedelta(days=1))

    assert response.status_code == 403
    assert not Anticipation.objects.exists()


# --- The selection -------------------------------------------------------------------------------------


def test_quote_without_a_selection_asks_for_one(supplier_web, available):
    response = supplier_web.get(BATCH)
    assert response.status_code == 400
    assert "Select at least one available payment." in _text(response)


def test_quote_of_more_payments_than_a_batch_holds_is_refused_before_any_work(
    supplier_web, available, django_assert_max_num_queries
):
    ids = list(range(1, BATCH_MAX_PAYMENTS + 2))
    with django_assert_max_num_queries(3):  # session, user, supplier: no payment is read
        response = supplier_web.get(BATCH, _query(*ids))
    assert response.status_code == 400
    assert f"Select at most {BATCH_MAX_PAYMENTS} payments at a time (got {BATCH_MAX_PAYMENTS + 1})." in _text(response)


def test_quote_of_a_payment_number_that_is_not_a_number_names_it(supplier_web, available):
    response = supplier_web.get(BATCH, {"payment": [str(available[0].pk), "7x"]})
    assert response.status_code == 400
    assert "'7x' is not a payment number." in _text(response)


def test_another_suppliers_payment_is_left_out_as_unknown(supplier_web, available, other_supplier, frozen_today):
    theirs = PaymentFactory(supplier=other_supplier)

    response = supplier_web.get(BATCH, _query(available[0].pk, theirs.pk, new_due_date=str(frozen_today)))

    assert response.status_code == 200
    text = _text(response)
    # The same words as for an id that exists nowhere: nothing of the other supplier's payment shows.
    assert f'Payment #{theirs.pk}: Invalid pk "{theirs.pk}" - object does not exist.' in text
    assert response.context["batch"].payment_ids == [available[0].pk]


def test_every_available_with_none_available_says_so(supplier, supplier_web, frozen_today):
    AnticipationFactory(payment__supplier=supplier)  # pending: not available

    response = supplier_web.get(BATCH, {"all": "1"})
    assert response.status_code == 200
    assert "You have no available payments to anticipate." in _text(response)
    assert "confirm-batch" not in response.content.decode()


def test_every_available_takes_at_most_a_batch_due_soonest_first_and_says_so(supplier, supplier_web, frozen_today):
    # One more than a batch holds; the last one falls due latest.
    PaymentFactory.create_batch(BATCH_MAX_PAYMENTS, supplier=supplier, due_date=frozen_today + timedelta(days=40))
    latest = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=41))

    response = supplier_web.get(BATCH, {"all": "1"})

    assert response.status_code == 200
    assert len(response.context["batch"].quotes) == BATCH_MAX_PAYMENTS
    assert latest.pk not in response.context["batch"].payment_ids
    assert "the 100 due soonest are selected" in _text(response)


# --- The date ---------------------------------------------------------------------------------------


def test_quote_to_a_date_in_the_past_is_one_error_on_the_date(supplier_web, available, frozen_today):
    response = supplier_web.get(BATCH, {"all": "1", "new_due_date": str(frozen_today - timedelta(days=1))})

    assert response.status_code == 400
    assert response.context["form"].errors["new_due_date"]
    assert "confirm-batch" not in response.content.decode()


def test_quote_to_a_badly_written_date_names_the_format(supplier_web, available):
    response = supplier_web.get(BATCH, {"all": "1", "new_due_date": "15/09/2024"})
    assert response.status_code == 400
    assert "Use the format YYYY-MM-DD." in _text(response)


def test_payments_due_before_the_chosen_date_are_left_out_the_others_quoted(supplier_web, available, frozen_today):
    new_due_date = frozen_today + timedelta(days=45)

    response = supplier_web.get(BATCH, {"all": "1", "new_due_date": str(new_due_date)})

    assert response.status_code == 200
    batch = response.context["batch"]
    assert batch.payment_ids == [available[1].pk, available[2].pk]
    assert list(batch.left_out) == [available[0].pk]
    assert batch.left_out[available[0].pk].code == "new_due_date_not_before_due_date"
    assert f"1 payment cannot be anticipated to {format_date(new_due_date)} and is left out" in _text(response)


def test_weekend_date_with_business_days_only_is_refused_once_on_the_date(
    settings, supplier_web, available, frozen_today
):
    settings.ANTICIPATION_BUSINESS_DAYS_ONLY = True
    saturday = frozen_today + timedelta(days=6)  # 2024-09-21

    response = supplier_web.get(BATCH, {"all": "1", "new_due_date": str(saturday)})

    assert response.status_code == 400
    assert "not a business day" in " ".join(response.context["form"].errors["new_due_date"])
    assert "Business days only" in _text(response)


def test_date_left_out_is_today(supplier_web, available, frozen_today):
    response = supplier_web.get(BATCH, {"all": "1"})
    assert response.context["batch"].new_due_date == frozen_today


# --- The quote ---------------------------------------------------------------------------------------


def test_quote_is_the_api_batch_quote_per_payment_and_in_total(supplier, supplier_web, available, frozen_today):
    new_due_date = frozen_today + timedelta(days=10)
    ids = [payment.pk for payment in available]
    expected = selectors.payment_quote_batch(user=supplier.user, payment_ids=ids, new_due_date=new_due_date)

    response = supplier_web.get(BATCH, _query(*ids, new_due_date=str(new_due_date)))

    assert response.status_code == 200
    batch = response.context["batch"]
    assert batch.quotes == expected
    assert batch.face_value == Decimal("6000.00")
    assert batch.discount + batch.new_value == batch.face_value
    assert batch.new_value == sum(quote.new_value for quote in expected)
    text = _text(response)
    assert "R$ 6,000.00" in text
    assert f"Request 3 anticipations: receive {money(batch.new_value)} on {format_date(new_due_date)}" in text
    assert not Anticipation.objects.exists()


# --- The confirmation ---------------------------------------------------------------------------------


def test_confirmation_of_every_available_at_once_is_refused(supplier_web, available, frozen_today):
    response = supplier_web.post(BATCH, {"all": "1", "new_due_date": str(frozen_today + timedelta(days=1))})
    assert response.status_code == 400
    assert "Confirm the payments listed in the quote" in _text(response)
    assert not Anticipation.objects.exists()


def test_confirmation_without_a_date_is_refused(supplier_web, available):
    response = supplier_web.post(BATCH, {"payment": [str(available[0].pk)]})
    assert response.status_code == 400
    assert "Pick the date you want to be paid." in _text(response)
    assert not Anticipation.objects.exists()


def test_confirmation_requests_every_payment_through_the_batch_service(
    supplier, supplier_web, available, frozen_today, django_capture_on_commit_callbacks
):
    new_due_date = frozen_today + timedelta(days=10)
    ids = [payment.pk for payment in available]
    expected = selectors.payment_quote_batch(user=supplier.user, payment_ids=ids, new_due_date=new_due_date)

    with django_capture_on_commit_callbacks(execute=True):
        response = _confirm(supplier_web, ids, new_due_date)

    assert response.status_code == 302
    assert response["Location"] == f"{REQUESTED}?" + "&".join(f"payment={pk}" for pk in ids)
    anticipations = Anticipation.objects.order_by("payment_id")
    assert [(a.payment_id, a.new_due_date, a.new_value, a.status) for a in anticipations] == [
        (q.payment, new_due_date, q.new_value, AnticipationStatus.PENDING_CONFIRMATION) for q in expected
    ]
    assert RequestLog.objects.filter(action="R").count() == 3
    assert len(mail.outbox) == 3
    page = supplier_web.get(response["Location"])
    text = _text(page)
    assert "Anticipations requested for 3 payments" in text
    assert money(sum(q.new_value for q in expected)) in text


def test_payment_that_became_unavailable_after_the_quote_makes_nothing_half_written(
    supplier, supplier_web, available, frozen_today
):
    new_due_date = frozen_today + timedelta(days=10)
    ids = [payment.pk for payment in available]
    quoted = supplier_web.get(BATCH, _query(*ids, new_due_date=str(new_due_date)))
    assert quoted.context["batch"].payment_ids == ids
    # Meanwhile, another tab asks for the second payment alone.
    AnticipationFactory(payment=available[1], new_due_date=new_due_date)

    response = _confirm(supplier_web, ids, new_due_date)

    assert response.status_code == 409
    assert set(Anticipation.objects.values_list("payment_id", flat=True)) == {available[1].pk}
    text = _text(response)
    assert f"Nothing was requested: some payments can no longer be anticipated to {format_date(new_due_date)}." in text
    assert f"Payment #{available[1].pk}: Payment {available[1].pk} already has an anticipation" in text
    # The fresh quote offers the two still available.
    assert response.context["batch"].payment_ids == [available[0].pk, available[2].pk]


def test_the_same_confirmation_sent_twice_requests_once(supplier_web, available, frozen_today):
    new_due_date = frozen_today + timedelta(days=10)
    ids = [payment.pk for payment in available]
    first = _confirm(supplier_web, ids, new_due_date)

    second = _confirm(supplier_web, ids, new_due_date)

    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert Anticipation.objects.count() == 3 and RequestLog.objects.count() == 3
    assert "had already been requested (the confirmation was sent twice)" in _text(
        supplier_web.get(second["Location"])
    )


def test_a_second_confirmation_to_another_date_is_not_taken_for_a_double_click(
    supplier_web, available, frozen_today
):
    ids = [payment.pk for payment in available]
    _confirm(supplier_web, ids, frozen_today + timedelta(days=10))

    response = _confirm(supplier_web, ids, frozen_today + timedelta(days=11))

    assert response.status_code == 409
    assert "Nothing was requested" in _text(response)
    assert set(Anticipation.objects.values_list("new_due_date", flat=True)) == {frozen_today + timedelta(days=10)}


def test_weekend_confirmation_with_business_days_only_writes_nothing(
    settings, supplier_web, available, frozen_today
):
    settings.ANTICIPATION_BUSINESS_DAYS_ONLY = True

    response = _confirm(supplier_web, [p.pk for p in available], frozen_today + timedelta(days=6))

    assert response.status_code == 400
    assert "not a business day" in _text(response)
    assert not Anticipation.objects.exists()


def test_confirmation_over_the_write_rate_is_429_and_writes_nothing(
    settings, supplier_web, available, frozen_today
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "writes": "1/min"},
    }
    new_due_date = frozen_today + timedelta(days=10)
    assert _confirm(supplier_web, [available[0].pk], new_due_date).status_code == 302

    response = _confirm(supplier_web, [available[1].pk], new_due_date)

    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert list(Anticipation.objects.values_list("payment_id", flat=True)) == [available[0].pk]


def test_a_lost_race_on_the_unique_constraint_is_answered_as_a_double_submit(
    monkeypatch, supplier, supplier_web, available, frozen_today
):
    # SQLite has no row locks: the copy that loses meets the unique constraint (Conflict), not the lock.
    from codevance_api.core.errors import Conflict
    from codevance_api.payments import services

    real_request = services.anticipation_request_batch

    def lost_race(**kwargs):
        real_request(**kwargs)  # the other copy, committed first
        raise Conflict("One of the payments already has an anticipation.", code="payment_already_anticipated")

    monkeypatch.setattr(services, "anticipation_request_batch", lost_race)
    new_due_date = frozen_today + timedelta(days=10)

    response = _confirm(supplier_web, [p.pk for p in available], new_due_date)

    assert response.status_code == 302 and response["Location"].startswith(REQUESTED)
    assert Anticipation.objects.count() == 3


def test_quote_gives_up_with_a_clear_error_when_payments_keep_changing(
    monkeypatch, supplier_web, available, frozen_today
):
    from codevance_api.core.errors import Conflict
    from codevance_api.payments import rules

    def always_one_more(*, payment_ids, **kwargs):
        raise rules.BatchRejected(
            verb="quoted", total=len(payment_ids), failures={payment_ids[0]: Conflict("Changed.", code="changed")}
        )

    monkeypatch.setattr(selectors, "payment_quote_batch", always_one_more)
    ids = [p.pk for p in available] + [PaymentFactory(supplier=available[0].supplier).pk]

    response = supplier_web.get(BATCH, _query(*ids))

    assert response.status_code == 400
    assert "cannot be quoted, so none was" in _text(response)
    assert "confirm-batch" not in response.content.decode()


# --- The outcome page ---------------------------------------------------------------------------------


def test_outcome_page_without_payments_is_400(supplier_web):
    response = supplier_web.get(REQUESTED)
    assert response.status_code == 400


def test_outcome_page_of_too_many_payments_is_400(supplier_web):
    response = supplier_web.get(REQUESTED, _query(*range(1, BATCH_MAX_PAYMENTS + 2)))
    assert response.status_code == 400
    assert f"Select at most {BATCH_MAX_PAYMENTS} payments" in _text(response)


def test_outcome_page_shows_nothing_of_another_suppliers_payments(supplier_web, other_supplier):
    theirs = AnticipationFactory(payment__supplier=other_supplier, payment__value=Decimal("4321.00")).payment

    response = supplier_web.get(REQUESTED, _query(theirs.pk))

    assert response.status_code == 200
    assert "4,321.00" not in _text(response)
    assert "None of these payments is yours to see." in _text(response)


# --- Query budget -----------------------------------------------------------------------------------------


def _queries(client, method, url, data):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data)
    assert response.status_code in (200, 302)
    return len(captured)


@pytest.mark.parametrize("page", ["quote-all", "quote-selected", "confirm", "outcome", "payments-tab"])
def test_batch_pages_cost_the_same_queries_for_1_and_50_payments(supplier, other_supplier, frozen_today, page):
    def run(owner, count):
        payments = PaymentFactory.create_batch(count, supplier=owner, due_date=frozen_today + timedelta(days=30))
        ids = [payment.pk for payment in payments]
        new_due_date = str(frozen_today + timedelta(days=10))
        client = logged_in(owner.user)
        if page == "quote-all":
            return _queries(client, "get", BATCH, {"all": "1", "new_due_date": new_due_date})
        if page == "quote-selected":
            return _queries(client, "get", BATCH, _query(*ids, new_due_date=new_due_date))
        if page == "confirm":
            return _queries(client, "post", BATCH, _query(*ids, new_due_date=new_due_date))
        if page == "outcome":
            _confirm(client, ids, new_due_date)
            return _queries(client, "get", REQUESTED, _query(*ids))
        return _queries(client, "get", reverse("web:payments"), {"status": "A"})

    assert run(supplier, 1) == run(other_supplier, 50)
