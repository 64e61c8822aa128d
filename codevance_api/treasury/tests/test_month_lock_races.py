"""Budgets set while approvals of their month commit, against PostgreSQL: the month locks (treasury/locks.py).

An approval takes a shared lock on each month it charges before reading the month's budgets; a budget
create, change or delete takes the exclusive lock of its month(s) before checking what is used. Each test
holds one side's transaction open, checks in pg_locks that the other side really waits for the month
lock, then commits: the waiting side must see what the first one did.
"""

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.conftest import authenticated_client
from codevance_api.core.dates import today
from codevance_api.payments.models import Anticipation, AnticipationStatus
from codevance_api.payments.services import anticipation_decide
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory
from codevance_api.payments.tests.test_races import _run_together
from codevance_api.treasury import rules, selectors, services
from codevance_api.treasury.locks import MONTH_LOCK_SPACE
from codevance_api.treasury.models import Budget
from codevance_api.treasury.tests.factories import BudgetFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql,
              pytest.mark.usefixtures("postgresql_row_locks")]

WAIT_SECONDS = 10


def _pending():
    """A pending anticipation of new value R$ 990.00, 10 days before a due date 30 days ahead."""
    payment = PaymentFactory(due_date=today() + timedelta(days=30))
    return AnticipationFactory(payment=payment, new_due_date=payment.due_date - timedelta(days=10))


