from django.urls import include, path

app_name = "signatures"

urlpatterns = [
    path("", include("signatures.urls_simple")),
    path("", include("signatures.urls_ca")),
    path("", include("signatures.urls_verify")),
]
