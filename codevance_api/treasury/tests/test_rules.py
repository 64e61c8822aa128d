"""The treasury's pure rules (treasury/rules.py): months, budget fit, rule matching, four eyes."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from codevance_api.core.errors import ValidationFailed
from codevance_api.treasury import rules
from codevance_api.treasury.rules import BudgetKey, RuleFacts

OCT = date(2024, 10, 1)


# --- Months -----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["2024-13", "2024-00", "2024-1", "24-10", "2024/10", "2024-10-01", "", " 2024-10",
                                 "1899-12", "3000-01", None, 202410])
def test_a_month_that_is_not_yyyy_mm_is_refused_naming_the_field(raw):
    with pytest.raises(ValidationFailed) as caught:
        rules.parse_month(raw)
    assert (caught.value.code, caught.value.field) == ("invalid_month", "month")


@pytest.mark.parametrize("raw,first_day", [("2026-12", date(2026, 12, 1)), ("1900-01", date(1900, 1, 1)),
                                           ("2999-12", date(2999, 12, 1))])
def test_a_month_is_kept_as_its_first_day(raw, first_day):
    assert rules.parse_month(raw) == first_day
    assert rules.format_month(first_day) == raw


def test_the_month_after_december_is_january_of_the_next_year():
    assert rules.next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert rules.next_month(date(2026, 1, 1)) == date(2026, 2, 1)


def test_an_approval_is_charged_to_the_overall_and_the_suppliers_budget_of_its_new_due_dates_month():
    assert rules.budget_keys(supplier_id=7, new_due_date=date(2024, 10, 31)) == (
        BudgetKey(OCT, None), BudgetKey(OCT, 7)
    )


# --- Budget fit -------------------------------------------------------------------------------


def test_with_no_budget_anything_fits():
    assert rules.budget_refusal(anticipation_id=1, value=Decimal("999999.99"), room={}) is None


def test_an_approval_using_exactly_what_remains_fits():
    room = {BudgetKey(OCT, None): Decimal("990.00")}
    assert rules.budget_refusal(anticipation_id=1, value=Decimal("990.00"), room=room) is None


def test_an_approval_one_cent_over_what_remains_is_refused_naming_what_remains_in_reais():
    room = {BudgetKey(OCT, None): Decimal("1989.99")}
    refusal = rules.budget_refusal(anticipation_id=4, value=Decimal("1990.00"), room=room)
    assert refusal.code == "budget_exceeded" and refusal.status_code == 409
    assert "R$ 1,989.99" in refusal.message and "overall budget of October 2024" in refusal.message
    assert refusal.extra == {"remaining": "1989.99", "month": "2024-10", "supplier": None}


def test_a_budget_is_named_with_its_month_as_a_reader_of_the_language_writes_it():
    # The dashboard's month (core.money.format_month); the refusal's `extra` keeps "2024-10" for programs.
    with translation.override("pt-br"):
        assert BudgetKey(OCT, None).describe() == "o orçamento geral de outubro de 2024"
        assert BudgetKey(OCT, 3).describe() == "o orçamento do fornecedor 3 para outubro de 2024"
    with translation.override("en"):
        assert BudgetKey(OCT, None).describe() == "the overall budget of October 2024"


def test_every_budget_must_take_the_whole_value_and_the_refusal_names_the_tightest():
    room = {BudgetKey(OCT, None): Decimal("5000.00"), BudgetKey(OCT, 3): Decimal("100.00")}
    refusal = rules.budget_refusal(anticipation_id=4, value=Decimal("990.00"), room=room)
    assert refusal.extra == {"remaining": "100.00", "month": "2024-10", "supplier": 3}
    assert "supplier 3" in refusal.message


def test_a_budget_with_nothing_left_refuses_any_approval():
    room = {BudgetKey(OCT, None): Decimal("0.00")}
    assert rules.budget_refusal(anticipation_id=1, value=Decimal("0.01"), room=room).extra["remaining"] == "0.00"


def test_remaining_never_goes_below_zero():
    assert rules.remaining(amount=Decimal("100.00"), used=Decimal("150.00")) == Decimal("0.00")
    assert rules.remaining(amount=Decimal("100.00"), used=Decimal("40.00")) == Decimal("60.00")


def test_a_budget_is_exhausted_by_the_charge_that_takes_its_last_cent_only():
    assert rules.is_exhausted(before=Decimal("10.00"), after=Decimal("0.00"))
    assert not rules.is_exhausted(before=Decimal("10.00"), after=Decimal("0.01"))
    assert not rules.is_exhausted(before=Decimal("0.00"), after=Decimal("0.00"))


# --- Rule matching ----------------------------------------------------------------------------


def _rule(id, supplier_id=None, max_amount="1000.00", min_days_early=5, active=True):
    return RuleFacts(id=id, supplier_id=supplier_id, max_amount=Decimal(max_amount), min_days_early=min_days_early,
                     active=active)


def _match(rules_, *, supplier_id=1, new_value="990.00", days_early=10, dual_control_above=None):
    return rules.matching_rule(rules=rules_, supplier_id=supplier_id, new_value=Decimal(new_value),
                               days_early=days_early, dual_control_above=dual_control_above)


def test_a_rule_approves_up_to_its_amount_inclusive():
    assert _match([_rule(1, max_amount="990.00")]).id == 1
    assert _match([_rule(1, max_amount="989.99")]) is None


def test_a_rule_approves_from_its_number_of_days_early_inclusive():
    assert _match([_rule(1, min_days_early=10)], days_early=10).id == 1
    assert _match([_rule(1, min_days_early=11)], days_early=10) is None


def test_an_inactive_rule_approves_nothing():
    assert _match([_rule(1, active=False)]) is None


def test_another_suppliers_rule_does_not_apply():
    assert _match([_rule(1, supplier_id=2)], supplier_id=1) is None


def test_the_suppliers_own_rule_is_tried_before_everyones():
    assert _match([_rule(1), _rule(9, supplier_id=1)], supplier_id=1).id == 9


def test_among_rules_of_the_same_kind_the_oldest_wins():
    assert _match([_rule(5), _rule(2)]).id == 2


def test_no_rule_approves_above_the_four_eyes_threshold():
    assert _match([_rule(1, max_amount="5000.00")], new_value="990.00", dual_control_above=Decimal("989.99")) is None
    assert _match([_rule(1, max_amount="5000.00")], new_value="990.00", dual_control_above=Decimal("990.00")).id == 1


# --- Four eyes --------------------------------------------------------------------------------


def test_four_eyes_is_off_without_a_threshold():
    assert not rules.needs_two_approvals(new_value=Decimal("1000000000.00"), dual_control_above=None)


def test_four_eyes_applies_strictly_above_the_threshold():
    assert rules.needs_two_approvals(new_value=Decimal("100.01"), dual_control_above=Decimal("100.00"))
    assert not rules.needs_two_approvals(new_value=Decimal("100.00"), dual_control_above=Decimal("100.00"))


def test_the_operator_who_approved_first_cannot_be_the_second():
    refusal = rules.second_approval_refusal(anticipation_id=7, actor_id=3, approver_ids=[3])
    assert refusal.code == "second_approver_required" and refusal.status_code == 409
    assert rules.second_approval_refusal(anticipation_id=7, actor_id=4, approver_ids=[3]) is None
