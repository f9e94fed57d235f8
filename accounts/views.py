"""Sign-up with e-mail confirmation, the lock-out page, deleting photos and accounts, the data export,
the privacy page and the staff's unlock page. Views stay thin; accounts.services does the work."""

from datetime import timedelta

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db.models import Max, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from photos.forms import SignupForm
from photos.models import Upload

from . import services, throttle
from .forms import DeleteAccountForm


def signup(request):
    if request.user.is_authenticated:
        return redirect("photos:upload")
    form = SignupForm(request.POST or None)
    context = {"form": form, "signup_credits": settings.PHOTOS_SIGNUP_CREDITS}
    if request.method == "POST":
        wait_until = throttle.signup_wait(request)
        if wait_until is not None:
            context["throttled_until"] = wait_until
            return render(request, "registration/signup.html", context, status=429)
        if form.is_valid():
            user = form.save()
            throttle.record_signup(request)
            services.open_account(user)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("photos:upload")  # the page header asks to confirm the address
    return render(request, "registration/signup.html", context)


def _confirm_prompt(email):
    count = settings.PHOTOS_SIGNUP_CREDITS
    if count:
        return ngettext(
            "We sent a link to %(email)s. Open it to confirm your address and receive %(n)s free credit.",
            "We sent a link to %(email)s. Open it to confirm your address and receive %(n)s free credits.",
            count,
        ) % {"email": email, "n": count}
    return _("We sent a link to %(email)s. Open it to confirm your address.") % {"email": email}


def confirm(request, token):
    try:
        _user, outcome = services.confirm(token)
    except signing.SignatureExpired:
        return render(request, "registration/confirm_email_done.html", {"expired": True}, status=400)
    except signing.BadSignature:
        return render(request, "registration/confirm_email_done.html", {"invalid": True}, status=400)
    context = {"outcome": outcome, "credits": settings.PHOTOS_SIGNUP_CREDITS}
    return render(request, "registration/confirm_email_done.html", context)


@login_required
@require_POST
def resend(request):
    confirmation = services.waiting_confirmation(request.user)
    if confirmation is None:
        return redirect("photos:upload")
    if confirmation.sent and timezone.now() - confirmation.sent < timedelta(minutes=1):
        messages.error(request, _("A link was sent less than a minute ago. Please check your inbox and spam folder."))
    else:
        services.send_confirmation(confirmation)
        messages.info(request, _confirm_prompt(confirmation.email))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("photos:upload")
    return redirect(back)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lock-out response (AXES_LOCKOUT_CALLABLE): what happened, until when, what to do."""
    until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    context = {"until": until, "minutes": settings.LOGIN_LOCKOUT_MINUTES, "limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/locked_out.html", context, status=429)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; a new password also lifts the account's login lock-out (its owner proved who they are)."""

    success_url = reverse_lazy("photos:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response


def privacy(request):
    context = {
        "preview_days": settings.RETAIN_PREVIEW_DAYS,
        "result_days": settings.RETAIN_RESULT_DAYS,
        "original_days": settings.RETAIN_ORIGINAL_DAYS,
        "remote_api": bool(settings.PHOTOS_API_BASE_URL),
        "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "accounts/privacy.html", context)


@login_required
@require_POST
def delete_photo(request, code):
    upload = get_object_or_404(Upload, code=code, owner=request.user)
    try:
        services.delete_photo(request.user, upload)
    except services.AccountBusy as exc:
        messages.error(request, str(exc))
        return redirect("photos:workspace", code=upload.code)
    messages.success(request, _("The photo and every picture made from it were deleted."))
    return redirect("photos:my")


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_account(request.user)
        except services.AccountBusy as exc:
            messages.error(request, str(exc))
        else:
            logout(request)
            messages.success(request, _("Your account and your photos were deleted."))
            return redirect("photos:home")
    return render(request, "accounts/delete_account.html", {"form": form})


@login_required
def export(request):
    archive = services.export_archive(request.user)
    response = HttpResponse(archive, content_type="application/zip")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="idphoto-data-{stamp}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_member_required(login_url="photos:login")
def lockouts(request):
    """Accounts and addresses locked out now, with an unlock button (the admin's axes pages show all)."""
    since = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    sections = [
        (_("Accounts"), _("Username"), "username", _locked(recent, "username"), _("No account is locked out.")),
        (_("Network addresses"), _("Address"), "ip_address", _locked(recent, "ip_address"),
         _("No address is locked out.")),
    ]
    return render(request, "accounts/lockouts.html", {"sections": sections})


def _locked(attempts, field):
    """[{value, failures, last}] of the usernames or addresses with enough recent failures to be paused."""
    rows = attempts.values(field).annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    rows = rows.filter(failures__gte=settings.AXES_FAILURE_LIMIT).order_by("-last")
    return [{"value": row[field], "failures": row["failures"], "last": row["last"]} for row in rows]


@staff_member_required(login_url="photos:login")
@require_POST
def unlock(request):
    username, address = request.POST.get("username", ""), request.POST.get("ip_address", "")
    if username:
        axes_reset(username=username)
        messages.success(request, _("Unlocked the account %(name)s.") % {"name": username})
    elif address:
        axes_reset(ip=address)
        messages.success(request, _("Unlocked the address %(address)s.") % {"address": address})
    return redirect("accounts:lockouts")
