from django.urls import path

from hr_edo import views_inbox, views_orders

urlpatterns = [
    path("orders/", views_orders.order_list, name="order_list"),
    path("orders/new/", views_orders.order_new, name="order_new"),
    path("orders/<int:pk>/", views_orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/edit/", views_orders.order_edit, name="order_edit"),
    path("orders/<int:pk>/submit/", views_orders.order_submit, name="order_submit"),
    path("orders/<int:pk>/sign/", views_orders.order_sign, name="order_sign"),
    path("orders/<int:pk>/new-version/", views_orders.order_new_version, name="order_new_version"),
    path("my/", views_inbox.inbox, name="inbox"),
    path("my/<int:pk>/", views_inbox.inbox_detail, name="inbox_detail"),
    path("my/<int:pk>/acknowledge/", views_inbox.inbox_acknowledge, name="inbox_acknowledge"),
]
