from codevance_api.payments.urls import Router

from . import views

router = Router(use_regex_path=False)
router.register("control-log", views.ControlChangeViewSet, basename="controlchange")

urlpatterns = router.urls
