from codevance_api.payments.urls import Router

from . import views

router = Router(use_regex_path=False)
router.register("webhooks", views.WebhookEndpointViewSet, basename="webhook")

urlpatterns = router.urls
