import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from codevance_api.core.money import format_date
from codevance_api.payments.models import Anticipation, AnticipationStatus, RequestLog, RequestLogAction
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory, SupplierFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("web:queue")


@pytest.fixture
def pending(frozen_today):
    """Three pending requests of two suppliers, made one after the other (oldest first)."""
    acme = SupplierFactory(corporate_name="Acme Ltda")
    beta = SupplierFactory(corporate_name="Beta S.A.")
    return [
        AnticipationFactory(payment__supplier=beta),
        AnticipationFactory(payment__supplier=acme),
        AnticipationFactory(payment__supplier=beta),
    ]


def _status(anticipation) -> str:
    anticipation.refresh_from_db()
    return anticipation.status


def test_supplier_gets_403_on_the_queue(supplier_web, pending):
    response = supplier_web.get(QUEUE)

    assert response.status_code == 403
    assert "Only operators can decide anticipations." in response.content.decode()


def test_supplier_cannot_decide_by_posting_to_the_queue(supplier_web, pending):
    response = supplier_web.post(QUEUE, {"single": f"{pending[0].pk}:A"})

    assert response.status_code == 403
    assert _status(pending[0]) == AnticipationStatus.PENDING_CONFIRMATION


def test_user_without_role_gets_403_on_the_queue(outsider_web):
    assert outsider_web.get(QUEUE).status_code == 403


def test_queue_lists_pending_only_oldest_first(operator_web, pending):
    AnticipationFactory(status=AnticipationStatus.APPROVED)
    AnticipationFactory(status=AnticipationStatus.DENIED)

    response = operator_web.get(QUEUE)

    assert [a.pk for a in response.context["page"]] == [a.pk for a in pending]


def test_queue_row_shows_supplier_values_dates_and_days_in_advance(operator_web, pending):
    anticipation = pending[1]

    content = operator_web.get(QUEUE).content.decode()

    row = content[content.index(f'data-testid="anticipation-{anticipation.pk}"'):]
    row = row[: row.index("</tr>")]
    assert "Acme Ltda" in row
    assert "R$ 1,000.00" in row and f"R$ {anticipation.new_value:,.2f}" in row
    # Shown as the page's language writes dates, each labelled with its ISO date.
    for day in (anticipation.payment.due_date, anticipation.new_due_date):
        assert f'<time datetime="{day.isoformat()}">{format_date(day)}</time>' in row
    assert re.search(r'<td class="num"[^>]*>10</td>', row)  # days early


def test_queue_filters_by_supplier(operator_web, pending):
    acme = pending[1].payment.supplier

    response = operator_web.get(QUEUE, {"supplier": acme.pk})

    assert [a.pk for a in response.context["page"]] == [pending[1].pk]
    assert "from Acme Ltda" in response.content.decode()


def test_queue_filter_lists_suppliers_with_their_pending_counts(operator_web, pending):
    content = operator_web.get(QUEUE).content.decode()

    assert "Acme Ltda (1)" in content and "Beta S.A. (2)" in content


def test_queue_unknown_supplier_filter_is_a_400(operator_web, pending):
    assert operator_web.get(QUEUE, {"supplier": "999999"}).status_code == 400
    assert operator_web.get(QUEUE, {"supplier": "acme"}).status_code == 400


def test_approve_one_row_goes_through_the_service(operator, operator_web, pending, django_capture_on_commit_callbacks):
    target = pending[1]

    with django_capture_on_commit_callbacks(execute=True):
        response = operator_web.post(QUEUE, {"single": f"{target.pk}:A", "reason": "Within the limit"})

    assert response.status_code == 302 and response["Location"] == QUEUE
    assert _status(target) == AnticipationStatus.APPROVED
    log = RequestLog.objects.get(anticipation=target, action=RequestLogAction.APPROVED)
    assert (log.user, log.reason) == (operator, "Within the limit")
    assert [m.subject for m in mail.outbox] == [f"Anticipation approved for payment #{target.payment_id}"]
    assert [_status(a) for a in (pending[0], pending[2])] == [AnticipationStatus.PENDING_CONFIRMATION] * 2


def test_deny_one_row(operator_web, pending):
    operator_web.post(QUEUE, {"single": f"{pending[0].pk}:D"})

    assert _status(pending[0]) == AnticipationStatus.DENIED


def test_deny_several_selected_with_a_reason(operator_web, pending):
    response = operator_web.post(
        QUEUE, {"anticipation": [pending[0].pk, pending[2].pk], "decision": "D", "reason": "Over budget"}, follow=True
    )

    assert [_status(a) for a in pending] == ["D", "PC", "D"]
    assert set(RequestLog.objects.filter(action="D").values_list("reason", flat=True)) == {"Over budget"}
    assert "2 anticipations denied" in response.content.decode()


