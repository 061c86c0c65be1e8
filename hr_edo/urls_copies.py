from django.urls import path

from hr_edo import views_copies as views

urlpatterns = [
    path("copies/", views.copy_queue_view, name="copy_queue"),
    path("copies/new/", views.copy_request_new_view, name="copy_request_new"),
    path("copies/mine/", views.copy_request_mine_view, name="copy_request_mine"),
    path("copies/<int:pk>/", views.copy_request_detail_view, name="copy_request_detail"),
    path("copies/<int:pk>/issue/", views.copy_issue_view, name="copy_issue"),
    path("copies/<int:pk>/hand-over/", views.copy_hand_over_view, name="copy_hand_over"),
    path("retention/", views.retention_list_view, name="retention_list"),
    path("retention/<int:pk>/", views.retention_decide_view, name="retention_decide"),
    path("export/", views.export_view, name="export"),
]
