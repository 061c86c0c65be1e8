from django.urls import path

from accounts.views.agreement import agreement_view

urlpatterns: list = [path("agreement/", agreement_view, name="agreement")]
