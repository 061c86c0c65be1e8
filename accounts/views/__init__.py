from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.forms import LoginForm
from accounts.roles import role_label
from accounts.selectors import user_profile_get


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@never_cache
@login_required
def profile(request):
    user = user_profile_get(user_id=request.user.pk)
    return render(
        request,
        "accounts/profile.html",
        {
            "profile": user,
            "role_names": [role_label(code) for code in sorted(user.role_codes)],
        },
    )
