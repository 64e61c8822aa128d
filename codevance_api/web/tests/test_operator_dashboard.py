"""The operators' dashboard figures (web/operator_selectors.operator_dashboard) and page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory, SupplierFactory
from codevance_api.web.operator_selectors import TOP_SUPPLIERS, operator_dashboard

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("web:operator_dashboard")


def approved(*, at: str, value: str, days_early: int, supplier=None, due_date=date(2024, 12, 31)):
    """An anticipation of a payment of `value` due on `due_date`, `days_early` days early, approved at `at`."""
    payment = PaymentFactory(supplier=supplier or SupplierFactory(), value=Decimal(value), due_date=due_date)
    with time_machine.travel(at, tick=False):
        return AnticipationFactory(
            payment=payment, new_due_date=due_date - timedelta(days=days_early), status=AnticipationStatus.APPROVED
        )


def pending(*, value: str, due_date: date, supplier=None):
    payment = PaymentFactory(supplier=supplier or SupplierFactory(), value=Decimal(value), due_date=due_date)
    return AnticipationFactory(payment=payment, new_due_date=due_date - timedelta(days=10))


# --- Who may see it ---------------------------------------------------------------------------------


def test_supplier_gets_the_403_page(supplier_web):
    response = supplier_web.get(DASHBOARD)

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert "This page is for operators only." in response.content.decode()


def test_user_neither_operator_nor_supplier_gets_the_403_page(outsider_web):
    assert outsider_web.get(DASHBOARD).status_code == 403


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(DASHBOARD)

    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


# --- Figures ----------------------------------------------------------------------------------------


def test_pending_requests_are_counted_with_their_face_value_and_what_they_would_pay(operator, frozen_today):
    pending(value="1200.00", due_date=frozen_today + timedelta(days=40))  # 10 days early: 1,188.00
    pending(value="300.00", due_date=frozen_today + timedelta(days=40))  # 297.00
    approved(at="2024-09-10 12:00-03:00", value="999.00", days_early=5)

    dashboard = operator_dashboard(user=operator)

    assert (dashboard.pending_count, dashboard.pending_face_value, dashboard.pending_paid) == (
        2, Decimal("1500.00"), Decimal("1485.00")
    )


def test_this_month_counts_approvals_from_the_first_in_sao_paulo(operator, frozen_today):
    # 1,000.00 30 days early (970.00 paid) and 2,000.00 10 days early (1,980.00 paid) in September;
    # 500.00 approved at 23:30 on 31 August in São Paulo (already 1 September in UTC) is August's.
    approved(at="2024-09-10 12:00-03:00", value="1000.00", days_early=30)
    approved(at="2024-09-01 00:30-03:00", value="2000.00", days_early=10)
    approved(at="2024-08-31 23:30-03:00", value="500.00", days_early=20)

    month = operator_dashboard(user=operator).this_month

    assert (month.count, month.face_value, month.paid, month.discount) == (
        2, Decimal("3000.00"), Decimal("2950.00"), Decimal("50.00")
    )
    assert month.average_days == Decimal("20.0")
    # Hand-computed in payments/tests/test_effective_annual_rate.py: weighted days 16.5763, 44.79 %.
    assert month.annual_rate == Decimal("0.4479")


def test_an_approval_counts_when_its_decision_was_logged_even_if_the_row_is_saved_again(operator, frozen_today):
    anticipation = approved(at="2024-08-20 12:00-03:00", value="1000.00", days_early=30)
    anticipation.save()  # as the admin's Save button would: update_date becomes now, in September

    dashboard = operator_dashboard(user=operator)

    assert (dashboard.this_month.count, dashboard.last_12_months.count) == (0, 1)
    assert [m.volume for m in dashboard.months if m.month == date(2024, 8, 1)] == [Decimal("1000.00")]


def test_denied_and_pending_requests_are_not_approvals(operator, frozen_today):
    payment = PaymentFactory(due_date=frozen_today + timedelta(days=30))
    AnticipationFactory(payment=payment, status=AnticipationStatus.DENIED)
    pending(value="100.00", due_date=frozen_today + timedelta(days=30))

    dashboard = operator_dashboard(user=operator)

    assert dashboard.this_month.count == dashboard.last_12_months.count == 0
    assert dashboard.this_month.average_days is None and dashboard.this_month.annual_rate is None


def test_the_12_months_start_on_the_first_of_the_month_11_months_back(operator, frozen_today):
    approved(at="2023-09-30 23:00-03:00", value="700.00", days_early=15)  # 13th month back: left out
    approved(at="2023-10-01 00:10-03:00", value="800.00", days_early=30)  # 776.00 paid
    approved(at="2024-08-31 23:30-03:00", value="500.00", days_early=20)  # 490.00 paid
    approved(at="2024-09-10 12:00-03:00", value="1000.00", days_early=30)  # 970.00 paid

    dashboard = operator_dashboard(user=operator)

    year = dashboard.last_12_months
    assert (year.count, year.face_value, year.paid) == (3, Decimal("2300.00"), Decimal("2236.00"))
    assert year.average_days == Decimal("26.7")
    months = {month.month: (month.volume, month.discount) for month in dashboard.months}
    assert len(months) == 12 and (list(months)[0], list(months)[-1]) == (date(2023, 10, 1), date(2024, 9, 1))
    assert months[date(2023, 10, 1)] == (Decimal("800.00"), Decimal("24.00"))
    assert months[date(2024, 8, 1)] == (Decimal("500.00"), Decimal("10.00"))
    assert months[date(2024, 9, 1)] == (Decimal("1000.00"), Decimal("30.00"))
    assert months[date(2024, 1, 1)] == (Decimal("0.00"), Decimal("0.00"))


def test_payments_falling_due_are_summed_by_week_from_today_without_anticipated_ones(operator, frozen_today):
    on = frozen_today
    for days, value in [(-1, "1.00"), (0, "10.00"), (6, "20.00"), (7, "40.00"), (83, "80.00"), (84, "160.00")]:
        PaymentFactory(due_date=on + timedelta(days=days), value=Decimal(value))
    pending(value="5.00", due_date=on + timedelta(days=20))  # still to pay on its due date unless approved
    approved(at="2024-09-10 12:00-03:00", value="999.00", days_early=5, due_date=on + timedelta(days=8))

    weeks = operator_dashboard(user=operator).weeks

    assert len(weeks) == 12
    assert (weeks[0].start, weeks[0].end, weeks[-1].end) == (on, on + timedelta(days=6), on + timedelta(days=83))
    assert [(week.count, week.total) for week in weeks] == [
        (2, Decimal("30.00")), (1, Decimal("40.00")), (1, Decimal("5.00")),
        *[(0, Decimal("0.00"))] * 8, (1, Decimal("80.00")),
    ]


def test_top_suppliers_are_the_five_with_most_face_value_approved_in_12_months(operator, frozen_today):
    suppliers = [SupplierFactory(corporate_name=f"Supplier {i}") for i in range(7)]
    for i, supplier in enumerate(suppliers[:6]):
        approved(at="2024-09-10 12:00-03:00", value=f"{(i + 1) * 100}.00", days_early=30, supplier=supplier)
    approved(at="2024-09-10 12:00-03:00", value="50.00", days_early=30, supplier=suppliers[0])  # adds up
    approved(at="2023-01-10 12:00-03:00", value="9000.00", days_early=30, supplier=suppliers[6])  # too old
    pending(value="9000.00", due_date=frozen_today + timedelta(days=30), supplier=suppliers[6])  # not approved

    top = operator_dashboard(user=operator).top_suppliers

    assert len(top) == TOP_SUPPLIERS
    assert [(s.corporate_name, s.count, s.volume, s.discount) for s in top] == [
        ("Supplier 5", 1, Decimal("600.00"), Decimal("18.00")),
        ("Supplier 4", 1, Decimal("500.00"), Decimal("15.00")),
        ("Supplier 3", 1, Decimal("400.00"), Decimal("12.00")),
        ("Supplier 2", 1, Decimal("300.00"), Decimal("9.00")),
        ("Supplier 1", 1, Decimal("200.00"), Decimal("6.00")),
    ]


# --- The page -----------------------------------------------------------------------------------------


def test_dashboard_page_shows_the_figures_formatted_and_links_each_top_supplier(operator_web, frozen_today):
    supplier = SupplierFactory(corporate_name="Acme Ltda", reg_number="11222333000181")
    approved(at="2024-09-10 12:00-03:00", value="1000.00", days_early=30, supplier=supplier)
    pending(value="1200.00", due_date=frozen_today + timedelta(days=40), supplier=supplier)

    response = operator_web.get(DASHBOARD)

    page = response.content.decode()
    assert response.status_code == 200
    assert "R$ 1,200.00" in page and "1 request waiting for a decision" in page
    assert "R$ 970.00" in page and "R$ 30.00" in page and "30.0 days" in page and "44.86%" in page
    assert f'href="{reverse("web:operator_supplier", args=[supplier.pk])}">Acme Ltda</a>' in page
    assert "11.222.333/0001-81" in page


def test_dashboard_charts_are_inline_svg_readable_without_javascript(operator_web, frozen_today):
    approved(at="2024-09-10 12:00-03:00", value="1000.00", days_early=30)
    PaymentFactory(due_date=frozen_today + timedelta(days=3), value=Decimal("250.00"))

    page = operator_web.get(DASHBOARD).content.decode()

    assert page.count('<svg class="chart"') == 3 and page.count('role="img"') == 3
    for title in ("Volume anticipated per month", "Discount captured per month", "Payments falling due per week"):
        assert f">{title}</title>" in page
    assert "<title>September 2024: R$ 1,000.00 anticipated</title>" in page
    assert "<title>September 2024: R$ 30.00 captured</title>" in page
    assert "<title>15 Sep 2024 to 21 Sep 2024: 1 payment, R$ 250.00</title>" in page
    assert "<details" in page and "<script" not in page.split("</head>")[1]


def test_dashboard_of_an_empty_service_shows_dashes_not_errors(operator_web, frozen_today):
    response = operator_web.get(DASHBOARD)

    assert response.status_code == 200
    assert "No anticipation approved in the last 12 months." in response.content.decode()


def test_dashboard_reads_in_portuguese_with_brazilian_numbers_and_month_names(operator_web, frozen_today, portuguese):
    approved(at="2024-09-10 12:00-03:00", value="1000.00", days_early=30)
    pending(value="1200.00", due_date=frozen_today + timedelta(days=40))

    page = operator_web.get(DASHBOARD).content.decode()

    assert "<h1>Painel</h1>" in page and "1 pedido aguardando decisão" in page
    assert "R$ 1.188,00 a pagar se todos forem aprovados" in page
    assert "Taxa efetiva anual" in page and "44,86%" in page and "30,0 dias" in page
    assert "<title>setembro de 2024: R$ 1.000,00 antecipados</title>" in page
    assert "de outubro de 2023 a setembro de 2024" in page
    assert '<th scope="col" class="num">Aprovadas</th>' in page


# --- The month's budget (issue 16) ---------------------------------------------------------------------


def test_dashboard_shows_the_months_budget_used_and_remaining_overall_and_per_supplier(operator_web, frozen_today):
    from codevance_api.treasury.tests.factories import BudgetFactory

    supplier = SupplierFactory(corporate_name="Acme Ltda")
    # Due 2024-09-30, paid 5 days early: R$ 995.00 charged to September, the month of the new due date.
    approved(at="2024-09-10 12:00-03:00", value="1000.00", days_early=5, supplier=supplier,
             due_date=date(2024, 9, 30))
    BudgetFactory(month=date(2024, 9, 1), amount=Decimal("5000.00"), supplier=None)
    BudgetFactory(month=date(2024, 9, 1), amount=Decimal("2000.00"), supplier=supplier)
    BudgetFactory(month=date(2024, 10, 1), amount=Decimal("9.00"), supplier=None)  # another month: not shown

    page = operator_web.get(DASHBOARD).content.decode()

    assert 'data-testid="budget-remaining">R$ 4,005.00<' in page
    assert "remaining: R$ 995.00 used of R$ 5,000.00" in page
    assert "R$ 1,005.00 left of R$ 2,000.00" in page and ">Acme Ltda</a></dt>" in page
    assert "R$ 9.00" not in page


def test_dashboard_without_a_budget_says_approvals_are_not_limited(operator_web, frozen_today):
    approved(at="2024-09-10 12:00-03:00", value="1000.00", days_early=5, due_date=date(2024, 9, 30))

    page = operator_web.get(DASHBOARD).content.decode()

    assert "No budget is set for this month: approvals are not limited." in page
    assert "R$ 995.00" in page
