from pathlib import Path

import pytest
import yaml
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.generics import GenericAPIView
from rest_framework.settings import api_settings

from codevance_api.core.pagination import MAX_PAGE_SIZE


def api_views(patterns=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from api_views(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            view_class = getattr(entry.callback, "cls", None)
            if view_class is not None and issubclass(view_class, GenericAPIView):
                yield entry.pattern, view_class


def test_every_paginated_view_caps_the_page_size():
    views = list(api_views())
    assert views, "no API list views found"
    for pattern, view_class in views:
        paginator = view_class.pagination_class
        if paginator is None:
            continue
        max_size = getattr(paginator, "max_page_size", None) or api_settings.PAGE_SIZE
        assert max_size <= MAX_PAGE_SIZE, f"{pattern} ({view_class.__name__}) allows pages of {max_size}"


NUMBERED_LISTS = ["/api/payments/", "/api/anticipations/", "/api/logs/", "/api/suppliers/", "/api/budgets/",
                  "/api/auto-approval-rules/", "/api/control-log/", "/api/webhooks/"]


def _list_operations(schema):
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get and any(p["name"] == "page" for p in get.get("parameters", [])):
            yield path, get


def test_every_numbered_list_documents_its_page_parameters_as_they_behave():
    schema = yaml.safe_load((Path(__file__).resolve().parents[3] / "docs" / "openapi.yaml").read_text())
    documented = dict(_list_operations(schema))
    assert set(NUMBERED_LISTS) <= set(documented), set(NUMBERED_LISTS) - set(documented)
    for path, operation in documented.items():
        parameters = {p["name"]: p for p in operation["parameters"]}
        for name in ("page", "page_size"):
            assert parameters[name]["schema"] == {"type": "integer", "minimum": 1}, (path, name)
            assert "number within the paginated" not in parameters[name]["description"], (path, name)
        assert "1 to the last page (or `last`)" in parameters["page"]["description"], path
        assert f"above {MAX_PAGE_SIZE} are served as {MAX_PAGE_SIZE}" in parameters["page_size"]["description"], path


@pytest.mark.django_db
@pytest.mark.parametrize("path", NUMBERED_LISTS)
def test_every_numbered_list_answers_the_page_rules_its_schema_states(operator_client, path):
    for page_size in ("0", "-1", "abc"):
        response = operator_client.get(path, {"page_size": page_size})
        assert response.status_code == 400, (path, page_size)
        assert "page_size" in response.json()["errors"], (path, page_size)
    for page in ("0", "abc", "999"):
        assert operator_client.get(path, {"page": page}).status_code == 404, (path, page)
    for query in ({"page": "last"}, {"page": "1"}, {"page_size": "500"}, {"page_size": "1"}):
        response = operator_client.get(path, query)
        assert response.status_code == 200, (path, query)
        assert isinstance(response.json()["count"], int), (path, query)
