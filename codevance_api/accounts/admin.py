from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from codevance_api.core.admin import RangeCheckedAdminMixin

from .identity import canonical_email
from .models import User
from .services import user_set_operator


class CanonicalEmailMixin:
    """The email is normalized (accounts/identity.py) before it is validated or compared with others.

    Without it the admin judged the address as typed: a fullwidth spelling was refused as invalid,
    and `uſer@...` passed the validator and could have become a second account.
    """

    def clean_email(self):
        email = canonical_email(self.cleaned_data.get("email"))
        if User.objects.exclude(pk=self.instance.pk).filter(email=email).exists():
            raise forms.ValidationError(_("A user with this email already exists."), code="unique")
        return email


def _email_field():
    # A plain text field: the model field's validators run on the canonical form, in clean_email's wake.
    return forms.CharField(label=_("Email address"), max_length=254)


class EmailUserCreationForm(CanonicalEmailMixin, UserCreationForm):
    email = _email_field()

    class Meta:
        model = User
        fields = ("email", "first_name", "is_operator", "language")


class EmailUserChangeForm(CanonicalEmailMixin, UserChangeForm):
    email = _email_field()

    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(RangeCheckedAdminMixin, DjangoUserAdmin):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    ordering = ("email",)
    list_display = ("email", "first_name", "is_operator", "is_staff", "is_active", "date_joined")
    list_filter = ("is_operator", "is_staff", "is_active", "is_superuser")
    search_fields = ("email", "first_name")
    readonly_fields = ("date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("first_name", "language")}),
        (
            _("Roles"),
            {"fields": ("is_operator", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "is_operator", "language", "password1", "password2"),
            },
        ),
    )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the form's own groups were saved: the operators' group follows is_operator.
        user_set_operator(user=form.instance, is_operator=form.instance.is_operator)
