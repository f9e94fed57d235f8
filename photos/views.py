"""Function views. Every object is looked up by its UUID code *and* its owner (staff pages excepted), so
another user's upload, order or file is a 404, never a 403 that confirms it exists."""

import mimetypes
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from engine.contract import MAX_UPLOAD_MB
from engine.errors import ParamError
from engine.outfits.catalog import OUTFITS
from engine.params import CLOTHES_RANGES

from . import options, services, wording
from .forms import GrantForm, RejectForm, UploadForm
from .models import FilesDeleted, LedgerEntry, Order, StaffAction, Upload

BEAUTY_SLIDERS = tuple(wording.BEAUTY_NAMES.items())


def _balance_context(request):
    return {"balance": services.balance(request.user)} if request.user.is_authenticated else {}


def home(request):
    if request.user.is_authenticated:
        return redirect("photos:upload")
    return render(request, "photos/home.html", {"signup_credits": settings.PHOTOS_SIGNUP_CREDITS})


# --- upload and options --------------------------------------------------------------------------


@login_required
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            made = services.create_upload(request.user, form.cleaned_data["photo"])
        except services.UnusablePhoto as exc:
            error = wording.refusal(exc)
        else:
            if request.htmx:
                return HttpResponseClientRedirect(reverse("photos:workspace", args=[made.code]))
            return redirect("photos:workspace", code=made.code)
    elif request.method == "POST":
        error = _("Choose a photo first.")
    if request.htmx:
        return render(request, "photos/upload.html#upload-error", {"error": error}, status=422 if error else 200)
    recent = Upload.objects.filter(owner=request.user, files_deleted__isnull=True)[:6]
    return render(
        request,
        "photos/upload.html",
        {
            "form": form, "error": error, "recent": recent, "max_mb": MAX_UPLOAD_MB,
            "min_side": services.MIN_UPLOAD_SIDE, **_balance_context(request),
        },
        status=422 if error else 200,
    )


def _own_upload(request, code):
    """The user's upload whose original is still kept (a deleted photo cannot make new pictures)."""
    return get_object_or_404(Upload, code=code, owner=request.user, files_deleted__isnull=True)


def _own_order(request, code):
    return get_object_or_404(Order, code=code, owner=request.user)


@login_required
def workspace(request, code):
    item = _own_upload(request, code)
    # No preview on arrival: the form starts from the defaults, and a preview made with other options
    # would be paid for as something else (the preview area fills with the preview of the options shown).
    context = {
        "upload": item,
        "upload_warning": item.check_message if item.check_message != services.FACE_FOUND else "",
        "orders": item.orders.filter(kind=Order.KIND_FINAL)[:10],
        "swatches": options.SWATCHES,
        "layout_choices": options.LAYOUT_CHOICES,
        "beauty_sliders": BEAUTY_SLIDERS,
        "clothes_groups": [
            (kind, [(f"{kind}_{n}", OUTFITS[f"{kind}_{n}"].name) for n in range(1, count + 1)])
            for kind, count in CLOTHES_RANGES.items()
        ],
        "specs": options.search_specs(""),
        "specs_available": True,
        "cost": options.default_price(),  # priced by the API's own function
        **_balance_context(request),
    }
    return render(request, "photos/workspace.html", context)


def _form_error(request, error):
    """The options form's error, shown in place (422 so htmx knows nothing was created)."""
    return render(request, "photos/workspace.html#form-error", {"error": error}, status=422)


def _choice(request):
    """(Choice, error): the options form in request.POST, parsed once."""
    try:
        return options.choose(request.POST), ""
    except ParamError as exc:
        return None, wording.param_error(exc)
    except ValueError as exc:
        return None, str(exc)


@login_required
@require_POST
def cost(request, code):
    _own_upload(request, code)
    choice, error = _choice(request)
    context = {"error": error, **_balance_context(request)}
    if choice:
        context.update(cost=choice.price, summary=choice.label, notes=choice.notes)
    return render(request, "photos/workspace.html#cost", context)


