from django.urls import path

from transfers import views

app_name = "transfers"
urlpatterns = [
    path("", views.queues, name="queues"),
    path("history/", views.history, name="history"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("start/<int:pk>/", views.StartTransferView.as_view(), name="start"),
    path("start/batch/", views.start_batch, name="start_batch"),
    path("organizations/", views.organization_options, name="org_options"),
    path("<int:pk>/", views.TransferDetailView.as_view(), name="detail"),
    path("<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("<int:pk>/approve/", views.ApproveView.as_view(), name="approve"),
    path("<int:pk>/reject/", views.RejectView.as_view(), name="reject"),
    path("<int:pk>/issue/", views.IssueView.as_view(), name="issue"),
    path("<int:pk>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("<int:pk>/receive/", views.ReceiveView.as_view(), name="receive"),
    path("<int:pk>/return-receipt/", views.ReturnReceiptView.as_view(), name="return_receipt"),
    path("<int:pk>/record-receipt/", views.RecordReceiptView.as_view(), name="record_receipt"),
    path("<int:pk>/reissue/", views.ReissueView.as_view(), name="reissue"),
    path("<int:pk>/letter/", views.LetterView.as_view(), name="letter"),
]
