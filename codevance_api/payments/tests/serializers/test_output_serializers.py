"""The output serializers' short row path gives DRF's generic representation to the character."""

from decimal import Decimal

import orjson
import pytest
from rest_framework import serializers

from codevance_api.payments.models import AnticipationStatus, RequestLog
from codevance_api.payments.selectors import anticipation_list, payment_list, request_log_list
from codevance_api.payments.serializers import (
    AnticipationOutputSerializer,
    ModelOutputSerializer,
    PaymentOutputSerializer,
    RequestLogOutputSerializer,
)
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def drf_generic(serializer_class, instances):
    serializer = serializer_class(instances, many=True)
    child = serializer.child
    return [super(ModelOutputSerializer, child).to_representation(instance) for instance in instances]


@pytest.fixture
def rows_of_every_kind(operator):
    PaymentFactory(value=Decimal("0.01"))
    PaymentFactory(value=Decimal("999999999.99"))
    PaymentFactory(value=Decimal("10"))
    for status in AnticipationStatus.values:
        AnticipationFactory(status=status, payment__value=Decimal("1234.56"))
    assert RequestLog.objects.exists()
    return operator


@pytest.mark.parametrize(
    "serializer_class, rows",
    [
        (PaymentOutputSerializer, lambda user: payment_list(user=user)),
        (AnticipationOutputSerializer, lambda user: anticipation_list(user=user)),
        (RequestLogOutputSerializer, lambda user: request_log_list(user=user)),
    ],
)
def test_output_rows_are_exactly_drfs_generic_representation(rows_of_every_kind, serializer_class, rows):
    instances = list(rows(rows_of_every_kind))
    assert instances
    fast = serializer_class(instances, many=True).data
    assert orjson.dumps(fast) == orjson.dumps(drf_generic(serializer_class, instances))


def test_output_fields_are_built_once_per_class_and_copied_per_serializer():
    first, second = PaymentOutputSerializer().fields, PaymentOutputSerializer().fields
    assert list(first) == ["id", "supplier", "creation_date", "due_date", "value", "status", "created_at"]
    assert first["value"] is not second["value"]
    assert isinstance(first["supplier"], serializers.PrimaryKeyRelatedField)