def _someone_waits_for_a_month_lock(seconds: float = WAIT_SECONDS) -> bool:
    """Whether, within `seconds`, a session waits for one of the treasury's month locks (pg_locks)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND NOT granted",
                [MONTH_LOCK_SPACE],
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.02)
    return False


class HeldOpen:
    """Run `work` in a thread inside a transaction that stays open until `release()`; `result` is its value."""

    def __init__(self, work):
        self.work, self.result = work, None
        self.done, self.go = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run)

    def _run(self):
        try:
            with transaction.atomic():
                self.result = self.work()
                self.done.set()
                self.go.wait(WAIT_SECONDS * 3)
        except Exception as error:  # noqa: BLE001 - a crash must fail the test, not vanish with the thread
            self.result = error
            self.done.set()
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        assert self.done.wait(WAIT_SECONDS), "the first transaction did not get its work done"
        assert not isinstance(self.result, Exception), self.result
        return self

    def __exit__(self, *exc):
        self.go.set()
        self.thread.join(WAIT_SECONDS * 3)


class Meanwhile:
    """Run `call` in another thread (its own connection); `outcome()` joins it and gives its result."""

    def __init__(self, call):
        self.result = None

        def run():
            try:
                self.result = call()
            except Exception as error:  # noqa: BLE001
                self.result = error
            finally:
                connections.close_all()

        self.thread = threading.Thread(target=run)
        self.thread.start()

    def outcome(self):
        self.thread.join(WAIT_SECONDS * 3)
        assert not self.thread.is_alive(), "the second transaction never finished"
        return self.result


def _budget_post(month, amount, supplier=None):
    client = authenticated_client(UserFactory(is_operator=True))
    return lambda: client.post("/api/budgets/", {"month": f"{month:%Y-%m}", "amount": amount, "supplier": supplier},
                               format="json")


def test_a_budget_created_while_an_approval_of_its_month_commits_waits_and_counts_it():
    anticipation = _pending()
    month = rules.month_of(anticipation.new_due_date)
    operator = UserFactory(is_operator=True)

    with HeldOpen(lambda: anticipation_decide(actor=operator, anticipation_id=anticipation.pk, status="A")):
        creation = Meanwhile(_budget_post(month, "500.00"))
        assert _someone_waits_for_a_month_lock(), "the budget's creation did not wait for the approval"
    response = creation.outcome()

    assert response.status_code == 409, response.json()
    assert (response.json()["code"], response.json()["used"]) == ("budget_below_used", "990.00")
    assert not Budget.objects.exists()


def test_an_approval_while_a_budget_of_its_month_is_being_created_waits_and_is_charged_against_it():
    anticipation = _pending()
    month = rules.month_of(anticipation.new_due_date)
    operator = UserFactory(is_operator=True)
    client = authenticated_client(UserFactory(is_operator=True))

    with HeldOpen(lambda: services.budget_create(actor=operator, month=month, amount=Decimal("500.00"))):
        approval = Meanwhile(
            lambda: client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": "A"}, format="json")
        )
        assert _someone_waits_for_a_month_lock(), "the approval did not wait for the budget's creation"
    response = approval.outcome()

    assert response.status_code == 409, response.json()
    assert (response.json()["code"], response.json()["remaining"]) == ("budget_exceeded", "500.00")
    assert Anticipation.objects.get().status == AnticipationStatus.PENDING_CONFIRMATION


def test_a_budget_lowered_while_an_approval_of_its_month_commits_waits_and_counts_it():
    anticipation = _pending()
    month = rules.month_of(anticipation.new_due_date)
    budget = BudgetFactory(month=month, amount=Decimal("5000.00"))
    operator = UserFactory(is_operator=True)
    client = authenticated_client(UserFactory(is_operator=True))

    with HeldOpen(lambda: anticipation_decide(actor=operator, anticipation_id=anticipation.pk, status="A")):
        change = Meanwhile(lambda: client.patch(f"/api/budgets/{budget.pk}/", {"amount": "500.00"}, format="json"))
        assert _someone_waits_for_a_month_lock(), "the budget's change did not wait for the approval"
    response = change.outcome()

    assert response.status_code == 409, response.json()
    assert (response.json()["code"], response.json()["used"]) == ("budget_below_used", "990.00")
    budget.refresh_from_db()
    assert budget.amount == Decimal("5000.00")


def test_a_budget_moved_into_a_month_while_an_approval_of_it_commits_waits_and_counts_it():
    anticipation = _pending()
    month = rules.month_of(anticipation.new_due_date)
    elsewhere = BudgetFactory(month=rules.next_month(month), amount=Decimal("500.00"))
    operator = UserFactory(is_operator=True)
    client = authenticated_client(UserFactory(is_operator=True))

    with HeldOpen(lambda: anticipation_decide(actor=operator, anticipation_id=anticipation.pk, status="A")):
        move = Meanwhile(
            lambda: client.patch(f"/api/budgets/{elsewhere.pk}/", {"month": f"{month:%Y-%m}"}, format="json")
        )
        assert _someone_waits_for_a_month_lock(), "the budget's move did not wait for the approval"
    response = move.outcome()

    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "budget_below_used"
    elsewhere.refresh_from_db()
    assert elsewhere.month == rules.next_month(month)


def test_an_approval_while_a_budget_is_lowered_waits_and_is_refused_by_the_new_amount():
    anticipation = _pending()
    month = rules.month_of(anticipation.new_due_date)
    budget = BudgetFactory(month=month, amount=Decimal("5000.00"))
    operator = UserFactory(is_operator=True)
    client = authenticated_client(UserFactory(is_operator=True))

    with HeldOpen(lambda: services.budget_update(actor=operator, budget_id=budget.pk, amount=Decimal("500.00"))):
        approval = Meanwhile(
            lambda: client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": "A"}, format="json")
        )
        assert _someone_waits_for_a_month_lock(), "the approval did not wait for the budget's change"
    response = approval.outcome()

    assert response.status_code == 409, response.json()
    assert (response.json()["code"], response.json()["remaining"]) == ("budget_exceeded", "500.00")


def test_approvals_and_a_budget_set_all_at_once_never_leave_a_budget_below_what_its_month_used():
    anticipations = [_pending() for _ in range(6)]
    month = rules.month_of(anticipations[0].new_due_date)
    operators = [UserFactory(is_operator=True) for _ in anticipations]
    calls = [
        lambda c=authenticated_client(op), a=a: c.patch(f"/api/anticipations/{a.pk}/", {"status": "A"}, format="json")
        for op, a in zip(operators, anticipations)
    ] + [_budget_post(month, "2000.00")]  # room for two R$ 990.00 approvals

    responses = _run_together(calls)

    assert [r for r in responses if not hasattr(r, "status_code")] == []
    assert responses[-1].status_code in (201, 409), responses[-1].json()
    usage = selectors.budget_usage(month).overall
    if responses[-1].status_code == 201:
        assert usage.used <= usage.amount == Decimal("2000.00")
    else:
        assert responses[-1].json()["code"] == "budget_below_used"
        assert usage.used > Decimal("2000.00")


def test_two_approvals_held_by_their_month_locks_never_both_take_the_last_slice():
    first, second = _pending(), _pending()
    month = rules.month_of(first.new_due_date)
    BudgetFactory(month=month, amount=Decimal("1500.00"))  # room for one R$ 990.00 approval
    operator = UserFactory(is_operator=True)
    client = authenticated_client(UserFactory(is_operator=True))

    with HeldOpen(lambda: anticipation_decide(actor=operator, anticipation_id=first.pk, status="A")):
        # Shared month locks do not make approvals wait for each other: the budget row's lock does.
        other = Meanwhile(lambda: client.patch(f"/api/anticipations/{second.pk}/", {"status": "A"}, format="json"))
        assert not _someone_waits_for_a_month_lock(1.0)
    response = other.outcome()

    assert response.status_code == 409 and response.json()["code"] == "budget_exceeded"
    assert Anticipation.objects.filter(status=AnticipationStatus.APPROVED).count() == 1
