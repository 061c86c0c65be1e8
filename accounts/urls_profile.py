from django.urls import path

from accounts.views.profile import profile_edit

urlpatterns: list = [path("profile/edit/", profile_edit, name="profile-edit")]
