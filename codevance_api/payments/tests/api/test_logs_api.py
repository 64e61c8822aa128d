import pytest

from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory

pytestmark = pytest.mark.django_db


def test_logs_are_listed_newest_first_with_their_fields(frozen_today, operator_client):
    anticipation = AnticipationFactory(status=AnticipationStatus.APPROVED)
    body = operator_client.get("/api/logs/?count=true").json()
    assert body["count"] == 2
    assert [log["action"] for log in body["results"]] == ["A", "R"]
    # `rule` is additive (issue 16): null for a person's decision.
    assert set(body["results"][0]) == {"id", "anticipation", "created_at", "user", "action", "reason", "timestamp",
                                       "rule"}
    assert body["results"][0]["rule"] is None
    assert body["results"][0]["anticipation"] == anticipation.pk


def test_supplier_reads_only_the_logs_of_its_own_payments(frozen_today, supplier_client, supplier, other_supplier):
    own = AnticipationFactory(payment__supplier=supplier)
    AnticipationFactory(payment__supplier=other_supplier)
    body = supplier_client.get("/api/logs/").json()
    assert [log["anticipation"] for log in body["results"]] == [own.pk]


def test_created_at_is_the_sao_paulo_date_and_timestamp_the_aware_moment(operator_client):
    import time_machine

    # 01:30 UTC on the 16th is still the 15th in São Paulo (UTC-3).
    with time_machine.travel("2024-09-16 01:30:00+00:00", tick=False):
        AnticipationFactory()
    row = operator_client.get("/api/logs/").json()["results"][0]
    assert row["created_at"] == "2024-09-15"
    assert row["timestamp"] == "2024-09-15T22:30:00-03:00"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_logs_cannot_be_written_through_the_api(frozen_today, operator_client, method):
    AnticipationFactory()
    response = getattr(operator_client, method)("/api/logs/", {"action": "A"}, format="json")
    assert response.status_code == 405


def test_date_filters_agree_with_the_sao_paulo_date_shown(operator_client):
    import time_machine

    # 01:30 UTC on the 16th is the 15th in São Paulo: shown as the 15th, and found by the 15th.
    with time_machine.travel("2024-09-16 01:30:00+00:00", tick=False):
        AnticipationFactory()
    on_15th = operator_client.get("/api/logs/?created_after=2024-09-15&created_before=2024-09-15").json()
    on_16th = operator_client.get("/api/logs/?created_after=2024-09-16").json()
    assert [row["created_at"] for row in on_15th["results"]] == ["2024-09-15"]
    assert on_15th["count"] == 1 and on_16th["count"] == 0
