"""Thin HTTP layer of the web area: parse the request, call one selector or service, render a page.

Every rule (who sees what, what may be anticipated, the price, decisions) is in the payments
rules, services and selectors, exactly the code the API runs."""

import math
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from rest_framework.exceptions import Throttled

from codevance_api.accounts.services import user_set_language
from codevance_api.accounts.password_reset import (
    AccountPasswordResetForm,
    PasswordResetThrottled,
    password_reset_request,
)
from codevance_api.core.dates import today
from codevance_api.core.errors import ApplicationError, CompactJsonResponse, Conflict, NotFound, ValidationFailed
from codevance_api.core.exceptions import error_body
from codevance_api.core.net import client_ip
from codevance_api.core.throttling import rate_limit_wait, write_wait
from codevance_api.core.ranges import parse_id
from codevance_api.payments import rules, selectors, services
from codevance_api.payments.models import AnticipationStatus, PaymentStatus
from codevance_api.payments.serializers import quote_data

from . import selectors as web_selectors
from .errors import error_page, throttled_page
from .forms import (
    AnticipationDateForm,
    BatchAnticipationForm,
    default_batch_date,
    DecisionForm,
    LanguageForm,
    PaymentIdListField,
)
from .templatetags.web import business_day_note, day, money, short_status_label

PAGE_SIZE = 10
QUEUE_PAGE_SIZE = 20


def too_many_requests(request, wait: float, message: str):
    """429 with Retry-After, as the API answers a throttled request."""
    seconds = max(1, math.ceil(wait))
    return error_page(request, 429, message, retry_after=seconds)


def paginate(request, items, per_page: int = PAGE_SIZE) -> Page:
    """`?page=` from 1 up; anything else is a 400 naming the parameter, a page past the end a 404."""
    number = parse_id(request.GET.get("page", "").strip() or "1")
    if number is None:
        raise ValidationFailed(_("The page must be a whole number from 1 up."), field="page", code="invalid_page")
    paginator = Paginator(items, per_page)
    if number > paginator.num_pages:
        raise NotFound(_("That page is past the last page."), code="page_not_found")
    return paginator.page(number)


class WebView(View):
    """Answers 403, 404, 429 (a `Throttled` raised, with Retry-After) and domain errors with pages of the web area."""

    def dispatch(self, request, *args, **kwargs):
        try:
            self.check_access(request)
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            return error_page(request, 404, _("There is nothing here, or it is not yours to see."))
        except PermissionDenied as error:
            return error_page(request, 403, str(error) or _("You are not allowed to see this page."))
        except ApplicationError as error:
            return error_page(request, error.status_code, error.message)
        except Throttled as error:
            return throttled_page(request, error.wait)

    def check_access(self, request):
        """Raise PermissionDenied if the logged-in user may not use this page."""


class SupplierView(LoginRequiredMixin, WebView):
    """A page of the supplier area: only the user's own supplier company, whoever else it may see."""

    def check_access(self, request):
        self.supplier = selectors.supplier_of(request.user)
        if self.supplier is None:
            raise PermissionDenied(_("This page is for suppliers: your account is not linked to a supplier company."))

    def own_payment(self, pk):
        payments = web_selectors.supplier_payments(user=self.request.user, supplier=self.supplier)
        return get_object_or_404(payments, pk=pk)


class OperatorView(LoginRequiredMixin, WebView):
    def check_access(self, request):
        if not selectors.user_is_operator(request.user):
            raise PermissionDenied(_("Only operators can decide anticipations."))


# --- Login, logout, password reset --------------------------------------------------------


