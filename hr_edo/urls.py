from django.urls import include, path

app_name = "hr_edo"

urlpatterns = [
    path("", include("hr_edo.urls_participation")),
    path("", include("hr_edo.urls_applications")),
    path("", include("hr_edo.urls_orders")),
    path("", include("hr_edo.urls_copies")),
    path("", include("hr_edo.urls_outage")),
    path("", include("hr_edo.urls_paper")),
]
