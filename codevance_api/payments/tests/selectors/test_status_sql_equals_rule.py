"""The SQL forms of the payment status (the list's CASE annotation, the filter's conditions, the
one-payment read) are held equal to the pure rule, rules.payment_status, for every state and for
due dates yesterday, today and tomorrow."""

from datetime import timedelta

import pytest

from codevance_api.payments import rules
from codevance_api.payments.models import AnticipationStatus, PaymentStatus
from codevance_api.payments.selectors import payment_detail, payment_list, payment_status
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

OFFSETS = {"yesterday": -1, "today": 0, "tomorrow": 1, "in 30 days": 30}


def _rule(payment, anticipation_status, on):
    return rules.payment_status(anticipation_status=anticipation_status, due_date=payment.due_date, on=on)


@pytest.fixture
def every_case(frozen_today):
    """One payment per (anticipation status or none) x (due date offset): (payment, anticipation status)."""
    cases = []
    for offset in OFFSETS.values():
        due = frozen_today + timedelta(days=offset)
        cases.append((PaymentFactory(due_date=due), None))
        for status in AnticipationStatus.values:
            anticipation = AnticipationFactory(
                payment__due_date=due, new_due_date=due - timedelta(days=1), status=status
            )
            cases.append((anticipation.payment, status))
    return cases


def test_the_list_annotation_equals_the_rule(every_case, operator, frozen_today):
    annotated = {p.pk: p.status for p in payment_list(user=operator)}
    for payment, anticipation_status in every_case:
        expected = _rule(payment, anticipation_status, frozen_today)
        assert annotated[payment.pk] == expected, (payment.due_date, anticipation_status)


def test_the_status_filter_equals_the_rule(every_case, operator, frozen_today):
    for status in PaymentStatus:
        filtered = {p.pk for p in payment_list(user=operator, status=status.value)}
        expected = {
            payment.pk
            for payment, anticipation_status in every_case
            if _rule(payment, anticipation_status, frozen_today) == status
        }
        assert filtered == expected, status


def test_the_one_payment_read_and_the_in_memory_status_equal_the_rule(every_case, operator, frozen_today):
    for payment, anticipation_status in every_case:
        expected = _rule(payment, anticipation_status, frozen_today)
        assert payment_detail(user=operator, pk=payment.pk).status == expected
        assert payment_status(payment) == expected


def test_every_state_is_reached_by_the_cases(every_case, frozen_today):
    reached = {
        rules.payment_status(anticipation_status=status, due_date=payment.due_date, on=frozen_today)
        for payment, status in every_case
    }
    assert reached == set(PaymentStatus)