@login_required
@require_GET
def spec_search(request):
    results = wording.search_specs(request.GET.get("q", ""))
    return render(request, "photos/workspace.html#spec-results", {"specs": results, "q": request.GET.get("q", "")})


@login_required
@require_GET
def spec_card(request, spec_id):
    spec = options.get_spec(spec_id)
    if spec is None:
        raise Http404("no such document")
    forbidden = sorted(options.forbidden_edits(spec))
    return render(
        request,
        "photos/workspace.html#spec-card",
        {
            "spec": spec,
            "forbidden": forbidden,
            "reasons": [(e, options.edit_reason(spec, e)) for e in forbidden if e in options.EDIT_REASONS],
            "bg_hex": options.spec_bg_hex(spec),
        },
    )


@login_required
@require_POST
def preview(request, code):
    item = _own_upload(request, code)
    choice, error = _choice(request)
    if error:
        return _form_error(request, error)
    order = services.create_preview(request.user, item, choice.params, spec_label=choice.label)
    return render(request, "photos/job.html#job", {"order": order, "notes": choice.notes})


@login_required
@require_POST
def confirm(request, code):
    item = _own_upload(request, code)
    choice, error = _choice(request)
    if error:
        return _form_error(request, error)
    context = {
        "cost": choice.price,
        "summary": choice.label,
        "notes": choice.notes,
        "idempotency_key": uuid.uuid4().hex,
        "enough": services.balance(request.user) >= choice.price,
        "params": choice.params,
        "upload": item,
        **_balance_context(request),
    }
    return render(request, "photos/workspace.html#confirm", context)


def _go(request, name, code):
    url = reverse(name, args=[code])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@require_POST
def order_create(request, code):
    item = _own_upload(request, code)
    choice, error = _choice(request)
    if error:
        messages.error(request, error)
        return _go(request, "photos:workspace", item.code)
    if str(choice.price) != request.POST.get("expected_cost", ""):
        messages.error(
            request, _("The price changed to %(n)s credits with these options. Please confirm again.") % {"n": choice.price}
        )
        return _go(request, "photos:workspace", item.code)
    preview_order = services.preview_of(item, choice.params)
    try:
        order, _created = services.create_paid_order(
            request.user,
            item,
            choice.params,
            choice.price,
            request.POST.get("idempotency_key", "")[:64],
            spec_label=choice.label,
            preview_order=preview_order,
        )
    except services.InsufficientCredits as exc:
        messages.error(
            request, _("This photo costs %(needed)s credits and you have %(available)s.") % vars(exc)
        )
        return _go(request, "photos:workspace", item.code)
    except ValueError:
        messages.error(request, _("That form expired. Please confirm again."))
        return _go(request, "photos:workspace", item.code)
    return _go(request, "photos:order", order.code)


# --- orders and files ----------------------------------------------------------------------------


@login_required
def order_detail(request, code):
    order = _own_order(request, code)
    return render(request, "photos/order.html", {"order": order, **_balance_context(request)})


@login_required
def job_status(request, code):
    order = get_object_or_404(Order, code=code) if request.user.is_staff else _own_order(request, code)
    response = render(request, "photos/job.html#job", {"order": order})
    if order.is_finished and request.GET.get("polling"):
        # The finished fragment has no hx-trigger, so polling stops; the page around it may refresh too.
        response["HX-Trigger"] = "job-finished"
    return response


def _serve(field, download, name):
    if not field:
        raise Http404("no such file")
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("file gone") from None
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type, as_attachment=download, filename=name)
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def upload_file(request, code, which):
    if request.user.is_staff:
        item = get_object_or_404(Upload, code=code)
    else:
        item = _own_upload(request, code)
    field = {"original": item.original, "thumb": item.thumbnail}.get(which)
    if field is None:
        raise Http404()
    return _serve(field, False, field.name.rsplit("/", 1)[-1])


