from django.urls import path

from accounts.views import grants

urlpatterns = [
    path("access/queue/", grants.access_queue, name="access-queue"),
    path("access/tasks/<int:task_id>/decide/", grants.access_task_decide, name="access-decide"),
    path("access/mine/", grants.my_access, name="access-mine"),
    path("access/overdue/", grants.access_overdue, name="access-overdue"),
    path("orders/", grants.order_list, name="orders"),
    path("orders/new/", grants.order_create, name="order-new"),
]
