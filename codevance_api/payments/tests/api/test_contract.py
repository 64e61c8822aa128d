"""The original public API documentation, as executable tests.

Clients were written against the section "API documentation" of the original README: its endpoint
table, its request and response bodies, its pagination (Django REST framework's page numbers, 10
a page, an integer `count`), the five payment status filters as it defines them, its permissions
and its new-value formula. Each test below encodes one of those statements, with the documented
field names, types and formats; additions (more fields, more endpoints) are allowed, changes are
not. If one of these fails, the API drifted from its contract: fix the API, not the test.
"""

import re
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest

from codevance_api.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from codevance_api.conftest import authenticated_client
from codevance_api.payments.models import Anticipation, AnticipationStatus, Payment, RequestLog
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory, SupplierFactory

pytestmark = pytest.mark.django_db

DOCUMENTED_PAGE_SIZE = 10
DECIMAL_2_PLACES = re.compile(r"^-?\d+\.\d{2}$")

# --- The documented shapes: field -> kind -------------------------------------------------------

PAYMENT = {"id": "int", "supplier": "int", "creation_date": "date", "due_date": "date", "value": "decimal"}
ANTICIPATION = {"id": "int", "payment": "int", "creation_date": "date", "new_due_date": "date",
                "new_value": "decimal", "update_date": "date", "status": "str"}
REQUEST_LOG = {"id": "int", "anticipation": "int", "created_at": "date", "user": "int", "action": "str"}
TOKEN_PAIR = {"refresh": "str", "access": "str"}
REFRESHED = {"access": "str"}


def assert_kind(value, kind, where):
    if kind == "int":
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {value!r} is not an integer"
    elif kind == "decimal":
        assert isinstance(value, str) and DECIMAL_2_PLACES.match(value), f"{where}: {value!r} is not 'N.NN'"
    elif kind == "date":
        assert isinstance(value, str) and len(value) == 10, f"{where}: {value!r} is not YYYY-MM-DD"
        date.fromisoformat(value)
    elif kind == "str":
        assert isinstance(value, str) and value, f"{where}: {value!r} is not a string"
    else:  # pragma: no cover - a typo in this module
        raise AssertionError(kind)


def assert_shape(body, shape, where="body"):
    """Every documented field is there with its documented type and format (additions are allowed)."""
    assert isinstance(body, dict), f"{where}: {body!r} is not an object"
    missing = set(shape) - set(body)
    assert not missing, f"{where}: documented fields missing: {sorted(missing)}"
    for field, kind in shape.items():
        assert_kind(body[field], kind, f"{where}.{field}")


def assert_page(body, shape, where="page"):
    """The documented list shape: {"count": int, "next", "previous", "results": [...]}."""
    assert set(body) >= {"count", "next", "previous", "results"}, where
    assert_kind(body["count"], "int", f"{where}.count")
    for link in ("next", "previous"):
        assert body[link] is None or isinstance(body[link], str), f"{where}.{link}"
    assert isinstance(body["results"], list)
    assert len(body["results"]) <= DOCUMENTED_PAGE_SIZE
    for n, item in enumerate(body["results"]):
        assert_shape(item, shape, f"{where}.results[{n}]")


def page_number(link):
    return parse_qs(urlparse(link).query).get("page", ["1"])[0]


def walk_by_links(client, url, shape):
    """Every item of a list following `next`; asserts each page's shape and that `count` is the same
    on every page and equals the number of items seen."""
    seen, counts = [], set()
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert_page(body, shape, f"{url}")
        counts.add(body["count"])
        seen += [item["id"] for item in body["results"]]
        url = body["next"]
        if url:
            assert page_number(url) == str(pages + 2), url
        pages += 1
    assert len(counts) == 1, f"count changed between pages: {counts}"
    assert counts.pop() == len(seen) == len(set(seen))
    return seen


