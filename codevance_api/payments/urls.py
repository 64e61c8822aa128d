from django.urls import path

from . import views

urlpatterns = [
    path("payments/", views.PaymentListCreateView.as_view(), name="payment-list"),
    path("payments/quote/", views.PaymentBatchQuoteView.as_view(), name="payment-batch-quote"),
    path("payments/<id:pk>/", views.PaymentDetailView.as_view(), name="payment-detail"),
    path("payments/<id:pk>/quote/", views.PaymentQuoteView.as_view(), name="payment-quote"),
    path("anticipations/", views.AnticipationListCreateView.as_view(), name="anticipation-list"),
    path("anticipations/batch/", views.AnticipationBatchView.as_view(), name="anticipation-batch"),
    path("anticipations/<id:pk>/", views.AnticipationDetailView.as_view(), name="anticipation-detail"),
    path("logs/", views.RequestLogListView.as_view(), name="requestlog-list"),
]
