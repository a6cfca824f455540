"""The site's own error pages: a forbidden page (403), a missing page or record (404), and a server
error (500), which must render without a request, a user or the database."""

import pytest
from django.template import loader
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from tests.registry.factories import household_with_members

pytestmark = pytest.mark.django_db


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


def test_a_page_the_users_role_does_not_allow_shows_the_forbidden_page(client_as, personas, settings):
    assert settings.DEBUG is False  # Django shows its own technical pages when DEBUG is on
    response = client_as(personas["no_role"]).get(reverse("registry:search"))
    body = response.content.decode()
    assert response.status_code == 403
    assert "403.html" in template_names(response) and "base.html" in template_names(response)
    assert "You may not open this page" in body
    assert f'href="{reverse("home")}"' in body


def test_a_household_that_does_not_exist_shows_the_not_found_page(client_as, personas):
    response = client_as(personas["programme_officer"]).get(reverse("registry:household", args=[987654321]))
    assert response.status_code == 404
    assert "404.html" in template_names(response) and "base.html" in template_names(response)
    assert "Page not found" in response.content.decode()


def test_a_household_outside_a_partners_districts_looks_just_like_a_missing_one(
    client_as, personas, district_b
):
    elsewhere = household_with_members(1, district=district_b)
    response = client_as(personas["partner"]).get(reverse("registry:household", args=[elsewhere.pk]))
    body = response.content.decode()
    assert response.status_code == 404 and "404.html" in template_names(response)
    assert elsewhere.household_ref not in body


def test_an_unknown_address_shows_the_not_found_page_even_to_someone_not_signed_in(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "404.html" in template_names(response)
    assert "Sign out" not in response.content.decode()


def test_a_server_error_shows_a_plain_page_with_a_link_home():
    response = server_error(RequestFactory().get("/households/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in body and 'href="/"' in body


def test_the_server_error_page_renders_with_no_context_at_all_in_either_direction():
    # server_error renders the template bare: no request, so no user, no context processors.
    assert 'dir="ltr"' in loader.get_template("500.html").render()
    with translation.override("ur"):
        assert 'dir="rtl"' in loader.get_template("500.html").render()
