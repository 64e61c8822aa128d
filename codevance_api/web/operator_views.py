"""The operators' area beyond the queue: the dashboard, every payment and anticipation (filtered,
searched, paginated, as CSV), one supplier's page and one payment's page.

Thin views: each calls the selectors of web/operator_selectors.py (aggregates, the API's
FilterSets) and renders a page; the charts are drawn by web/charts.py."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from codevance_api.core.csv_export import csv_rows, stream_csv
from codevance_api.core.dates import today
from codevance_api.core.errors import ValidationFailed
from codevance_api.core.money import format_date, format_day_month, format_month
from codevance_api.core.ranges import parse_id
from codevance_api.payments import exports, selectors
from codevance_api.payments.models import AnticipationStatus, PaymentStatus
from codevance_api.treasury import selectors as treasury_selectors

from . import charts
from . import operator_selectors as ops
from . import selectors as web_selectors
from .templatetags.web import money, short_status_label
from .views import OperatorView, paginate

LIST_PAGE_SIZE = 25


class OperatorAreaView(OperatorView):
    """A page of the operators' area: 403 page for anyone else (a supplier included)."""

    def check_access(self, request):
        if not selectors.user_is_operator(request.user):
            raise PermissionDenied(_("This page is for operators only."))


def _money_bars(months, attribute: str, title: str) -> list[charts.Bar]:
    """A bar per month of `attribute` (R$), titled by `title` with %(month)s and %(amount)s."""
    return [
        charts.Bar(
            label=date_format(month.month, "M"),
            value=getattr(month, attribute),
            title=title % {"month": format_month(month.month), "amount": money(getattr(month, attribute))},
        )
        for month in months
    ]


def dashboard_charts(dashboard: ops.Dashboard) -> list[dict]:
    """The dashboard's three SVG charts (web/charts.py) from its figures, each as {"key", "title", "svg"}:
    volume anticipated and discount captured per month over the last 12 months, and payments falling
    due per week over the next 12."""
    volume = _money_bars(dashboard.months, "volume", _("%(month)s: %(amount)s anticipated"))
    discount = _money_bars(dashboard.months, "discount", _("%(month)s: %(amount)s captured"))
    weeks = [
        charts.Bar(
            label=format_day_month(week.start),
            value=week.total,
            title=ngettext(
                "%(start)s to %(end)s: %(count)d payment, %(amount)s",
                "%(start)s to %(end)s: %(count)d payments, %(amount)s",
                week.count,
            )
            % {"start": format_date(week.start), "end": format_date(week.end), "count": week.count,
               "amount": money(week.total)},
        )
        for week in dashboard.weeks
    ]
    first, last = dashboard.months[0].month, dashboard.months[-1].month
    period = _("from %(first)s to %(last)s") % {"first": format_month(first), "last": format_month(last)}
    titles = {
        "volume": _("Volume anticipated per month"),
        "discount": _("Discount captured per month"),
        "weeks": _("Payments falling due per week"),
    }
    svgs = {
        "volume": charts.bar_chart(
            bars=volume,
            title=titles["volume"],
            description=_("Face value of the anticipations approved each month, %(period)s; total %(total)s.")
            % {"period": period, "total": money(sum(month.volume for month in dashboard.months))},
            chart_id="chart-volume",
            axis_label=money,
        ),
        "discount": charts.bar_chart(
            bars=discount,
            title=titles["discount"],
            description=_("Discounts of the anticipations approved each month, %(period)s; total %(total)s.")
            % {"period": period, "total": money(sum(month.discount for month in dashboard.months))},
            chart_id="chart-discount",
            axis_label=money,
        ),
        "weeks": charts.bar_chart(
            bars=weeks,
            title=titles["weeks"],
            description=_("Face value of the payments not anticipated falling due in each of the next 12 weeks, "
                          "from %(first)s; total %(total)s.")
            % {"first": format_date(dashboard.weeks[0].start), "total": money(sum(w.total for w in dashboard.weeks))},
            chart_id="chart-weeks",
            axis_label=money,
        ),
    }
    return [{"key": key, "title": titles[key], "svg": svg} for key, svg in svgs.items()]


