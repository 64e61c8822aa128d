from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "codevance_api.accounts"
    label = "accounts"
    verbose_name = "Accounts"
