import pytest

pytestmark = pytest.mark.django_db


def test_the_benchmarks_floor_view_is_not_served_by_the_production_urls(client):
    # bench/urls.py adds it for the benchmark only (DJANGO_SETTINGS_MODULE=bench.settings).
    assert client.get("/bench/floor/").status_code == 404