def test_approve_several_selected(operator_web, pending):
    operator_web.post(QUEUE, {"anticipation": [a.pk for a in pending], "decision": "A"})

    assert [_status(a) for a in pending] == ["A", "A", "A"]


def test_decided_anticipation_leaves_the_queue(operator_web, pending):
    operator_web.post(QUEUE, {"single": f"{pending[0].pk}:A"})

    response = operator_web.get(QUEUE)

    assert pending[0].pk not in [a.pk for a in response.context["page"]]


def test_deciding_without_selection_shows_the_error(operator_web, pending):
    response = operator_web.post(QUEUE, {"decision": "A"})

    assert response.status_code == 400
    assert "Select at least one anticipation." in response.content.decode()
    assert all(_status(a) == "PC" for a in pending)


def test_deciding_without_a_decision_shows_the_error(operator_web, pending):
    response = operator_web.post(QUEUE, {"anticipation": [pending[0].pk]})

    assert response.status_code == 400
    assert "Choose approve or deny." in response.content.decode()


def test_unknown_decision_is_a_400(operator_web, pending):
    response = operator_web.post(QUEUE, {"anticipation": [pending[0].pk], "decision": "X"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert _status(pending[0]) == "PC"


def test_malformed_row_button_is_a_400(operator_web, pending):
    assert operator_web.post(QUEUE, {"single": f"{pending[0].pk}:Z"}).status_code == 400
    assert _status(pending[0]) == "PC"


def test_malformed_selection_is_a_400(operator_web, pending):
    response = operator_web.post(QUEUE, {"anticipation": ["abc"], "decision": "A"})

    assert response.status_code == 400
    assert "is not an anticipation number" in response.content.decode()


def test_too_long_reason_is_a_400(operator_web, pending):
    response = operator_web.post(QUEUE, {"single": f"{pending[0].pk}:A", "reason": "x" * 501})

    assert response.status_code == 400
    assert "Ensure this value has at most 500 characters" in response.content.decode()
    assert _status(pending[0]) == "PC"


def test_already_decided_anticipation_is_reported_and_others_still_decided(operator_web, pending):
    Anticipation.objects.filter(pk=pending[0].pk).update(status=AnticipationStatus.DENIED)

    response = operator_web.post(QUEUE, {"anticipation": [pending[0].pk, pending[1].pk], "decision": "A"}, follow=True)

    content = response.content.decode()
    assert f"Anticipation #{pending[0].pk}: Anticipation {pending[0].pk} was already decided (denied)." in content
    assert "1 anticipation approved" in content
    assert [_status(a) for a in pending[:2]] == ["D", "A"]


def test_expired_request_cannot_be_approved_but_can_be_denied(operator_web, frozen_today):
    payment = PaymentFactory(due_date=frozen_today)
    expired = AnticipationFactory(payment=payment, new_due_date=frozen_today - timedelta(days=5))

    page = operator_web.get(QUEUE).content.decode()
    refused = operator_web.post(QUEUE, {"single": f"{expired.pk}:A"}, follow=True).content.decode()
    operator_web.post(QUEUE, {"single": f"{expired.pk}:D"})

    assert "expired: deny only" in page
    assert "it can no longer be anticipated, so the request cannot be approved" in refused
    assert _status(expired) == "D"


def test_unknown_anticipation_is_reported(operator_web, pending):
    response = operator_web.post(QUEUE, {"single": "999999:A"}, follow=True)

    assert "No anticipation 999999 is visible to you." in response.content.decode()


def test_decision_keeps_the_supplier_filter(operator_web, pending):
    acme = pending[1].payment.supplier
    url = f"{QUEUE}?supplier={acme.pk}"

    response = operator_web.post(url, {"single": f"{pending[1].pk}:A"})

    assert response["Location"] == url


def test_decision_with_a_bad_supplier_filter_decides_nothing(operator_web, pending):
    response = operator_web.post(f"{QUEUE}?supplier=nope", {"single": f"{pending[0].pk}:A"})

    assert response.status_code == 400
    assert _status(pending[0]) == "PC"


def test_decision_without_csrf_token_is_refused(operator, pending):
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)

    response = client.post(QUEUE, {"single": f"{pending[0].pk}:A"})

    assert response.status_code == 403
    assert _status(pending[0]) == "PC"


def test_queue_is_paginated(operator_web, frozen_today):
    for _ in range(21):
        AnticipationFactory()

    first = operator_web.get(QUEUE)
    second = operator_web.get(QUEUE, {"page": 2})

    assert len(first.context["page"]) == 20 and len(second.context["page"]) == 1
