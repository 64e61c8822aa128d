"""The pure domain rules (payments/rules.py): no database, every state and boundary."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from codevance_api.core.errors import Conflict, ValidationFailed
from codevance_api.payments import rules
from codevance_api.payments.models import AnticipationStatus, PaymentStatus

ON = date(2024, 9, 15)
RATE = Decimal("0.03")
YESTERDAY, TOMORROW = ON - timedelta(days=1), ON + timedelta(days=1)


@pytest.mark.parametrize(
    "anticipation_status, due_date, expected",
    [
        (None, YESTERDAY, PaymentStatus.UNAVAILABLE),
        (None, ON, PaymentStatus.UNAVAILABLE),
        (None, TOMORROW, PaymentStatus.AVAILABLE),
        ("PC", YESTERDAY, PaymentStatus.UNAVAILABLE),
        ("PC", ON, PaymentStatus.UNAVAILABLE),
        ("PC", TOMORROW, PaymentStatus.PENDING_CONFIRMATION),
        ("A", YESTERDAY, PaymentStatus.ANTICIPATED),
        ("A", ON, PaymentStatus.ANTICIPATED),
        ("A", TOMORROW, PaymentStatus.ANTICIPATED),
        ("D", YESTERDAY, PaymentStatus.DENIED),
        ("D", ON, PaymentStatus.DENIED),
        ("D", TOMORROW, PaymentStatus.DENIED),
    ],
)
def test_payment_status_follows_the_documented_states(anticipation_status, due_date, expected):
    assert rules.payment_status(anticipation_status=anticipation_status, due_date=due_date, on=ON) == expected


def test_a_payment_with_an_anticipation_cannot_be_anticipated_whatever_its_due_date():
    for due_date in (YESTERDAY, ON, TOMORROW):
        eligibility = rules.can_anticipate(payment_id=1, due_date=due_date, has_anticipation=True, on=ON)
        assert (eligibility.allowed, eligibility.code) == (False, "payment_already_anticipated")


@pytest.mark.parametrize("due_date", [YESTERDAY, ON])
def test_a_payment_due_today_or_before_cannot_be_anticipated(due_date):
    eligibility = rules.can_anticipate(payment_id=1, due_date=due_date, has_anticipation=False, on=ON)
    assert (eligibility.allowed, eligibility.code) == (False, "payment_due_date_reached")
    with pytest.raises(Conflict):
        eligibility.raise_if_refused()


def test_a_payment_due_tomorrow_without_anticipation_can_be_anticipated():
    eligibility = rules.can_anticipate(payment_id=1, due_date=TOMORROW, has_anticipation=False, on=ON)
    assert (eligibility.allowed, eligibility.code) == (True, None)
    eligibility.raise_if_refused()


@pytest.mark.parametrize("anticipation_status", [None, "PC", "A", "D"])
@pytest.mark.parametrize("due_date", [YESTERDAY, ON, TOMORROW])
def test_can_anticipate_exactly_when_the_status_is_available(anticipation_status, due_date):
    status = rules.payment_status(anticipation_status=anticipation_status, due_date=due_date, on=ON)
    eligibility = rules.can_anticipate(
        payment_id=1, due_date=due_date, has_anticipation=anticipation_status is not None, on=ON
    )
    assert eligibility.allowed == (status == PaymentStatus.AVAILABLE)


@pytest.mark.parametrize(
    "new_due_date, code",
    [
        (YESTERDAY, "new_due_date_in_past"),
        (date(2024, 10, 1), "new_due_date_not_before_due_date"),
        (date(2024, 10, 2), "new_due_date_not_before_due_date"),
    ],
)
def test_days_in_advance_refuses_dates_outside_today_to_the_day_before_the_due_date(new_due_date, code):
    with pytest.raises(ValidationFailed) as raised:
        rules.days_in_advance(due_date=date(2024, 10, 1), new_due_date=new_due_date, on=ON)
    assert (raised.value.code, raised.value.field) == (code, "new_due_date")


def test_days_in_advance_counts_days_between_the_new_and_the_due_date():
    assert rules.days_in_advance(due_date=date(2024, 10, 1), new_due_date=ON, on=ON) == 16
    assert rules.days_in_advance(due_date=date(2024, 10, 1), new_due_date=date(2024, 9, 30), on=ON) == 1


def test_quote_of_the_documented_example_is_984():
    quote = rules.anticipation_quote(
        payment_id=8, value=Decimal("1000.00"), due_date=date(2024, 10, 1), has_anticipation=False,
        new_due_date=ON, on=ON, monthly_rate=RATE,
    )
    assert (quote.payment, quote.days, quote.discount, quote.new_value) == (8, 16, Decimal("16.00"), Decimal("984.00"))
    assert quote.value == quote.discount + quote.new_value


def test_quote_checks_eligibility_before_the_date():
    with pytest.raises(Conflict) as raised:
        rules.anticipation_quote(
            payment_id=8, value=Decimal("1000.00"), due_date=date(2024, 10, 1), has_anticipation=True,
            new_due_date=YESTERDAY, on=ON, monthly_rate=RATE,
        )
    assert raised.value.code == "payment_already_anticipated"


def test_quote_refuses_a_discount_that_takes_the_whole_value_and_names_the_earliest_date():
    with pytest.raises(ValidationFailed) as raised:
        rules.anticipation_quote(
            payment_id=8, value=Decimal("0.01"), due_date=date(2030, 1, 1), has_anticipation=False,
            new_due_date=ON, on=ON, monthly_rate=RATE,
        )
    assert raised.value.code == "discount_exceeds_value"
    assert "earliest possible new due date" in raised.value.message


def _refusal(**overrides):
    facts = dict(
        anticipation_id=7, anticipation_status="PC", decision="A", payment_id=1,
        due_date=TOMORROW, new_due_date=ON, on=ON,
    )
    return rules.decision_refusal(**{**facts, **overrides})


@pytest.mark.parametrize("current", ["A", "D"])
@pytest.mark.parametrize("decision", ["A", "D"])
def test_a_decided_anticipation_cannot_be_decided_again(current, decision):
    assert _refusal(anticipation_status=current, decision=decision).code == "anticipation_already_decided"


@pytest.mark.parametrize("due_date", [YESTERDAY, ON])
def test_approving_a_payment_due_today_or_before_is_refused_but_denying_is_not(due_date):
    assert _refusal(due_date=due_date).code == "payment_not_operable"
    assert _refusal(due_date=due_date, decision="D") is None


def test_approving_a_requested_date_that_has_passed_is_refused_but_denying_is_not():
    assert _refusal(new_due_date=YESTERDAY).code == "new_due_date_passed"
    assert _refusal(new_due_date=YESTERDAY, decision="D") is None


def test_a_pending_anticipation_due_tomorrow_requested_for_today_can_be_approved():
    assert _refusal() is None


def test_each_decision_is_logged_with_its_own_action():
    assert rules.DECISIONS == {AnticipationStatus.APPROVED: "A", AnticipationStatus.DENIED: "D"}


@pytest.mark.parametrize("value", [Decimal("0.00"), Decimal("1000000000.01")])
def test_a_value_out_of_range_names_the_bounds_in_reais_as_the_reader_writes_them(portuguese, value):
    with pytest.raises(ValidationFailed) as caught:
        rules.check_new_payment(due_date=date(2030, 1, 1), value=value, on=date(2026, 1, 1))
    assert (caught.value.field, caught.value.code) == ("value", "out_of_range")
    assert caught.value.message == "O valor deve estar entre R$ 0,01 e R$ 1.000.000.000,00."
