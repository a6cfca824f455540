"""`ehsaas dci`: an operator registers a client in one line, and signs a request the API accepts."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ehsaas.api.models import DciClient
from ehsaas.core.models import AuditEvent
from tests.api.conftest import BASE, header, search_message


def test_an_operator_registers_a_client_with_a_new_key_and_signs_a_request_it_can_send(
    reference_data, district_a, tmp_path, client
):
    key = tmp_path / "spmis.pem"
    call_command("dci", "register-client", "spmis.example.org", "--name", "SPMIS", "--districts", district_a.code,
                 "--personal-data", "--key-out", str(key), stderr=io.StringIO())  # fmt: skip
    registered = DciClient.objects.get(sender_id="spmis.example.org")
    assert list(registered.districts.all()) == [district_a]
    assert registered.personal_data
    assert AuditEvent.objects.filter(action="api.client_register").exists()
    request = tmp_path / "request.json"
    registered.callback_uri = ""
    request.write_text(json.dumps({"header": header(registered, "search", sender_uri=None, message_id="old"),
                                   "message": search_message("expression", "rooms > 0")}))  # fmt: skip
    out = io.StringIO()
    call_command("dci", "sign", str(request), "--key", str(key), stdout=out)
    signed = json.loads(out.getvalue())
    assert signed["header"]["message_id"] != "old"
    response = client.post(BASE + "sync/search", signed, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["message"]["search_response"][0]["status"] == "succ"


def test_a_client_with_unknown_districts_or_no_scope_is_refused(reference_data):
    with pytest.raises(CommandError, match="unknown district or province codes: PK-XX"):
        call_command(
            "dci",
            "register-client",
            "a.example.org",
            "--name",
            "A",
            "--districts",
            "PK-XX",
            stdout=io.StringIO(),
        )
    with pytest.raises(CommandError, match="a client needs districts, provinces or nationwide access"):
        call_command("dci", "register-client", "a.example.org", "--name", "A", stdout=io.StringIO())
    assert not DciClient.objects.exists()