def walk_by_numbers(client, path, shape):
    """Every item of a list asking for ?page=1..N, N computed from `count` as a client would."""
    first = client.get(path).json()
    assert_page(first, shape)
    last = max(1, -(-first["count"] // DOCUMENTED_PAGE_SIZE))
    separator = "&" if "?" in path else "?"
    seen = []
    for number in range(1, last + 1):
        response = client.get(f"{path}{separator}page={number}")
        assert response.status_code == 200, (number, response.content)
        body = response.json()
        assert_page(body, shape)
        assert body["count"] == first["count"]
        assert (body["previous"] is None) == (number == 1)
        assert (body["next"] is None) == (number == last)
        seen += [item["id"] for item in body["results"]]
    assert client.get(f"{path}{separator}page={last + 1}").status_code == 404
    assert len(seen) == len(set(seen)) == first["count"]
    return seen


# --- Data ---------------------------------------------------------------------------------------


@pytest.fixture
def every_state(frozen_today, supplier, other_supplier):
    """For each supplier, a payment per (due date: past, today, future) x (anticipation: none, PC, A, D)."""
    created = []
    for owner in (supplier, other_supplier):
        for due in (frozen_today - timedelta(days=3), frozen_today, frozen_today + timedelta(days=20)):
            created.append(PaymentFactory(supplier=owner, due_date=due))
            for status in AnticipationStatus.values:
                anticipation = AnticipationFactory(payment__supplier=owner, payment__due_date=due + timedelta(days=30))
                # Requested while the due date was ahead; now the payment may be due.
                Payment.objects.filter(pk=anticipation.payment_id).update(due_date=due)
                Anticipation.objects.filter(pk=anticipation.pk).update(status=status)
                created.append(anticipation.payment)
    return created


def documented_status_filter(status, *, today, owner=None):
    """The ids each status filter returns, from the document's own words (not from our code)."""
    payments = Payment.objects.all() if owner is None else Payment.objects.filter(supplier=owner)
    ids = set()
    for payment in payments:
        anticipation = getattr(payment, "anticipation", None)  # None when there is none
        anticipation_status = anticipation.status if anticipation else None
        reached = payment.due_date <= today
        matches = {
            # "no anticipations related/created to them, and their due_date was not reached yet"
            "A": anticipation_status is None and not reached,
            # "due_date already reached (less than or equal today) ... the anticipation status can not be
            # A or D, it has to be PC" (or there is none)
            "U": reached and anticipation_status in (None, AnticipationStatus.PENDING_CONFIRMATION),
            # "anticipations ... PC ... Also, the Payment due_date can not have been reached"
            "PC": anticipation_status == AnticipationStatus.PENDING_CONFIRMATION and not reached,
            # "anticipations must have a A (anticipated) status"
            "AN": anticipation_status == AnticipationStatus.APPROVED,
            # "anticipations related, but ... denied (status=D)"
            "D": anticipation_status == AnticipationStatus.DENIED,
        }[status]
        if matches:
            ids.add(payment.pk)
    return ids


# --- Generating and refreshing tokens ----------------------------------------------------------


def test_token_is_generated_with_email_and_password_200_refresh_and_access(api_client, supplier):
    response = api_client.post(
        "/api/token/", {"email": supplier.user.email, "password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert_shape(response.json(), TOKEN_PAIR)


def test_access_token_authenticates_requests_as_bearer(api_client, supplier):
    tokens = api_client.post(
        "/api/token/", {"email": supplier.user.email, "password": DEFAULT_PASSWORD}, format="json"
    ).json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api_client.get("/api/payments/").status_code == 200


def test_refresh_gives_a_new_access_token_200(api_client, supplier):
    tokens = api_client.post(
        "/api/token/", {"email": supplier.user.email, "password": DEFAULT_PASSWORD}, format="json"
    ).json()
    response = api_client.post("/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 200
    assert_shape(response.json(), REFRESHED)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert api_client.get("/api/payments/").status_code == 200


@pytest.mark.parametrize("method, path", [
    ("get", "/api/payments/"), ("post", "/api/payments/"), ("get", "/api/payments/1/"),
    ("post", "/api/anticipations/"), ("patch", "/api/anticipations/1/"), ("get", "/api/logs/"),
])
def test_every_endpoint_but_the_token_ones_needs_authentication(api_client, method, path):
    assert getattr(api_client, method)(path, {}, format="json").status_code == 401


# --- Listing and filtering payments ------------------------------------------------------------


def test_list_payments_200_page_of_ten_with_integer_count(every_state, supplier_client):
    body = supplier_client.get("/api/payments/").json()
    assert_page(body, PAYMENT)
    assert len(body["results"]) == DOCUMENTED_PAGE_SIZE
    assert body["previous"] is None
    assert page_number(body["next"]) == "2"


def test_list_payments_walked_by_next_links_and_by_page_numbers_sees_count_items(every_state, supplier_client,
                                                                                 supplier):
    by_links = walk_by_links(supplier_client, "/api/payments/", PAYMENT)
    by_numbers = walk_by_numbers(supplier_client, "/api/payments/", PAYMENT)
    assert by_links == by_numbers
    assert set(by_links) == set(Payment.objects.filter(supplier=supplier).values_list("pk", flat=True))


def test_supplier_lists_only_its_own_payments_operator_all(every_state, supplier, supplier_client, operator_client):
    own = set(Payment.objects.filter(supplier=supplier).values_list("pk", flat=True))
    assert set(walk_by_links(supplier_client, "/api/payments/", PAYMENT)) == own
    assert set(walk_by_links(operator_client, "/api/payments/", PAYMENT)) == set(
        Payment.objects.values_list("pk", flat=True)
    )


@pytest.mark.parametrize("status", ["A", "U", "PC", "AN", "D"])
def test_status_filter_returns_exactly_what_the_document_defines(
    every_state, frozen_today, supplier, supplier_client, operator_client, status
):
    for client, owner in ((supplier_client, supplier), (operator_client, None)):
        expected = documented_status_filter(status, today=frozen_today, owner=owner)
        assert expected, f"the data has no {status} payment for {owner}"
        assert set(walk_by_links(client, f"/api/payments/?status={status}", PAYMENT)) == expected
        assert set(walk_by_numbers(client, f"/api/payments/?status={status}", PAYMENT)) == expected


def test_the_five_status_filters_partition_every_payment(every_state, frozen_today, operator_client):
    seen = []
    for status in ("A", "U", "PC", "AN", "D"):
        seen += walk_by_links(operator_client, f"/api/payments/?status={status}", PAYMENT)
    assert sorted(seen) == sorted(Payment.objects.values_list("pk", flat=True))


def test_a_page_past_the_end_is_404(every_state, supplier_client):
    count = supplier_client.get("/api/payments/").json()["count"]
    response = supplier_client.get(f"/api/payments/?page={count // DOCUMENTED_PAGE_SIZE + 2}")
    assert response.status_code == 404


# --- Creating and retrieving payments -----------------------------------------------------------


def test_create_payment_201_as_documented(frozen_today, supplier, supplier_client):
    due = frozen_today + timedelta(days=5)
    response = supplier_client.post(
        "/api/payments/", {"supplier": supplier.pk, "due_date": due.isoformat(), "value": 1000}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert_shape(body, PAYMENT)
    assert (body["supplier"], body["creation_date"], body["due_date"], body["value"]) == (
        supplier.pk, frozen_today.isoformat(), due.isoformat(), "1000.00"
    )


def test_operator_creates_payments_for_any_supplier_a_supplier_only_for_itself(
    frozen_today, supplier, other_supplier, supplier_client, operator_client
):
    body = {"supplier": other_supplier.pk, "due_date": "2024-10-20", "value": 1000}
    assert operator_client.post("/api/payments/", body, format="json").status_code == 201
    refused = supplier_client.post("/api/payments/", body, format="json")
    assert 400 <= refused.status_code < 500
    assert Payment.objects.filter(supplier=other_supplier, due_date="2024-10-20").count() == 1


def test_retrieve_payment_200_as_documented(frozen_today, supplier, supplier_client, operator_client):
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=5))
    for client in (supplier_client, operator_client):
        response = client.get(f"/api/payments/{payment.pk}/")
        assert response.status_code == 200
        assert_shape(response.json(), PAYMENT)
        assert response.json()["id"] == payment.pk


def test_supplier_cannot_retrieve_another_suppliers_payment(frozen_today, other_supplier, supplier_client):
    payment = PaymentFactory(supplier=other_supplier)
    response = supplier_client.get(f"/api/payments/{payment.pk}/")
    assert response.status_code == 404
    assert "supplier" not in response.json()


# --- Anticipations ------------------------------------------------------------------------------


def test_create_anticipation_201_pending_with_the_documented_new_value(frozen_today, supplier, supplier_client):
    # The document's example: 1000.00 due 2024-10-01 anticipated to 2024-09-15 is 16 days: 984.00.
    payment = PaymentFactory(supplier=supplier, due_date=date(2024, 10, 1), value=Decimal("1000.00"))
    response = supplier_client.post(
        "/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-15"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert_shape(body, ANTICIPATION)
    assert (body["payment"], body["creation_date"], body["new_due_date"], body["new_value"], body["update_date"],
            body["status"]) == (payment.pk, "2024-09-15", "2024-09-15", "984.00", "2024-09-15", "PC")


def test_only_one_anticipation_per_payment(frozen_today, supplier, supplier_client):
    payment = PaymentFactory(supplier=supplier)
    body = {"payment": payment.pk, "new_due_date": "2024-09-20"}
    assert supplier_client.post("/api/anticipations/", body, format="json").status_code == 201
    assert 400 <= supplier_client.post("/api/anticipations/", body, format="json").status_code < 500
    assert Anticipation.objects.filter(payment=payment).count() == 1


def test_operator_anticipates_any_suppliers_payment_a_supplier_only_its_own(
    frozen_today, other_supplier, supplier_client, operator_client
):
    refused_payment, accepted_payment = PaymentFactory.create_batch(2, supplier=other_supplier)
    refused = supplier_client.post(
        "/api/anticipations/", {"payment": refused_payment.pk, "new_due_date": "2024-09-20"}, format="json"
    )
    assert 400 <= refused.status_code < 500
    accepted = operator_client.post(
        "/api/anticipations/", {"payment": accepted_payment.pk, "new_due_date": "2024-09-20"}, format="json"
    )
    assert accepted.status_code == 201
    assert not Anticipation.objects.filter(payment=refused_payment).exists()


@pytest.mark.parametrize("decision", ["A", "D"])
def test_operator_updates_an_anticipation_to_a_or_d_200(frozen_today, operator_client, decision):
    anticipation = AnticipationFactory()
    response = operator_client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": decision}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert_shape(body, ANTICIPATION)
    assert (body["id"], body["status"], body["update_date"]) == (anticipation.pk, decision, "2024-09-15")


@pytest.mark.parametrize("status", ["PC", "X", ""])
def test_a_and_d_are_the_only_statuses_allowed_when_updating(frozen_today, operator_client, status):
    anticipation = AnticipationFactory()
    response = operator_client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": status}, format="json")
    assert response.status_code == 400
    anticipation.refresh_from_db()
    assert anticipation.status == AnticipationStatus.PENDING_CONFIRMATION


def test_anticipations_can_only_be_updated_by_operators(frozen_today, supplier, supplier_client):
    anticipation = AnticipationFactory(payment__supplier=supplier)
    response = supplier_client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": "A"}, format="json")
    assert response.status_code == 403
    anticipation.refresh_from_db()
    assert anticipation.status == AnticipationStatus.PENDING_CONFIRMATION


def test_a_user_neither_supplier_nor_operator_has_no_permissions(frozen_today):
    client = authenticated_client(UserFactory())
    payment = PaymentFactory()
    assert client.get("/api/payments/").status_code == 403
    assert client.get(f"/api/payments/{payment.pk}/").status_code == 403
    assert client.post("/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-20"},
                       format="json").status_code == 403
    assert client.get("/api/logs/").status_code == 403


# --- Request logs -------------------------------------------------------------------------------


def test_every_request_and_decision_writes_a_log_listed_with_its_documented_fields(
    frozen_today, supplier, supplier_client, operator, operator_client
):
    payment = PaymentFactory(supplier=supplier)
    anticipation = supplier_client.post(
        "/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-20"}, format="json"
    ).json()
    operator_client.patch(f"/api/anticipations/{anticipation['id']}/", {"status": "A"}, format="json")
    body = operator_client.get("/api/logs/").json()
    assert_page(body, REQUEST_LOG)
    assert body["count"] == 2
    rows = {row["action"]: row for row in body["results"]}
    assert set(rows) == {"R", "A"}
    assert (rows["R"]["anticipation"], rows["R"]["user"], rows["R"]["created_at"]) == (
        anticipation["id"], supplier.user.pk, "2024-09-15"
    )
    assert (rows["A"]["anticipation"], rows["A"]["user"]) == (anticipation["id"], operator.pk)


def test_a_denial_is_logged_as_d(frozen_today, operator_client):
    anticipation = AnticipationFactory()
    operator_client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": "D"}, format="json")
    actions = [row["action"] for row in operator_client.get(f"/api/logs/?anticipation={anticipation.pk}")
               .json()["results"]]
    assert sorted(actions) == ["D", "R"]


def test_logs_walked_by_links_and_numbers_supplier_sees_own_operator_all(
    every_state, supplier, supplier_client, operator_client
):
    own = set(RequestLog.objects.filter(anticipation__payment__supplier=supplier).values_list("pk", flat=True))
    assert set(walk_by_links(supplier_client, "/api/logs/", REQUEST_LOG)) == own
    assert set(walk_by_numbers(supplier_client, "/api/logs/", REQUEST_LOG)) == own
    assert set(walk_by_links(operator_client, "/api/logs/", REQUEST_LOG)) == set(
        RequestLog.objects.values_list("pk", flat=True)
    )


def test_supplier_of_a_new_company_sees_an_empty_first_page(frozen_today):
    client = authenticated_client(SupplierFactory().user)
    for path in ("/api/payments/", "/api/logs/"):
        assert client.get(path).json() == {"count": 0, "next": None, "previous": None, "results": []}