@login_required
def order_file(request, code, which):
    staff = request.user.is_staff
    order = get_object_or_404(Order, code=code) if staff else _own_order(request, code)
    field = {"preview": order.preview, "result": order.result, "sheet": order.sheet}.get(which)
    if field is None:
        raise Http404()
    if which in ("result", "sheet") and not staff and not order.downloadable:
        raise Http404("not available yet")
    return _serve(field, bool(request.GET.get("download")), field.name.rsplit("/", 1)[-1])


@login_required
def my_photos(request):
    uploads = Upload.objects.filter(owner=request.user).exclude(files_deleted_why=FilesDeleted.OWNER)
    uploads = uploads.prefetch_related("orders")
    orders = Order.objects.filter(owner=request.user, kind=Order.KIND_FINAL).select_related("upload")
    ledger = LedgerEntry.objects.filter(user=request.user).select_related("order")[:100]
    return render(
        request,
        "photos/my.html",
        {"uploads": uploads, "orders": orders, "ledger": ledger, **_balance_context(request)},
    )


# --- staff ---------------------------------------------------------------------------------------

STATUS_FILTERS = (
    ("review", gettext_lazy("Waiting for approval")),
    ("", gettext_lazy("All")),
    *Order.STATUS_CHOICES,
)


@staff_member_required(login_url="photos:login")
def staff_orders(request):
    state = request.GET.get("state", "")
    orders = Order.objects.filter(kind=Order.KIND_FINAL).select_related("owner", "upload")
    if state == "review":
        orders = orders.filter(needs_review=True, approved=False, status=Order.DONE)
    elif state:
        orders = orders.filter(status=state)
    query = request.GET.get("q", "").strip()
    if query:
        orders = orders.filter(Q(owner__username__icontains=query) | Q(spec_label__icontains=query))
    context = {"orders": orders[:200], "state": state, "filters": STATUS_FILTERS, "q": query}
    if request.htmx:
        return render(request, "photos/staff_orders.html#rows", context)
    return render(request, "photos/staff_orders.html", context)


@staff_member_required(login_url="photos:login")
def staff_order(request, code):
    order = get_object_or_404(Order.objects.select_related("owner", "upload", "preview_order"), code=code)
    context = {
        "order": order,
        "preview_order": order.preview_order,  # the preview made with this order's options, or none
        "reject_form": RejectForm(),
        "events": order.events.select_related("by"),
        "owner_balance": services.balance(order.owner),
    }
    return render(request, "photos/staff_order.html", context)


@staff_member_required(login_url="photos:login")
@require_POST
def staff_action(request, code, action):
    order = get_object_or_404(Order, code=code)
    try:
        done = _staff_act(request, order, action)
    except services.NothingToDo as exc:
        messages.info(request, _(str(exc)))
    else:
        if done:
            messages.success(request, done)
    return redirect("photos:staff_order", code=order.code)


def _staff_act(request, order, action):
    """Run one staff action; returns the message to show, or "" when the form was not valid."""
    if action == "approve":
        services.approve(order, request.user, request.POST.get("note", ""))
        return _("Approved: the customer can download now.")
    if action == "reject":
        form = RejectForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("A rejection needs a reason the customer can act on."))
            return ""
        services.reject(order, request.user, form.cleaned_data["reason"])
        return _("Rejected, refunded and the customer was told why.")
    if action == "rerun":
        services.rerun(order, request.user, request.POST.get("note", ""))
        return _("Queued again.")
    raise Http404()


@staff_member_required(login_url="photos:login")
def staff_grant(request):
    form = GrantForm(request.POST or None, initial={"username": request.GET.get("username", "")})
    if request.method == "POST" and form.is_valid():
        services.grant_credits(form.user, form.cleaned_data["amount"], form.cleaned_data["note"], by=request.user)
        messages.success(
            request,
            _("Granted %(n)s credits to %(name)s.") % {"n": form.cleaned_data["amount"], "name": form.user.username},
        )
        return redirect("photos:staff_grant")
    recent = StaffAction.objects.select_related("staff", "target_user", "order")[:50]
    users = get_user_model().objects.order_by("-date_joined")[:20]
    return render(request, "photos/staff_grant.html", {"form": form, "recent": recent, "users": users})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
