"""Query-string parameters that are read once: each may be given once, never repeated.

A QueryDict hands back the last of a repeated parameter (`?status=A&status=PC` reads as `PC`), so a
repeated filter would narrow a list by one of its values and silently drop the others. Every
parameter the API reads as one value therefore refuses to come twice: a 400 naming it, as any
other bad parameter. Source: the fresh-user review of 2026-11-29 (docs/api.md: no filter of a
list is ever ignored silently).
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError


def repeated_parameter_errors(query, names) -> dict[str, list[str]]:
    """`{name: [message]}` for each of `names` (strings) that the query string `query` (a QueryDict,
    or any mapping with `getlist`) carries more than once; empty when none is repeated."""
    errors = {}
    for name in names:
        count = len(query.getlist(name)) if hasattr(query, "getlist") else 0
        if count > 1:
            errors[name] = [_("Give this parameter once; it came %(count)d times.") % {"count": count}]
    return errors


def refuse_repeated_parameters(query, names) -> None:
    """Raise DRF's ValidationError (400 `validation_error`, `errors` naming each parameter) when any
    of `names` comes more than once in `query` (see repeated_parameter_errors)."""
    errors = repeated_parameter_errors(query, names)
    if errors:
        raise ValidationError(errors)
