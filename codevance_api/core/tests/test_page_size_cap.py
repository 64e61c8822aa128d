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
