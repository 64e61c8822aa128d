from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import operator_views, views

app_name = "web"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    # The translations app.js uses (gettext() in the page), in the request's language; no CDN.
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["codevance_api.web"]), name="javascript_catalog"),
    path("language/", views.LanguageView.as_view(), name="language"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"
    ),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("supplier/", views.OverviewView.as_view(), name="overview"),
    path("supplier/payments/", views.PaymentListView.as_view(), name="payments"),
    path("supplier/payments/<id:pk>/", views.PaymentDetailView.as_view(), name="payment_detail"),
    path("supplier/payments/<id:pk>/anticipate/", views.AnticipateView.as_view(), name="anticipate"),
    path("supplier/payments/<id:pk>/quote/", views.QuoteJsonView.as_view(), name="quote"),
    path("supplier/anticipate/", views.BatchAnticipateView.as_view(), name="anticipate_batch"),
    path("supplier/anticipate/requested/", views.BatchRequestedView.as_view(), name="anticipate_batch_requested"),
    path("supplier/history/", views.HistoryView.as_view(), name="history"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("operator/queue/", views.QueueView.as_view(), name="queue"),
    path("operator/", operator_views.DashboardView.as_view(), name="operator_dashboard"),
    path("operator/payments/", operator_views.OperatorPaymentListView.as_view(), name="operator_payments"),
    path("operator/payments/<id:pk>/", operator_views.OperatorPaymentView.as_view(), name="operator_payment"),
    path(
        "operator/anticipations/", operator_views.OperatorAnticipationListView.as_view(), name="operator_anticipations"
    ),
    path("operator/suppliers/<id:pk>/", operator_views.OperatorSupplierView.as_view(), name="operator_supplier"),
]
