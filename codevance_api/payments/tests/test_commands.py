import pytest
from django.core.management import CommandError, call_command

from codevance_api.accounts.models import User
from codevance_api.payments.models import PaymentStatus, Supplier
from codevance_api.payments.selectors import payment_list

pytestmark = pytest.mark.django_db


def test_create_operator_makes_an_operator_who_can_log_in():
    call_command("create_operator", "--email", "Ops@Example.com", "--password", "a-long-enough-secret")
    user = User.objects.get(email="ops@example.com")
    assert user.is_operator and user.check_password("a-long-enough-secret")


def test_create_operator_refuses_a_duplicate_email_case_insensitively():
    call_command("create_operator", "--email", "ops@example.com", "--password", "a-long-enough-secret")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_operator", "--email", "OPS@example.com", "--password", "a-long-enough-secret")


def test_create_operator_refuses_a_weak_password():
    with pytest.raises(CommandError):
        call_command("create_operator", "--email", "ops@example.com", "--password", "123")
    assert not User.objects.exists()


def test_create_supplier_stores_the_cnpj_as_digits():
    call_command(
        "create_supplier",
        "--email",
        "acme@example.com",
        "--password",
        "a-long-enough-secret",
        "--corporate-name",
        "Acme Ltda",
        "--cnpj",
        "11.222.333/0001-81",
    )
    supplier = Supplier.objects.get()
    assert (supplier.reg_number, supplier.user.email, supplier.user.is_operator) == (
        "11222333000181",
        "acme@example.com",
        False,
    )


def test_create_supplier_refuses_a_bad_cnpj_and_creates_no_user():
    with pytest.raises(CommandError, match="reg_number"):
        call_command(
            "create_supplier",
            "--email",
            "acme@example.com",
            "--password",
            "a-long-enough-secret",
            "--corporate-name",
            "Acme Ltda",
            "--cnpj",
            "11.222.333/0001-82",
        )
    assert not User.objects.exists()


def test_create_supplier_refuses_a_duplicate_cnpj():
    args = ["--password", "a-long-enough-secret", "--corporate-name", "Acme", "--cnpj", "11222333000181"]
    call_command("create_supplier", "--email", "a@example.com", *args)
    with pytest.raises(CommandError, match="CNPJ already exists"):
        call_command("create_supplier", "--email", "b@example.com", *args)
    assert User.objects.count() == 1


def test_demo_data_has_the_documented_users_and_payments_in_every_state():
    call_command("load_demo_data")
    call_command("load_demo_data")  # idempotent
    operator = User.objects.get(email="operator01@email.com")
    assert operator.is_operator and operator.check_password("operator01")
    for email in ("user01@email.com", "user02@email.com"):
        user = User.objects.get(email=email)
        assert user.check_password(email.split("@")[0])
        states = {p.status for p in payment_list(user=user)}
        assert states == set(PaymentStatus.values)


def _create_supplier(cnpj, email="beta@example.com"):
    call_command(
        "create_supplier", "--email", email, "--password", "a-long-enough-secret", "--corporate-name", "Beta",
        "--cnpj", cnpj,
    )


@pytest.mark.parametrize("cnpj", ["12.ABC.345/01DE-35", "12ABC34501DE35"])
def test_create_supplier_accepts_an_alphanumeric_cnpj(cnpj):
    _create_supplier(cnpj)
    assert Supplier.objects.get().reg_number == "12ABC34501DE35"


@pytest.mark.parametrize("cnpj", ["12.abc.345/01de-35", "12ABC34501DE3A", "12ABC34501DE36"])
def test_create_supplier_refuses_an_alphanumeric_near_miss_and_creates_no_user(cnpj):
    with pytest.raises(CommandError, match="reg_number"):
        _create_supplier(cnpj)
    assert not User.objects.exists()


def test_create_supplier_refuses_the_same_alphanumeric_cnpj_written_differently():
    _create_supplier("12.ABC.345/01DE-35", email="a@example.com")
    with pytest.raises(CommandError, match="CNPJ already exists"):
        _create_supplier("12ABC34501DE35", email="b@example.com")


def test_demo_data_has_a_supplier_with_an_alphanumeric_cnpj():
    call_command("load_demo_data")
    assert Supplier.objects.get(user__email="user02@email.com").reg_number == "12ABC34501DE35"


@pytest.mark.parametrize("today", ["2027-01-27 12:00:00-03:00", "2027-02-18 12:00:00-03:00"])
def test_demo_anticipations_fall_on_business_days_when_the_setting_is_on(settings, today):
    import time_machine

    from codevance_api.payments.business_days import is_business_day
    from codevance_api.payments.models import Anticipation

    settings.ANTICIPATION_BUSINESS_DAYS_ONLY = True
    # From each of these days, one of the demo dates (10, 20 or 30 days ahead) is a Saturday or a Sunday.
    with time_machine.travel(today, tick=False):
        call_command("load_demo_data")
    assert all(is_business_day(a.new_due_date) for a in Anticipation.objects.all())


def test_create_operator_with_staff_may_use_the_admin():
    call_command("create_operator", "--email", "ops@example.com", "--password", "a-long-enough-secret", "--staff")
    assert User.objects.get(email="ops@example.com").is_staff


def test_create_operator_without_a_password_refuses_when_nobody_is_at_the_terminal(monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="--password is required"):
        call_command("create_operator", "--email", "ops@example.com")
    assert not User.objects.exists()


def test_create_operator_asks_for_the_password_twice_at_the_terminal(monkeypatch):
    answers = iter(["a-long-enough-secret", "a-long-enough-secret"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    call_command("create_operator", "--email", "ops@example.com")
    assert User.objects.get(email="ops@example.com").check_password("a-long-enough-secret")


def test_create_operator_refuses_two_different_passwords_at_the_terminal(monkeypatch):
    answers = iter(["a-long-enough-secret", "another-long-secret"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="do not match"):
        call_command("create_operator", "--email", "ops@example.com")
    assert not User.objects.exists()
