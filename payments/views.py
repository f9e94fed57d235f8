"""Thin function views: the buy page, the customer's purchases and receipts, the webhook, staff refunds."""

import logging

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from photos.services import balance

from . import packs, services, stripe_api
from .models import Purchase

log = logging.getLogger(__name__)


@login_required
def buy(request):
    error = ""
    if request.method == "POST":
        try:
            purchase = services.start_purchase(request.user, request.POST.get("pack", ""))
        except services.PurchaseError as exc:
            error = str(exc)
        else:
            return _see_other(purchase.checkout_url)
    context = {
        "packs": [dict(pack, price=packs.money(pack["amount"], pack["currency"])) for pack in packs.all_packs()],
        "configured": stripe_api.configured(),
        "cancelled": bool(request.GET.get("cancelled")),
        "error": error,
        "balance": balance(request.user),
    }
    response = render(request, "payments/buy.html", context, status=400 if error else 200)
    if context["configured"]:
        # A Content-Security-Policy form-action also governs the redirect after the post: allow Checkout's origin.
        response._csp_update = {"form-action": [stripe_api.checkout_origin()]}
    return response


def _see_other(url):
    """303: the browser follows with a GET to Stripe's hosted checkout page."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


@login_required
def purchases(request):
    rows = Purchase.objects.filter(user=request.user).exclude(session_id=None)
    return render(request, "payments/purchases.html", {"purchases": rows})


@login_required
def purchase(request, code):
    """The receipt, and the page Checkout returns to: it only shows state (the webhook grants)."""
    item = get_object_or_404(Purchase, code=code, user=request.user)
    context = {"purchase": item, "checkout": services.checkout_state(item), "balance": balance(request.user)}
    return render(request, "payments/purchase.html", context)


@login_required
@require_GET
def purchase_status(request, code):
    item = get_object_or_404(Purchase, code=code, user=request.user)
    # The fragment also carries the header's balance (an out-of-band swap), so it updates once credited.
    context = {"purchase": item, "balance": balance(request.user), "oob": True}
    return render(request, "payments/purchase.html#status", context)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    if not stripe_api.configured():
        return HttpResponse(status=404)
    try:
        event = stripe_api.verified_event(request.body, request.headers.get("Stripe-Signature"))
    except (stripe_api.SignatureVerificationError, ValueError) as exc:
        log.warning("refused a Stripe webhook: %s", exc)
        return HttpResponseBadRequest("bad signature")
    outcome = services.handle_event(event)
    log.info("Stripe event %s (%s): %s", event.get("id"), event.get("type"), outcome)
    return HttpResponse(outcome, content_type="text/plain")


# --- staff ---------------------------------------------------------------------------------------


@staff_member_required(login_url="photos:login")
def staff_purchases(request):
    rows = Purchase.objects.exclude(session_id=None).select_related("user").prefetch_related("log__staff")
    state = request.GET.get("state", "")
    if state:
        rows = rows.filter(status=state)
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(
            Q(user__username__icontains=query) | Q(session_id=query) | Q(payment_intent=query)
            | Q(code__icontains=query)
        )
    context = {"purchases": rows[:200], "state": state, "q": query, "statuses": Purchase.STATUS_CHOICES}
    return render(request, "payments/staff_purchases.html", context)


@staff_member_required(login_url="photos:login")
@require_POST
def staff_refund(request, code):
    item = get_object_or_404(Purchase, code=code)
    try:
        item = services.refund(item, request.user)
    except services.PurchaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Refunded. %(removed)d credits were taken back; %(kept)d had already been spent.")
            % {"removed": item.credits_removed, "kept": item.credits_kept},
        )
    return redirect(reverse("payments:staff_purchases") + f"?q={item.code}")
