from django import template

from codevance_api.notifications.formatting import format_brl, format_day

register = template.Library()
register.filter("brl", format_brl)
register.filter("day", format_day)
