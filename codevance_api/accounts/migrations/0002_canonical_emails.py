"""Store every email in its canonical form (issue 13, point 1), then let the database hold it so.

Rows written before this migration were lower-cased and stripped, but a spelling like `uſer@` or a
fullwidth letter could have been stored as it was (Django's validator matched it case-insensitively).
Each row is rewritten to its canonical form; if two rows turn out to be one identity the migration
stops and names them, because choosing which account survives is a person's decision, not ours.
"""

import unicodedata

import codevance_api.accounts.identity
import django.db.models.functions.text
from django.db import migrations, models


def canonical_email(raw):
    # Frozen copy of accounts.identity.canonical_email as of this migration.
    text = unicodedata.normalize("NFKC", str(raw or "").strip())
    text = unicodedata.normalize("NFKC", text.casefold()).strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return text
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    return f"{local}@{domain}"


def canonicalize_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    rows = list(User.objects.order_by("pk").values_list("pk", "email"))
    owners = {}
    for pk, email in rows:
        owners.setdefault(canonical_email(email), []).append((pk, email))
    clashes = {canonical: users for canonical, users in owners.items() if len(users) > 1}
    if clashes:
        listed = "; ".join(
            f"{canonical}: " + ", ".join(f"user {pk} ({email!r})" for pk, email in users)
            for canonical, users in clashes.items()
        )
        raise RuntimeError(
            "These accounts are one identity once their emails are normalized; merge or rename them "
            f"(admin or shell), then migrate again: {listed}"
        )
    for canonical, [(pk, email)] in owners.items():
        if email != canonical:
            User.objects.filter(pk=pk).update(email=canonical)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(canonicalize_emails, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="email",
            field=models.EmailField(
                help_text="Stored in its canonical form: lower case, compatibility characters folded, ASCII only.",
                max_length=254,
                unique=True,
                validators=[codevance_api.accounts.identity.validate_account_email],
                verbose_name="email address",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("email", django.db.models.functions.text.Lower(django.db.models.functions.text.Trim("email")))
                ),
                name="accounts_user_email_canonical",
            ),
        ),
    ]
