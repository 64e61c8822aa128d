"""The control log in the admin: read-only for everyone, filtered by type, action and actor, Brazilian dates."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.control_log.models import ControlChange
from codevance_api.treasury.tests.factories import BudgetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_admin(client):
    client.force_login(UserFactory(is_operator=True, is_staff=True))
    return client


@pytest.fixture
def superuser_admin(client):
    client.force_login(get_user_model().objects.create_superuser(email="root@example.com", password="x"))
    return client


def test_an_operator_reads_the_control_log_with_its_filters(frozen_today, operator_admin):
    BudgetFactory(month=date(2024, 10, 1))
    BudgetFactory(month=date(2024, 11, 1))  # by another operator: the actor filter lists both
    page = operator_admin.get(reverse("admin:control_log_controlchange_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "object_type__exact=budget" in text and "action__exact=created" in text and "actor__id__exact=" in text


def test_the_control_log_shows_dates_as_a_brazilian_reader_writes_them(frozen_today, operator_admin, portuguese):
    BudgetFactory(month=date(2024, 10, 1))
    page = operator_admin.get(reverse("admin:control_log_controlchange_changelist")).content.decode()
    assert frozen_today.strftime("%d/%m/%Y") in page


@pytest.mark.parametrize("who", ["operator_admin", "superuser_admin"])
def test_nobody_adds_changes_or_deletes_a_control_change_in_the_admin(frozen_today, request, who):
    client = request.getfixturevalue(who)
    BudgetFactory(month=date(2024, 10, 1))
    row = ControlChange.objects.get()
    assert client.get(reverse("admin:control_log_controlchange_add")).status_code == 403
    assert client.post(reverse("admin:control_log_controlchange_delete", args=[row.pk]), {"post": "yes"}).status_code \
        == 403
    change = client.post(reverse("admin:control_log_controlchange_change", args=[row.pk]), {"object_id": "1"})
    assert change.status_code == 403
    assert ControlChange.objects.get().object_id == row.object_id
