from django.urls import path

from accounts.views import lockout

urlpatterns = [
    path("locked/", lockout.locked_list_view, name="lockout-list"),
    path("locked/unlock/", lockout.unlock_view, name="lockout-unlock"),
]
