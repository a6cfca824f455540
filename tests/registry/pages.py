"""What the tests of the household pages share: who may do what, and how a page is fetched."""

READERS = ["administrator", "programme_officer", "registration_officer", "finance_officer", "partner",
           "me_analyst", "auditor"]  # fmt: skip
REGISTRARS = ["administrator", "registration_officer"]
NOT_REGISTRARS = ["programme_officer", "finance_officer", "partner", "me_analyst", "auditor", "no_role"]
HTMX = {"HTTP_HX_REQUEST": "true"}


def page(client_as, user, url, **extra):
    return client_as(user).get(url, **extra)
