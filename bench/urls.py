"""The service's URLs plus the floor: a plain Django view returning a fixed 10-item JSON list."""

from django.http import JsonResponse
from django.urls import path

from codevance_api.urls import handler404, handler500, urlpatterns as service_urlpatterns  # noqa: F401

FLOOR_ITEMS = [{"id": n, "value": f"{n * 100}.00", "status": "A"} for n in range(1, 11)]


def floor(request):
    return JsonResponse(FLOOR_ITEMS, safe=False)


urlpatterns = [*service_urlpatterns, path("bench/floor/", floor)]
