import datetime
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from codevance_api.core.renderers import ORJSONRenderer

SAMPLES = [
    {"count": None, "next": "http://testserver/api/payments/?cursor=abc", "previous": None, "results": []},
    ReturnList([ReturnDict({"id": 1, "value": "1000.00", "status": "A"}, serializer=None)], serializer=None),
    {"value": Decimal("984.00"), "due_date": datetime.date(2024, 10, 1)},
    {"at": datetime.datetime(2024, 9, 15, 12, 0, 0, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=-3)))},
    {"message": gettext_lazy("This field is required."), "text": "ação \u2028 \u2029 \"quoted\""},
    {1: "integer keys become strings"},
]


@pytest.mark.parametrize("data", SAMPLES)
def test_orjson_output_is_byte_for_byte_drfs(data):
    assert ORJSONRenderer().render(data) == JSONRenderer().render(data)


def test_indent_requested_by_the_client_is_honoured():
    rendered = ORJSONRenderer().render({"a": [1]}, "application/json; indent=4", {})
    assert rendered == JSONRenderer().render({"a": [1]}, "application/json; indent=4", {})
