"""The language of a request: a logged-in user's saved preference, before Accept-Language.

Django's LocaleMiddleware picks the language cookie, then Accept-Language, then LANGUAGE_CODE. A
user who saved a preference (accounts.User.language, set at /language/) gets it instead: the web
area and the admin through UserLanguageMiddleware (session login), the API through its JWT
authentication class (payments/authentication.py), which runs after every middleware.
"""

from django.conf import settings
from django.utils import translation


def supported_language(code: str | None) -> str | None:
    """`code` ("pt-br", "en", ...) if it is one of settings.LANGUAGES, else None."""
    if code and code in dict(settings.LANGUAGES):
        return code
    return None


def user_language(user) -> str | None:
    """The saved preference of `user` (a User or AnonymousUser), None when there is none."""
    return supported_language(getattr(user, "language", "") or None)


def activate_user_language(request, user) -> None:
    """Make `user`'s saved preference (if any) the language of `request` and of the thread's translations."""
    language = user_language(user)
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language


def recipient_language(user) -> str:
    """The language an email to `user` is written in: the saved preference, else LANGUAGE_CODE.

    An email is rendered by a worker, far from any request, so Accept-Language plays no part."""
    return user_language(user) or settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: a session user's saved language wins over Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            activate_user_language(request, user)
        return self.get_response(request)
