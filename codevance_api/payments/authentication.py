"""JWT authentication that loads the user and its supplier in one query.

Every API request needs both: the permission classes and the selectors ask whether the user is
an operator or which supplier it is. simplejwt looks the user up with `user_model.objects.get`
and then applies its own checks (active user, revoked token); here the lookup is handed a
queryset that also joins the supplier, so those checks run unchanged on a fresh row every
request (nothing is cached between requests).
"""

from rest_framework_simplejwt import authentication


class _UsersWithSupplier:
    """Stands in for the user model in simplejwt's lookup: same manager API, one join more."""

    def __init__(self, user_model):
        self.DoesNotExist = user_model.DoesNotExist
        self.objects = user_model._default_manager.select_related("supplier")


class JWTAuthentication(authentication.JWTAuthentication):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_model = _UsersWithSupplier(self.user_model)
