from django.contrib.auth import views as auth_views

from accounts.forms import LoginForm
from accounts.views.profile import profile  # noqa: F401 - accounts/urls.py: views.profile


class LoginView(auth_views.LoginView):
    """Sign-in. An address with too many recent failed logins is refused before any password
    is checked (``accounts.lockout``); a locked account gets the locked page from axes."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        from accounts.lockout import address_throttled, throttled_response

        if address_throttled(request):
            return throttled_response(request)
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    pass
