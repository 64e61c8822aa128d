"""Four eyes (issue 16.3): above DUAL_CONTROL_ABOVE an approval takes two different operators."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.conftest import authenticated_client
from codevance_api.notifications.models import Notification, NotificationEvent
from codevance_api.payments.models import AnticipationStatus, RequestLog, RequestLogAction
from codevance_api.payments.services import anticipation_decide_many
from codevance_api.payments.tests.factories import AnticipationFactory
from codevance_api.treasury import selectors
from codevance_api.treasury.tests.factories import BudgetFactory

pytestmark = pytest.mark.django_db

OCT = date(2024, 10, 1)


@pytest.fixture
def four_eyes(settings):
    """Four eyes above R$ 500.00: a default anticipation (R$ 990.00) needs two operators."""
    settings.DUAL_CONTROL_ABOVE = Decimal("500.00")


@pytest.fixture
def operators():
    return [UserFactory(is_operator=True) for _ in range(2)]


def _approve(user, anticipation, status="A"):
    return authenticated_client(user).patch(f"/api/anticipations/{anticipation.pk}/", {"status": status},
                                            format="json")


def test_the_first_approval_answers_202_still_pending_listing_the_approver(frozen_today, four_eyes, operators):
    anticipation = AnticipationFactory()

    response = _approve(operators[0], anticipation)

    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["approvals_required"]) == ("PC", 2)
    assert [(a["operator"], a["email"]) for a in body["approvals"]] == [(operators[0].pk, operators[0].email)]
    anticipation.refresh_from_db()
    assert anticipation.status == AnticipationStatus.PENDING_CONFIRMATION
    assert RequestLog.objects.filter(anticipation=anticipation, action=RequestLogAction.FIRST_APPROVAL).count() == 1


def test_the_first_approval_emails_nobody_and_charges_no_budget(
    frozen_today, four_eyes, operators, mailoutbox, django_capture_on_commit_callbacks
):
    BudgetFactory(month=OCT, amount=Decimal("990.00"))
    anticipation = AnticipationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _approve(operators[0], anticipation)
    assert mailoutbox == []
    assert selectors.budget_usage(OCT).overall.used == Decimal("0.00")


def test_the_same_operator_approving_twice_gets_409_second_approver_required(frozen_today, four_eyes, operators):
    anticipation = AnticipationFactory()
    _approve(operators[0], anticipation)

    response = _approve(operators[0], anticipation)

    assert (response.status_code, response.json()["code"]) == (409, "second_approver_required")
    assert RequestLog.objects.filter(anticipation=anticipation).exclude(action=RequestLogAction.REQUESTED).count() == 1


def test_a_second_different_operator_completes_the_approval_and_charges_the_budget(
    frozen_today, four_eyes, operators, mailoutbox, django_capture_on_commit_callbacks
):
    BudgetFactory(month=OCT, amount=Decimal("1000.00"))
    anticipation = AnticipationFactory()
    _approve(operators[0], anticipation)

    with django_capture_on_commit_callbacks(execute=True):
        response = _approve(operators[1], anticipation)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "A"
    assert [a["operator"] for a in body["approvals"]] == [operators[0].pk, operators[1].pk]
    actions = list(RequestLog.objects.filter(anticipation=anticipation).order_by("id").values_list("action", "user"))
    assert actions[1:] == [("F", operators[0].pk), ("A", operators[1].pk)]
    assert selectors.budget_usage(OCT).overall.used == Decimal("990.00")
    assert [n.event for n in Notification.objects.filter(anticipation=anticipation)
            if n.event != NotificationEvent.REQUESTED] == [NotificationEvent.APPROVED]


def test_the_second_approval_is_refused_when_the_budget_no_longer_takes_it(frozen_today, four_eyes, operators):
    BudgetFactory(month=OCT, amount=Decimal("989.99"))
    anticipation = AnticipationFactory()
    assert _approve(operators[0], anticipation).status_code == 202
    response = _approve(operators[1], anticipation)
    assert (response.status_code, response.json()["code"]) == (409, "budget_exceeded")


@pytest.mark.parametrize("who", [0, 1], ids=["first-approver", "other-operator"])
def test_a_denial_by_either_operator_after_a_first_approval_is_final(frozen_today, four_eyes, operators, who):
    anticipation = AnticipationFactory()
    _approve(operators[0], anticipation)

    response = _approve(operators[who], anticipation, status="D")

    assert (response.status_code, response.json()["status"]) == (200, "D")
    assert _approve(operators[1], anticipation).json()["code"] == "anticipation_already_decided"


def test_at_or_below_the_threshold_one_operator_approves(frozen_today, settings, operators):
    settings.DUAL_CONTROL_ABOVE = Decimal("990.00")
    response = _approve(operators[0], AnticipationFactory())
    assert (response.status_code, response.json()["status"], response.json()["approvals_required"]) == (200, "A", 1)


def test_without_a_threshold_four_eyes_is_off(frozen_today, settings, operators):
    settings.DUAL_CONTROL_ABOVE = None
    assert _approve(operators[0], AnticipationFactory()).status_code == 200


def test_deciding_many_records_first_approvals_and_refuses_the_same_operator(frozen_today, four_eyes, operators):
    waiting, again = AnticipationFactory(), AnticipationFactory()
    _approve(operators[0], again)

    result = anticipation_decide_many(actor=operators[0], anticipation_ids=[waiting.pk, again.pk], status="A")

    assert [a.pk for a in result.awaiting_second] == [waiting.pk]
    assert result.decided == []
    assert result.failures[again.pk].code == "second_approver_required"


# --- The web queue --------------------------------------------------------------------------------


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_web_queue_shows_which_anticipations_wait_for_a_second_operator(frozen_today, four_eyes, operators):
    waiting, fresh = AnticipationFactory(), AnticipationFactory()
    _approve(operators[0], waiting)

    page = _web(operators[1]).get("/operator/queue/").content.decode()

    assert f'data-testid="second-approval-{waiting.pk}"' in page
    assert operators[0].email in page
    assert f'data-testid="second-approval-{fresh.pk}"' not in page


def test_approving_in_the_web_queue_follows_the_same_four_eyes(frozen_today, four_eyes, operators):
    anticipation = AnticipationFactory()
    first = _web(operators[0])

    response = first.post("/operator/queue/", {"single": f"{anticipation.pk}:A"}, follow=True)
    assert f"Your approval of #{anticipation.pk} is recorded" in response.content.decode()
    anticipation.refresh_from_db()
    assert anticipation.status == AnticipationStatus.PENDING_CONFIRMATION

    response = first.post("/operator/queue/", {"single": f"{anticipation.pk}:A"}, follow=True)
    assert f"You already approved anticipation {anticipation.pk}" in response.content.decode()
    _web(operators[1]).post("/operator/queue/", {"single": f"{anticipation.pk}:A"})
    anticipation.refresh_from_db()
    assert anticipation.status == AnticipationStatus.APPROVED
