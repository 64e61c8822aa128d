from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlLogConfig(AppConfig):
    name = "codevance_api.control_log"
    label = "control_log"
    verbose_name = _("Control log")