class DashboardView(OperatorAreaView):
    """The figures a treasury watches: pending requests, approvals this month and over 12 months (days
    early, the effective annual rate), this month's budget used and remaining (issue 16), the top
    suppliers, and three charts."""

    def get(self, request):
        dashboard = ops.operator_dashboard(user=request.user)
        context = {"dashboard": dashboard, "charts": dashboard_charts(dashboard),
                   "budget": treasury_selectors.budget_usage(dashboard.on)}
        return render(request, "web/operator_dashboard.html", context)


class FilteredListView(OperatorAreaView):
    """A list with the API's filters, `?q=` search, pages of LIST_PAGE_SIZE and `?format=csv` (every row
    of the filtered set, streamed). A bad filter is a 400 page naming it, with the form kept."""

    # Set by each list: its template, CSV file name and columns, `rows(request)` (the filtered
    # queryset) and `context(request)` (its form's choices).
    template_name = ""
    csv_filename = ""
    csv_columns: list = []

    def get(self, request):
        context = {"filters": request.GET, **self.context(request)}
        raw_supplier = request.GET.get("supplier", "").strip()
        try:
            rows = self.rows(request)
            if request.GET.get("format") == "csv":
                header, lines = csv_rows(rows, self.csv_columns)
                return stream_csv(header=header, rows=lines, filename=self.csv_filename)
            context["page"] = paginate(request, rows, per_page=LIST_PAGE_SIZE)
        except ValidationFailed as error:
            context["error"] = error
            return render(request, self.template_name, context, status=error.status_code)
        supplier_id = parse_id(raw_supplier) if raw_supplier else None
        if supplier_id is not None:
            # Its name for the "filtered by" line (None for an unknown id: the list is then empty).
            context["supplier"] = ops.operator_supplier(user=request.user, pk=supplier_id)
        return render(request, self.template_name, context)


class OperatorPaymentListView(FilteredListView):
    template_name = "web/operator_payments.html"
    csv_filename = "payments.csv"
    csv_columns = exports.PAYMENT_CSV_COLUMNS

    def rows(self, request):
        return ops.operator_payment_list(user=request.user, data=request.GET)

    def context(self, request):
        return {
            "statuses": [(status.value, status.label) for status in PaymentStatus],
            "orderings": [
                ("due_date", _("Due date, earliest first")), ("-due_date", _("Due date, latest first")),
                ("-value", _("Value, largest first")), ("value", _("Value, smallest first")),
                ("-creation_date", _("Newest first")), ("creation_date", _("Oldest first")),
            ],
        }


class OperatorAnticipationListView(FilteredListView):
    template_name = "web/operator_anticipations.html"
    csv_filename = "anticipations.csv"
    csv_columns = exports.ANTICIPATION_CSV_COLUMNS

    def rows(self, request):
        return ops.operator_anticipation_list(user=request.user, data=request.GET)

    def context(self, request):
        return {
            "statuses": [(status.value, status.label) for status in AnticipationStatus],
            "orderings": [
                ("-creation_date", _("Newest request first")), ("creation_date", _("Oldest request first")),
                ("new_due_date", _("New due date, earliest first")), ("-new_due_date", _("New due date, latest first")),
                ("-new_value", _("New value, largest first")), ("new_value", _("New value, smallest first")),
            ],
        }


class OperatorSupplierView(OperatorAreaView):
    """One supplier: its name and CNPJ, its payments per state, and its payments (sortable, paginated)."""

    def get(self, request, pk):
        supplier = ops.operator_supplier(user=request.user, pk=pk)
        if supplier is None:
            raise Http404
        sort = web_selectors.parse_payment_sort(request.GET.get("sort"))
        payments = web_selectors.supplier_payment_list(user=request.user, supplier=supplier, status=None, sort=sort)
        counts = web_selectors.supplier_state_counts(user=request.user, supplier=supplier, on=today())
        states = [
            {"status": state, "label": short_status_label(state), "summary": counts[state.value]}
            for state in PaymentStatus
        ]
        context = {
            "supplier": supplier,
            "states": states,
            "page": paginate(request, payments, per_page=LIST_PAGE_SIZE),
            "sort": sort,
        }
        return render(request, "web/operator_supplier.html", context)


class OperatorPaymentView(OperatorAreaView):
    """One payment as an operator sees it: its supplier, state, anticipation and audit log."""

    def get(self, request, pk):
        payment = ops.operator_payment(user=request.user, pk=pk)
        if payment is None:
            raise Http404
        logs = web_selectors.payment_history(user=request.user, payment=payment)
        return render(request, "web/operator_payment.html", {"payment": payment, "logs": logs})
