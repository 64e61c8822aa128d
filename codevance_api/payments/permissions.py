from rest_framework.permissions import SAFE_METHODS, BasePermission
from django.utils.translation import gettext_lazy as _

from .selectors import supplier_of, user_is_operator


class RequestPermission(BasePermission):
    """The API serves operators and suppliers; any other authenticated user is refused (403
    `permission_denied`), an anonymous one gets 401. The default permission of every API view
    (settings REST_FRAMEWORK); named after the original design ("Custom RequestPermission")."""

    message = _("Only operators and suppliers may use this API.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user_is_operator(user) or supplier_of(user) is not None


class IsOperatorToDecide(BasePermission):
    """Anyone allowed in may read; only operators may change (decide) an object."""

    message = _("Only operators can approve or deny anticipations.")

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or user_is_operator(request.user)


class OperatorsOnly(BasePermission):
    """Operators only: anyone else gets 403 `operators_only`, before the body is read or validated (OPTIONS
    included), so a supplier learns nothing of the form. Subclasses name what is refused in `message`."""

    code = "operators_only"

    def has_permission(self, request, view):
        return user_is_operator(request.user)
