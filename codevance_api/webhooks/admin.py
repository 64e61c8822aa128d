import math

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.defaultfilters import truncatechars
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from codevance_api.core.admin import RangeCheckedAdminMixin, ServiceSavedAdmin
from codevance_api.core.errors import ApplicationError
from codevance_api.core.throttling import write_wait
from codevance_api.payments.selectors import user_is_operator

from . import addresses
from .models import URL_MAX_LENGTH, DeliveryState, WebhookDelivery, WebhookEndpoint, WebhookEvent
from .services import (
    webhook_endpoint_create,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
    webhooks_send_again,
)

# The most deliveries one "send again" may name.
SEND_AGAIN_MAX = 100
# The session key naming the endpoint whose new signing secret its page shows once (never the secret).
REGISTERED_ENDPOINT_SESSION_KEY = "webhooks.registered_endpoint"
# The most endpoints one "rotate secret" may name (their new secrets are shown on one page).
ROTATE_MAX = 10


def _throttled(modeladmin, request) -> bool:
    """Tell the user and answer True when their write rate is exceeded (core.throttling.write_wait)."""
    wait = write_wait(request.user)
    if wait is None:
        return False
    modeladmin.message_user(
        request,
        _("Too many requests from your account; try again in %(seconds)s seconds.") % {"seconds": math.ceil(wait)},
        messages.ERROR,
    )
    return True


@admin.action(description=gettext_lazy("Rotate secret (the old one stays valid 24 h)"), permissions=["change"])
def rotate_secret(modeladmin, request, queryset):
    """Admin action: roll the selected endpoints' secrets (webhook_endpoint_rotate_secret, the replaced secret
    valid 24 h more) and show the new ones on a page of their own, once: never in a list, a message or a log.
    Refused, changing nothing, for more than ROTATE_MAX (10) selected or when the user's write rate is
    exceeded. Raises nothing. Source: issue 16, point 5 (signing)."""
    selected = list(queryset.order_by("pk").values_list("pk", flat=True)[: ROTATE_MAX + 1])
    if len(selected) > ROTATE_MAX:
        modeladmin.message_user(
            request, _("Select at most %(max)s endpoints at a time; no secret was changed.") % {"max": ROTATE_MAX},
            messages.ERROR,
        )
        return None
    if _throttled(modeladmin, request):
        return None
    endpoints = [webhook_endpoint_rotate_secret(actor=request.user, endpoint_id=pk) for pk in selected]
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": _("New signing secrets"),
        "endpoints": endpoints,
    }
    # The admin's views answer `Cache-Control: no-store` (never_cache): no copy of the secrets in a cache.
    return TemplateResponse(request, "admin/webhooks/rotated_secrets.html", context)


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=URL_MAX_LENGTH, assume_scheme="https")
    events = forms.MultipleChoiceField(choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "events", "active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        if self.instance.pk is None or url != self.instance.url:
            try:
                addresses.resolve(url)  # the same rule as the API's and every delivery's
            except ApplicationError as error:
                raise ValidationError(error.message)
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ServiceSavedAdmin):
    form = WebhookEndpointForm
    list_display = ("id", "url", "events", "active", "created_by", "created_at")
    list_filter = ("active",)
    search_fields = ("url",)
    list_select_related = ("created_by",)
    actions = [rotate_secret]

    def get_readonly_fields(self, request, obj=None):
        return ("secret_hint", "previous_secret_expires_at", "created_by", "created_at") if obj is not None else ()

    @admin.display(description=gettext_lazy("Secret"))
    def secret_hint(self, obj):
        """The signing secret's last 4 characters, enough to tell which one a receiver holds: the whole
        secret is shown once, on the page a registration leads to (render_change_form), as the API shows
        it only in the creation's answer. Whoever lost it rolls it (action "Rotate secret")."""
        return _("ends in …%(end)s (shown once, when registered or rotated)") % {"end": obj.secret[-4:]}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        shown_once = request.method == "GET" and request.session.get(REGISTERED_ENDPOINT_SESSION_KEY)
        if obj is not None and shown_once == obj.pk:
            del request.session[REGISTERED_ENDPOINT_SESSION_KEY]
            context["new_secret"] = obj.secret
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def response_add(self, request, obj, post_url_continue=None):
        # The new secret is shown on the endpoint's page after the redirect, once; the session keeps only
        # the endpoint's id, never the secret, and a reload of that page shows the hint.
        request.session[REGISTERED_ENDPOINT_SESSION_KEY] = obj.pk
        return HttpResponseRedirect(reverse("admin:webhooks_webhookendpoint_change", args=[obj.pk]))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                # Only what the form changed: an unchanged URL is not looked up again (as clean_url).
                changes = {name: data[name] for name in ("url", "events", "active") if name in form.changed_data}
                if changes:
                    webhook_endpoint_update(actor=request.user, endpoint_id=obj.pk, **changes)
                return
            # The service checks the URL again: its DNS answer may have changed since the form's check.
            created = webhook_endpoint_create(
                actor=request.user, url=data["url"], events=data["events"], active=data["active"]
            )
        except ApplicationError as error:
            self.refuse(request, error)
        obj.pk, obj.secret, obj.created_by, obj.created_at = (
            created.pk, created.secret, created.created_by, created.created_at
        )
        obj._state.adding = False

    # The services take operators only (a superuser who is not an operator reads, as in the API).
    def has_add_permission(self, request):
        return super().has_add_permission(request) and user_is_operator(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and user_is_operator(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description=gettext_lazy("Send again (failed or sent deliveries)"), permissions=["change"])
def send_again(modeladmin, request, queryset):
    """Admin action: send the selected failed or sent deliveries again (webhooks_send_again); pending ones are
    left alone. Refused, sending nothing, for more than SEND_AGAIN_MAX (100) selected or when the user's write
    rate is exceeded (core.throttling.write_wait). Raises nothing."""
    selected = list(queryset.order_by("pk").values_list("pk", flat=True)[: SEND_AGAIN_MAX + 1])
    if len(selected) > SEND_AGAIN_MAX:
        modeladmin.message_user(
            request, _("Select at most %(max)s deliveries at a time; nothing was sent.") % {"max": SEND_AGAIN_MAX},
            messages.ERROR,
        )
        return
    if _throttled(modeladmin, request):
        return
    count = webhooks_send_again(delivery_ids=selected)
    if count:
        modeladmin.message_user(
            request,
            ngettext("%(count)s delivery will be sent again.", "%(count)s deliveries will be sent again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
    left = len(selected) - count
    if left:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)s selected delivery was pending and was left alone.",
                "%(count)s selected deliveries were pending and were left alone.",
                left,
            ) % {"count": left},
            messages.WARNING,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(RangeCheckedAdminMixin, admin.ModelAdmin):
    list_display = ("id", "event", "endpoint", "state", "attempts", "last_response_code", "error", "created_at",
                    "sent_at")
    list_filter = ("state", "event", "created_at")
    search_fields = ("endpoint__url", "event_id", "last_error")
    list_select_related = ("endpoint",)
    actions = [send_again]
    readonly_fields = (
        "endpoint", "event", "event_id", "payload", "state", "attempts", "last_response_code", "last_error",
        "created_at", "next_attempt_at", "sent_at", "handed_over",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("Last error"), ordering="last_error")
    def error(self, delivery):
        return truncatechars(delivery.last_error, 80) if delivery.state != DeliveryState.SENT else ""
