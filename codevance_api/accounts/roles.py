"""The operators' permission group: its name, its exact permissions, and how it is (re)built.

Operators are staff without superuser status: what they may do in the admin comes from this
group alone. Migration accounts 0002 builds it and puts every existing operator in it;
`services.user_set_operator` keeps each user's membership equal to its `is_operator` flag.
Only `apps.get_model` is used here, so the migration can run it on its historical models.
"""

OPERATORS_GROUP = "Operators"

OPERATOR_PERMISSIONS = {
    "accounts": ["view_user"],
    "auth": ["view_group"],
    # Register suppliers and payments; a payment's value and due date stay read-only once saved.
    "payments": [
        "view_supplier",
        "add_supplier",
        "change_supplier",
        "view_payment",
        "add_payment",
        "change_payment",
        "view_anticipation",
        # Only for the approve/deny actions (which call the decide service): the form is read-only.
        "change_anticipation",
        # The audit log is view-only, whatever the permissions (its ModelAdmin refuses the rest).
        "view_requestlog",
    ],
    # "change" lets operators send failed notifications again; the form itself is read-only.
    "notifications": ["view_notification", "change_notification"],
    # Register webhook endpoints (and switch them off); see deliveries and send them again. No delete in the
    # admin: an endpoint is deactivated there (the API's DELETE removes it with its deliveries).
    "webhooks": [
        "view_webhookendpoint",
        "add_webhookendpoint",
        "change_webhookendpoint",
        "view_webhookdelivery",
        "change_webhookdelivery",
    ],
    # Who is locked out of logging in, and why.
    "axes": ["view_accessattempt", "view_accesslog", "view_accessfailurelog"],
    # The treasury's settings, which operators own as they do through the API (issue 16): budgets
    # and auto-approval rules, deletes included (a rule that decided something is protected by the log).
    "treasury": [
        "view_budget",
        "add_budget",
        "change_budget",
        "delete_budget",
        "view_autoapprovalrule",
        "add_autoapprovalrule",
        "change_autoapprovalrule",
        "delete_autoapprovalrule",
    ],
    # Who changed which budget, rule or webhook endpoint: read-only (its ModelAdmin refuses the rest).
    "control_log": ["view_controlchange"],
    # Deliberately absent: token_blacklist (outstanding refresh tokens are credentials), sessions,
    # every delete of records (payments, logs, notifications, users), and any change of users or
    # groups (an operator could make itself a superuser, or take over a supplier's login and request
    # anticipations it then approves).
}


def operators_group_sync(apps):
    """Create the group if missing and set its permissions to exactly OPERATOR_PERMISSIONS; returns it.

    `apps` is the app registry (django.apps.apps, or a migration's historical one). Permissions
    are normally created after migrations (post_migrate), so a fresh database gets them here.
    A permission of a model the registry does not have yet (a migration of that model's app still
    to run, e.g. treasury's before accounts 0004 on a fresh database) is left out; the app's own
    migration calls this again once the model exists (treasury 0002).
    """
    from django.contrib.auth.management import create_permissions

    Permission = apps.get_model("auth", "Permission")
    # A model that a migration's registry does not have yet (its app's first migration runs later, as
    # treasury's and webhooks' do after accounts 0004 on a fresh database) is left for that app's own
    # migration to sync.
    wanted = [
        (label, codename)
        for label, codenames in OPERATOR_PERMISSIONS.items()
        for codename in codenames
        if _model_exists(apps, label, codename)
    ]
    found = Permission.objects.filter(content_type__app_label__in=OPERATOR_PERMISSIONS)
    if found.count() < len(wanted) or len(_matching(found, wanted)) < len(wanted):
        for app_config in apps.get_app_configs():
            if app_config.label in OPERATOR_PERMISSIONS:
                # create_permissions skips an app without models_module (a migration's stubs have none).
                models_module = getattr(app_config, "models_module", None)
                app_config.models_module = models_module or True
                create_permissions(app_config, apps=apps, verbosity=0)
                app_config.models_module = models_module
        found = Permission.objects.filter(content_type__app_label__in=OPERATOR_PERMISSIONS)
    permissions = _matching(found, wanted)
    missing = set(wanted) - {(p.content_type.app_label, p.codename) for p in permissions}
    if missing:
        raise LookupError(f"Permissions not found for the operators' group: {sorted(missing)}")
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=OPERATORS_GROUP)
    group.permissions.set(permissions)
    return group


def _model_exists(apps, label: str, codename: str) -> bool:
    """Whether `apps` has the model a default permission codename ("view_budget") is about."""
    try:
        apps.get_model(label, codename.split("_", 1)[1])
    except LookupError:
        return False
    return True


def _matching(permissions, wanted):
    wanted = set(wanted)
    return [p for p in permissions.select_related("content_type") if (p.content_type.app_label, p.codename) in wanted]
