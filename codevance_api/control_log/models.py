"""The control log: an append-only trail of the changes to the treasury's and the webhooks' settings.

Who created, changed or deleted a budget, an auto-approval rule or a webhook endpoint, when, and the
fields before and after (issue 16: "every state change keeps the audit row in the same transaction").

Why an app of its own rather than a model in `treasury`: both the treasury's services and the webhooks'
write it, and `treasury.services` already imports `webhooks.services` (the `budget.exhausted` event), so
a recorder living in the treasury would make the webhooks import the treasury back (a cycle). This app
depends on nothing but the user model; both import it.

Append-only like payments.RequestLog: the model refuses to change or delete a row, and so does the
database (a pgtrigger on PostgreSQL, a hand-written trigger on SQLite: migration 0001).
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ControlAction(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    DELETED = "deleted", _("Deleted")
    # A webhook endpoint's signing secret replaced (the secret itself is never logged).
    SECRET_ROTATED = "secret_rotated", _("Secret rotated")


class ControlObjectType(models.TextChoices):
    BUDGET = "budget", _("Budget")
    AUTO_APPROVAL_RULE = "auto_approval_rule", _("Auto-approval rule")
    WEBHOOK_ENDPOINT = "webhook_endpoint", _("Webhook endpoint")


class ControlChangeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The control log is append-only.")

    def delete(self):
        raise TypeError("The control log is append-only.")


class ControlChange(models.Model):
    """One change of a control by an operator: `changes` is {"before": {field: value}, "after": {field: value}}.

    Values are JSON: amounts as R$ strings with two decimals ("1234.50"), months as "YYYY-MM", ids as
    integers, null for "none" (e.g. an overall budget's supplier). A creation has an empty "before", a
    deletion an empty "after", a change only the fields whose value changed. A webhook endpoint's
    secret never appears (control_log.services.control_log_record refuses it).
    """

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor")
    )
    action = models.CharField(_("action"), max_length=20, choices=ControlAction.choices)
    object_type = models.CharField(_("object type"), max_length=30, choices=ControlObjectType.choices)
    # Not a foreign key: the row outlives the object it describes (a deleted budget keeps its history).
    object_id = models.PositiveBigIntegerField(_("object id"))
    changes = models.JSONField(_("changes"), default=dict)

    objects = ControlChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("control change")
        verbose_name_plural = _("control changes")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at", "id"], name="controlchange_created_id"),
            models.Index(fields=["object_type", "object_id", "created_at"], name="controlchange_object"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=ControlAction.values), name="control_log_action_valid"),
            models.CheckConstraint(
                condition=Q(object_type__in=ControlObjectType.values), name="control_log_object_type_valid"
            ),
        ]
        # The database itself refuses to change or remove a row, whatever the path (bulk_update, raw SQL,
        # a psql session): PostgreSQL through this trigger, SQLite through migration 0001.
        triggers = [
            pgtrigger.Protect(name="controlchange_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        return _("%(action)s: %(type)s #%(id)s, by user %(user)s") % {
            "action": self.get_action_display(),
            "type": self.get_object_type_display(),
            "id": self.object_id,
            "user": self.actor_id,
        }

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The control log is append-only: an existing row cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The control log is append-only: a row cannot be deleted.")
