from django.http import Http404
from django.urls import path


def _queue_placeholder(request):
    raise Http404  # the responsible person's queue arrives with the grants module


urlpatterns: list = [path("access/queue/", _queue_placeholder, name="access-queue")]
