from django.http import Http404


def object_history(request, app_label, model_name, pk):
    raise Http404  # the audit browser arrives with the audit issue