class HomeView(LoginRequiredMixin, WebView):
    """The landing page sends each user to its area: a supplier to its overview, an operator to the operator
    dashboard (fresh-user review: the dashboard, not the queue, is where an operator's day starts)."""

    def get(self, request):
        if selectors.supplier_of(request.user) is not None:
            return redirect("web:overview")
        if selectors.user_is_operator(request.user):
            return redirect("web:operator_dashboard")
        raise PermissionDenied(_("Your account is neither a supplier nor an operator: there is nothing for it here."))


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link or an image cannot log anybody out."""


class LanguageView(WebView):
    """GET: the language form; POST: save the choice (a logged-in user's preference, and the language
    cookie for the pages seen before logging in) and go back to `next` (this site only)."""

    def get(self, request):
        form = LanguageForm(initial={"language": get_language(), "next": request.GET.get("next", "")})
        return render(request, "web/language.html", {"form": form})

    def post(self, request):
        form = LanguageForm(request.POST)
        if not form.is_valid():
            return render(request, "web/language.html", {"form": form}, status=400)
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            user_set_language(user=request.user, language=language)
        target = form.cleaned_data["next"]
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            target = reverse("web:home")
        response = HttpResponseRedirect(target)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE or request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer for every address; throttled per client address (429) and per account (silently).

    The account lookup and the email happen in a task (accounts/password_reset.py), so the request
    costs the same whether or not the address has an account.
    """

    template_name = "web/password_reset_form.html"
    email_template_name = "web/email/password_reset_email.txt"
    subject_template_name = "web/email/password_reset_subject.txt"
    success_url = reverse_lazy("web:password_reset_done")
    form_class = AccountPasswordResetForm

    def form_valid(self, form):
        try:
            password_reset_request(
                email=form.cleaned_data["email"],
                client_ip=client_ip(self.request),
                domain=self.request.get_host(),
                use_https=self.request.is_secure(),
                templates={
                    "subject_template_name": self.subject_template_name,
                    "email_template_name": self.email_template_name,
                },
            )
        except PasswordResetThrottled as throttled:
            return too_many_requests(
                self.request, throttled.wait, _("Too many password reset requests from your address.")
            )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "web/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "web/password_reset_confirm.html"
    success_url = reverse_lazy("web:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "web/password_reset_complete.html"


# --- Supplier area --------------------------------------------------------------------------


class OverviewView(SupplierView):
    def get(self, request):
        overview = web_selectors.supplier_overview(user=request.user, supplier=self.supplier)
        return render(request, "web/overview.html", {"supplier": self.supplier, "overview": overview})


class PaymentListView(SupplierView):
    """One tab per state (`?status=`), sortable (`?sort=due_date|-due_date|value|-value`), paginated."""

    def get(self, request):
        raw_status = request.GET.get("status", "").strip()
        status = selectors.parse_payment_status(raw_status).value if raw_status else ""
        sort = web_selectors.parse_payment_sort(request.GET.get("sort"))
        payments = web_selectors.supplier_payment_list(
            user=request.user, supplier=self.supplier, status=status, sort=sort
        )
        page = paginate(request, payments)
        counts = web_selectors.supplier_state_counts(user=request.user, supplier=self.supplier, on=today())
        tabs = [{"status": "", "label": _("All"), "count": sum(summary.count for summary in counts.values())}]
        tabs += [
            {"status": state.value, "label": short_status_label(state), "count": counts[state.value].count}
            for state in PaymentStatus
        ]
        context = {
            "supplier": self.supplier,
            "page": page,
            "status": status,
            "status_label": PaymentStatus(status).label if status else _("All"),
            "tabs": tabs,
            "available_count": counts[PaymentStatus.AVAILABLE.value].count,
            "sort": sort,
            "columns": {column: _sort_link(column, sort) for column in ("due_date", "value")},
        }
        return render(request, "web/payments.html", context)


def _sort_link(column: str, current: str) -> dict:
    """The header link of a sortable column: ascending first, then toggling; `aria-sort` says which is on."""
    if current == column:
        return {"sort": f"-{column}", "aria_sort": "ascending"}
    if current == f"-{column}":
        return {"sort": column, "aria_sort": "descending"}
    return {"sort": column, "aria_sort": "none"}


class PaymentDetailView(SupplierView):
    def get(self, request, pk):
        payment = self.own_payment(pk)
        logs = web_selectors.payment_history(user=request.user, payment=payment)
        return render(request, "web/payment_detail.html", {"payment": payment, "logs": logs})


class AnticipateView(SupplierView):
    """GET: pick a date and see its quote (works without JavaScript); POST: confirm the request."""

    def get(self, request, pk):
        payment = self.own_payment(pk)
        if payment.status != PaymentStatus.AVAILABLE:
            return self._render(payment, None, None, status=409)
        if "new_due_date" not in request.GET:
            return self._render(payment, AnticipationDateForm(payment=payment), None)
        form = AnticipationDateForm(request.GET, payment=payment)
        quote, status = None, 200
        if form.is_valid():
            try:
                quote = selectors.payment_quote(payment=payment, new_due_date=form.cleaned_data["new_due_date"])
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status_code
        else:
            status = 400
        return self._render(payment, form, quote, status=status)

    def post(self, request, pk):
        payment = self.own_payment(pk)
        wait = write_wait(request.user)
        if wait is not None:
            return too_many_requests(request, wait, _("Too many requests from your account."))
        form = AnticipationDateForm(request.POST, payment=payment)
        if not form.is_valid():
            return self._render(payment, form, None, status=400)
        try:
            anticipation = services.anticipation_request(
                actor=request.user, payment_id=payment.pk, new_due_date=form.cleaned_data["new_due_date"]
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            payment = self.own_payment(pk)
            return self._render(payment, form, None, status=error.status_code)
        messages.success(
            request,
            _(
                "Anticipation requested: payment #%(payment_id)s would be paid %(value)s on %(date)s. An operator "
                "will approve or deny it; we emailed you a copy."
            )
            % {
                "payment_id": payment.pk,
                "value": money(anticipation.new_value),
                "date": day(anticipation.new_due_date),
            },
        )
        return redirect("web:payment_detail", pk=payment.pk)

    def _render(self, payment, form, quote, status=200):
        context = {
            "payment": payment,
            "form": form,
            "quote": quote,
            "quote_url": reverse("web:quote", args=[payment.pk]),
            "monthly_rate_percent": format((settings.ANTICIPATION_MONTHLY_RATE * 100).normalize(), "f"),
        }
        return render(self.request, "web/anticipate.html", context, status=status)


class QuoteJsonView(SupplierView):
    """The live quote of the anticipate page: `selectors.payment_quote` as the API's quote JSON (plus the
    payment's value and the figures formatted for display), errors in the API's shape."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return CompactJsonResponse(error_body(code="not_authenticated", message=_("Log in first.")), status=401)
        if selectors.supplier_of(request.user) is None:
            return CompactJsonResponse(
                error_body(code="permission_denied", message=_("Only suppliers get quotes.")), status=403
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        payments = web_selectors.supplier_payments(user=request.user, supplier=self.supplier)
        payment = payments.filter(pk=pk).first()
        if payment is None:
            return CompactJsonResponse(error_body(code="not_found", message=_("Not found.")), status=404)
        form = AnticipationDateForm(request.GET, payment=payment)
        if not form.is_valid():
            errors = {field: list(messages_) for field, messages_ in form.errors.items()}
            return CompactJsonResponse(
                error_body(code="validation_error", message=errors["new_due_date"][0], errors=errors), status=400
            )
        new_due_date = form.cleaned_data["new_due_date"]
        try:
            quote = selectors.payment_quote(payment=payment, new_due_date=new_due_date)
        except ApplicationError as error:
            extra = dict(error.extra)
            errors = extra.pop("errors", None) or ({error.field: [error.message]} if error.field else None)
            # The same body as the API's handler (core/exceptions.py), extra keys included.
            body = error_body(code=error.code, message=error.message, errors=errors, **extra)
            return CompactJsonResponse(body, status=error.status_code)
        return CompactJsonResponse(
            {
                **quote_data(quote),
                "value": str(payment.value),
                # Formatted by the server too, so the page's script shows numbers and never computes them.
                "display": {
                    "new_due_date": day(new_due_date),
                    "days": ngettext("%(days)d day", "%(days)d days", quote.days) % {"days": quote.days},
                    "value": money(payment.value),
                    "discount": money(quote.discount),
                    "new_value": money(quote.new_value),
                    "business_day_note": business_day_note(new_due_date),
                },
            }
        )


class HistoryView(SupplierView):
    def get(self, request):
        logs = web_selectors.supplier_history(user=request.user, supplier=self.supplier)
        return render(request, "web/history.html", {"page": paginate(request, logs, per_page=20)})


class BatchAnticipateView(SupplierView):
    """Anticipate several payments to one date: GET shows the quote of the selected payments (`payment`,
    repeated) or of every available one (`all=1`) to `new_due_date` (today by default), payment by
    payment and in total; POST confirms exactly the quoted payments through services.anticipation_request_batch
    (all or nothing), then sends the supplier to the page listing what was requested."""

    def get(self, request):
        data = request.GET.copy()
        if "new_due_date" not in data:
            # Shown in the date field: the overview's "today" (the next business day when today is closed).
            data["new_due_date"] = default_batch_date().isoformat()
        form = BatchAnticipationForm(data)
        if not form.is_valid():
            return self._render(form, status=400)
        return self._quote(form)

    def post(self, request):
        wait = write_wait(request.user)
        if wait is not None:
            return too_many_requests(request, wait, _("Too many requests from your account."))
        form = BatchAnticipationForm(request.POST, confirm=True)
        if not form.is_valid():
            return self._render(form, status=400)
        payment_ids, new_due_date = form.cleaned_data["payment"], form.cleaned_data["new_due_date"]
        try:
            anticipations = services.anticipation_request_batch(
                actor=request.user, payment_ids=payment_ids, new_due_date=new_due_date
            )
        except (rules.BatchRejected, Conflict) as error:
            if self._sent_twice(error, payment_ids, new_due_date):
                messages.info(request, _("These anticipations had already been requested (the confirmation was "
                                         "sent twice): nothing new was requested."))
                return redirect(requested_url(payment_ids))
            problem = _("Nothing was requested: some payments can no longer be anticipated to %(date)s. "
                        "Check the new quote below and confirm again.") % {"date": day(new_due_date)}
            return self._quote(form, problem=problem, status=409)
        except ApplicationError as error:
            # A rule on the whole batch (not a business day, too many payments): nothing was written.
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self._render(form, status=error.status_code)
        total = sum((anticipation.new_value for anticipation in anticipations), Decimal("0.00"))
        messages.success(
            request,
            ngettext(
                "Anticipation requested for %(count)d payment: you would receive %(total)s on %(date)s. "
                "An operator will approve or deny it; we emailed you a copy.",
                "Anticipations requested for %(count)d payments: you would receive %(total)s on %(date)s. "
                "An operator will approve or deny each; we emailed you a copy of each.",
                len(anticipations),
            ) % {"count": len(anticipations), "total": money(total), "date": day(new_due_date)},
        )
        return redirect(requested_url(payment_ids))

    def _sent_twice(self, error, payment_ids, new_due_date) -> bool:
        failures = getattr(error, "failures", None)
        if failures is not None:
            if any(failure.code != "payment_already_anticipated" for failure in failures.values()):
                return False
        elif error.code != "payment_already_anticipated":
            return False
        return web_selectors.supplier_already_requested(
            user=self.request.user, supplier=self.supplier, payment_ids=payment_ids, new_due_date=new_due_date
        )

    def _quote(self, form, problem: str | None = None, status: int = 200):
        data = form.cleaned_data
        capped = False
        if data.get("all"):
            payment_ids, capped = web_selectors.supplier_available_payment_ids(
                user=self.request.user, supplier=self.supplier
            )
        else:
            payment_ids = data["payment"]
        if not payment_ids:
            return self._render(form, payment_ids=[], status=status, problem=problem)
        try:
            batch = web_selectors.supplier_batch_quote(
                user=self.request.user, payment_ids=payment_ids, new_due_date=data["new_due_date"]
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self._render(form, payment_ids=payment_ids, status=error.status_code, problem=problem)
        if not batch.quotes and len({failure.code for failure in batch.left_out.values()}) == 1:
            # Every payment refused for the same reason (a date in the past, after every due date...):
            # one message on the date rather than the same one per payment.
            failure = next(iter(batch.left_out.values()))
            if failure.field in form.fields:
                form.add_error(failure.field, failure.message)
                status = status if status != 200 else failure.status_code
        return self._render(form, payment_ids=payment_ids, batch=batch, capped=capped, status=status, problem=problem)

    def _render(self, form, *, payment_ids=None, batch=None, capped=False, status=200, problem=None):
        data = getattr(form, "cleaned_data", {})
        context = {
            "form": form,
            "all": bool(data.get("all")) and not form.confirm,
            "payment_ids": payment_ids if payment_ids is not None else data.get("payment", []),
            "batch": batch,
            "capped": capped,
            "max_payments": rules.BATCH_MAX_PAYMENTS,
            "problem": problem,
            "monthly_rate_percent": format((settings.ANTICIPATION_MONTHLY_RATE * 100).normalize(), "f"),
        }
        return render(self.request, "web/anticipate_batch.html", context, status=status)


def requested_url(payment_ids: list[int]) -> str:
    """The address of the page listing what a batch request asked for: `?payment=` once per id."""
    return f"{reverse('web:anticipate_batch_requested')}?{urlencode([('payment', pk) for pk in payment_ids])}"


class BatchRequestedView(SupplierView):
    """What a batch request asked for (`?payment=` once per id, at most BATCH_MAX_PAYMENTS): each payment
    as it is now, and the totals of the pending requests. Another supplier's ids are not shown."""

    def get(self, request):
        field = PaymentIdListField(required=True)
        try:
            payment_ids = field.clean(request.GET.getlist("payment"))
        except forms.ValidationError as error:
            raise ValidationFailed(" ".join(error.messages), field="payment", code="invalid")
        requested = web_selectors.supplier_requested_batch(
            user=request.user, supplier=self.supplier, payment_ids=payment_ids
        )
        return render(request, "web/anticipate_batch_requested.html", {"requested": requested})


# --- Every user ------------------------------------------------------------------------------


# The rate of password changes per account: the "auth" scope, as the API's token endpoints.
PROFILE_RATE_SCOPE = "auth"


class ProfileView(LoginRequiredMixin, auth_views.PasswordChangeView):
    """`/profile/`: who the user is (email, role, its supplier company and CNPJ) and a password change.

    Django's PasswordChangeView: the old password must be right (a form error otherwise), the new one
    passes AUTH_PASSWORD_VALIDATORS, and the session survives the change (update_session_auth_hash).
    Each attempt counts against the "auth" rate of the account (THROTTLE_AUTH_RATE): a stolen
    session cannot guess the old password at speed. Over it: the 429 page with Retry-After.
    """

    template_name = "web/profile.html"
    success_url = reverse_lazy("web:profile")

    def post(self, request, *args, **kwargs):
        wait = rate_limit_wait(scope=PROFILE_RATE_SCOPE, ident=f"password-change:user:{request.user.pk}")
        if wait is not None:
            return too_many_requests(request, wait, _("Too many password change attempts."))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed. You are still logged in here."))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(supplier=selectors.supplier_of(user), operator=selectors.user_is_operator(user))
        return context


# --- Operator area --------------------------------------------------------------------------


class QueueView(OperatorView):
    """Pending anticipations, oldest first (`?supplier=` filters); POST approves or denies the selected ones."""

    def get(self, request):
        return self._render(DecisionForm())

    def post(self, request):
        # A bad filter in the address is refused before anything is decided.
        web_selectors.parse_queue_supplier(user=request.user, raw=request.GET.get("supplier"))
        wait = write_wait(request.user)
        if wait is not None:
            return too_many_requests(request, wait, _("Too many requests from your account."))
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self._render(form, status=400)
        decision = form.cleaned_data["decision"]
        result = services.anticipation_decide_many(
            actor=request.user,
            anticipation_ids=form.cleaned_data["ids"],
            status=decision,
            reason=form.cleaned_data["reason"],
        )
        for anticipation_id in form.cleaned_data["ids"]:
            if anticipation_id in result.failures:
                messages.error(
                    request,
                    _("Anticipation #%(id)s: %(message)s")
                    % {"id": anticipation_id, "message": result.failures[anticipation_id].message},
                )
        decided = len(result.decided)
        if decided:
            if decision == AnticipationStatus.APPROVED:
                text = ngettext(
                    "%(count)d anticipation approved; the suppliers are being emailed.",
                    "%(count)d anticipations approved; the suppliers are being emailed.",
                    decided,
                )
            else:
                text = ngettext(
                    "%(count)d anticipation denied; the suppliers are being emailed.",
                    "%(count)d anticipations denied; the suppliers are being emailed.",
                    decided,
                )
            messages.success(request, text % {"count": decided})
        if result.awaiting_second:
            ids = ", ".join(f"#{anticipation.pk}" for anticipation in result.awaiting_second)
            messages.warning(
                request,
                _("Your approval of %(ids)s is recorded; a second, different operator must approve (four eyes).")
                % {"ids": ids},
            )
        return HttpResponseRedirect(request.get_full_path())

    def _render(self, form, status=200):
        supplier = web_selectors.parse_queue_supplier(user=self.request.user, raw=self.request.GET.get("supplier"))
        pending = web_selectors.pending_anticipations(
            user=self.request.user, supplier_id=supplier.pk if supplier else None
        )
        context = {
            "form": form,
            "page": paginate(self.request, pending, per_page=QUEUE_PAGE_SIZE),
            "suppliers": web_selectors.queue_suppliers(user=self.request.user),
            "selected_supplier": supplier,
            "today": today(),
        }
        return render(self.request, "web/queue.html", context, status=status)
