from codevance_api.payments.urls import Router

from . import views

router = Router(use_regex_path=False)
router.register("budgets", views.BudgetViewSet, basename="budget")
router.register("auto-approval-rules", views.AutoApprovalRuleViewSet, basename="autoapprovalrule")

urlpatterns = router.urls
