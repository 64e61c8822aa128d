import math

from django.contrib import admin, messages
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from codevance_api.core.admin import RangeCheckedAdminMixin
from codevance_api.core.throttling import write_wait

from .models import Notification, NotificationState
from .services import notifications_send_again

# The most notifications one "send again" may name (each is an email).
SEND_AGAIN_MAX = 100


@admin.action(description=_("Send again (failed notifications)"), permissions=["change"])
def send_again(modeladmin, request, queryset):
    """Admin action: send the selected failed notifications again (notifications_send_again); others are left alone.

    Refused, sending nothing, with an error message for more than SEND_AGAIN_MAX (100) selected or when the
    user's write rate is exceeded (core.throttling.write_wait). Raises nothing. This service's refinement.
    """
    # Bounded and throttled like every other action that sends email (issue 13, points 2 and 5).
    selected = list(queryset.order_by("pk").values_list("pk", flat=True)[: SEND_AGAIN_MAX + 1])
    if len(selected) > SEND_AGAIN_MAX:
        modeladmin.message_user(
            request,
            _("Select at most %(max)d notifications at a time; nothing was sent.") % {"max": SEND_AGAIN_MAX},
            messages.ERROR,
        )
        return
    wait = write_wait(request.user)
    if wait is not None:
        modeladmin.message_user(
            request,
            _("Too many requests from your account; try again in %(seconds)d seconds.") % {"seconds": math.ceil(wait)},
            messages.ERROR,
        )
        return
    count = notifications_send_again(notification_ids=selected)
    if count:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d failed notification will be sent again.",
                "%(count)d failed notifications will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
    if count < len(selected):
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d selected notification was not failed and was left alone.",
                "%(count)d selected notifications were not failed and were left alone.",
                len(selected) - count,
            )
            % {"count": len(selected) - count},
            messages.WARNING,
        )


@admin.register(Notification)
class NotificationAdmin(RangeCheckedAdminMixin, admin.ModelAdmin):
    list_display = ("id", "event", "recipient", "anticipation", "state", "attempts", "error", "created_at", "sent_at")
    list_filter = ("state", "event", "created_at")
    search_fields = ("recipient", "anticipation__id", "anticipation__payment__id", "last_error")
    list_select_related = ("anticipation",)
    actions = [send_again]
    readonly_fields = (
        "request_log",
        "anticipation",
        "event",
        "recipient",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Last error"), ordering="last_error")
    def error(self, notification):
        return truncatechars(notification.last_error, 80) if notification.state != NotificationState.SENT else ""
