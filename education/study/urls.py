from django.urls import path

from education.study import views

urlpatterns = [
    path("column/", views.column, name="column"),
    path("column/new/", views.publish, name="column_publish"),
    path("column/<int:pk>/", views.ColumnItemView.as_view(), name="column_item"),
    path("column/<int:pk>/edit/", views.EditItemView.as_view(), name="column_edit"),
    path("column/<int:pk>/withdraw/", views.WithdrawItemView.as_view(), name="column_withdraw"),
    path("column/<int:pk>/read/", views.ReadersView.as_view(), name="column_read"),
    path("study/hours/", views.study_hours, name="study_hours"),
    path("study/member/<int:pk>/", views.StudyRecordView.as_view(), name="study_record"),
    path("study/member/<int:pk>/post/", views.BranchPostView.as_view(), name="branch_post"),
    path("study/post/<int:pk>/end/", views.EndPostView.as_view(), name="branch_post_end"),
]
