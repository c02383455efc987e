"""SMS through an HTTP gateway, against a real local HTTP server that records what it received:
the request each provider's configuration makes, the id read back, and every failure a French
ChannelError that never shows the token."""

import base64
import socket
import urllib.parse

import pytest

from clerc_tui.config import SmsSettings, sms_settings, sms_token
from clerc_tui.errors import ClercError
from clerc_tui.services.channels.sms import (
    ChannelError,
    ChannelUncertain,
    HttpSmsGateway,
    OutgoingMessage,
    RequestTemplate,
    SmsSender,
    gateway_from_settings,
)
from tests.sms_gateway import LocalGateway

TOKEN = "s3cr3t+t/oken=="


@pytest.fixture(scope="session")
def server():
    gateway = LocalGateway()
    yield gateway
    gateway.close()


def _gateway(server, path="/ok", template=None, *, timeout=5.0, token=TOKEN, sender="ETUDE"):
    template = template or RequestTemplate(id_key="messageId")  # the local server's answer: {"messageId": N}
    return HttpSmsGateway(server.url(path), token, sender, template, timeout=timeout)


# --- what the provider receives ----------------------------------------------------------------


def test_default_request_is_json_with_a_bearer_token(server):
    message_id = _gateway(server).send("06 12 34 56 78", "Votre échéance du 26/11/2026 : 120,00 €.")
    got = server.last()
    assert message_id.isdigit()
    assert got.method == "POST" and got.path == "/ok"
    assert got.headers["Authorization"] == f"Bearer {TOKEN}"
    assert got.headers["Content-Type"] == "application/json; charset=utf-8"
    assert got.json() == {"to": "+33612345678", "text": "Votre échéance du 26/11/2026 : 120,00 €.", "from": "ETUDE"}


def test_brevo_shape_header_key_digits_and_constant_fields(server):
    template = RequestTemplate(
        auth="header",
        auth_header="api-key",
        to_field="recipient",
        text_field="content",
        sender_field="sender",
        reference_field="tag",
        number_format="digits",
        id_key="messageId",
        fields=(("type", "transactional"),),
    )
    message_id = _gateway(server, template=template).send("0692 12 34 56", "Rappel", reference="camp-1:42")
    got = server.last()
    assert got.headers["Api-Key"] == TOKEN
    assert "Authorization" not in got.headers
    assert got.json() == {
        "type": "transactional",
        "recipient": "262692123456",
        "content": "Rappel",
        "sender": "ETUDE",
        "tag": "camp-1:42",
    }
    assert message_id.isdigit()  # an integer id in the answer, handed back as text


def test_smsmode_shape_nested_fields(server):
    template = RequestTemplate(
        auth="header",
        auth_header="X-Api-Key",
        to_field="recipient.to",
        text_field="body.text",
        number_format="digits",
        id_key="result.ids.0",
    )
    message_id = _gateway(server, "/nested", template).send("07 81 23 45 67", "Bonjour")
    got = server.last()
    assert got.json() == {"recipient": {"to": "33781234567"}, "body": {"text": "Bonjour"}, "from": "ETUDE"}
    assert got.headers["X-Api-Key"] == TOKEN
    assert message_id.startswith("X-")


def test_twilio_shape_form_body_and_basic_auth(server):
    template = RequestTemplate(
        auth="basic", user="AC0123", body="form", to_field="To", text_field="Body", sender_field="From",
        id_key="messageId",
    )  # fmt: skip
    _gateway(server, template=template).send("+33 6 12 34 56 78", "Payé : merci & à bientôt")
    got = server.last()
    assert got.headers["Authorization"] == "Basic " + base64.b64encode(f"AC0123:{TOKEN}".encode()).decode()
    assert got.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert urllib.parse.parse_qs(got.body.decode()) == {
        "To": ["+33612345678"],
        "Body": ["Payé : merci & à bientôt"],
        "From": ["ETUDE"],
    }


OVH = RequestTemplate(
    auth="field", token_field="password", body="query", to_field="to", text_field="message",
    sender_field="from", id_key="SmsIds.0", error_key="message",
    fields=(("account", "sms-ab1234-1"), ("login", "clerc"), ("contentType", "application/json")),
)  # fmt: skip


def test_ovh_http2sms_shape_query_with_the_password_as_a_field(server):
    message_id = _gateway(server, "/ovh?noStop=1", OVH).send("06 12 34 56 78", "Relance n° 2")
    assert message_id.isdigit()
    got = server.last()
    assert got.method == "GET" and got.body == b""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(got.path).query)
    assert query == {
        "noStop": ["1"],
        "account": ["sms-ab1234-1"],
        "login": ["clerc"],
        "contentType": ["application/json"],
        "to": ["+33612345678"],
        "message": ["Relance n° 2"],
        "from": ["ETUDE"],
        "password": [TOKEN],
    }


def test_a_refusal_answered_200_with_the_error_key_is_a_plain_refusal(server):
    error = _refusal(_gateway(server, "/ovh-refused", OVH))
    assert not isinstance(error, ChannelUncertain)
    assert error.message.endswith("refuse la demande : « Missing message. ».")


def test_the_sender_can_be_given_per_message_or_left_out(server):
    gateway = _gateway(server, sender="")
    gateway.send("0612345678", "Sans expéditeur")
    assert "from" not in server.last().json()
    gateway.send("0612345678", "Autre expéditeur", "CJ-LYON")
    assert server.last().json()["from"] == "CJ-LYON"


# --- refusals before anything is sent ----------------------------------------------------------


@pytest.mark.parametrize(
    "to, text, words",
    [
        ("01 23 45 67 89", "Bonjour", "numéro fixe"),
        ("09 72 10 20 30", "Bonjour", "numéro polyvalent"),
        ("", "Bonjour", "vide"),
        ("06 12 34 56 78", "  ", "message est vide"),
    ],
)
def test_nothing_is_posted_for_a_landline_or_an_empty_text(server, to, text, words):
    before = len(server.received)
    with pytest.raises(ChannelError) as error:
        _gateway(server).send(to, text)
    assert words in error.value.message and error.value.message.startswith("SMS non envoyé")
    assert len(server.received) == before


# --- failures: French, never the token ---------------------------------------------------------


def _refusal(gateway, *, kind=ChannelError):
    with pytest.raises(kind) as error:
        gateway.send("06 12 34 56 78", "Bonjour")
    message = error.value.message
    for secret in (TOKEN, urllib.parse.quote_plus(TOKEN), urllib.parse.quote(TOKEN)):
        assert secret not in message
    assert "Traceback" not in message
    return error.value


@pytest.mark.parametrize(
    "code, words",
    [
        (500, "est en erreur (HTTP 500)"),
        (503, "est en erreur (HTTP 503)"),
        (401, "refuse l'identification (HTTP 401) ; vérifiez le jeton"),
        (403, "refuse l'identification (HTTP 403)"),
        (429, "demande de ralentir (HTTP 429)"),
        (400, "refuse la demande (HTTP 400)"),
    ],
)
def test_http_errors(server, code, words):
    error = _refusal(_gateway(server, f"/status/{code}"))
    assert words in error.message
    assert "erreur simulée \\u001b[2J" in error.message  # what the provider said, cut short, its ESC escaped
    assert "\x1b" not in error.message
    assert not isinstance(error, ChannelUncertain)


def test_a_provider_quoting_the_token_back_does_not_put_it_on_screen(server):
    error = _refusal(_gateway(server, "/echo-token"))
    assert "Bearer ***" in error.message


def test_a_token_in_the_query_never_shows(server):
    template = RequestTemplate(auth="field", token_field="password", body="query")
    error = _refusal(_gateway(server, "/status/500", template))
    assert error.message.startswith(f"SMS non envoyé : la passerelle http://127.0.0.1:{server.port} est en erreur")
    assert "password" not in error.message


def test_timeout_is_uncertain_and_says_to_check_before_resending(server):
    error = _refusal(_gateway(server, "/slow/1.5", timeout=0.3), kind=ChannelUncertain)
    assert "n'a pas répondu dans les 0,3 s" in error.message
    assert "vérifiez sur le site du prestataire avant de renvoyer" in error.message


def test_a_connection_dropped_before_the_answer_is_uncertain(server):
    error = _refusal(_gateway(server, "/drop"), kind=ChannelUncertain)
    assert "s'est interrompue avant la réponse" in error.message


def test_a_plain_text_answer_is_uncertain(server):
    error = _refusal(_gateway(server, "/text"), kind=ChannelUncertain)
    assert "autre chose que du JSON" in error.message and "OK 85.95 123456789␛[2J" in error.message
    assert "\x1b" not in error.message


def test_an_answer_without_the_id_is_uncertain(server):
    error = _refusal(_gateway(server, "/noid"), kind=ChannelUncertain)
    assert "ne donne pas d'identifiant à « messageId »" in error.message


def test_refused_connection():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gateway = HttpSmsGateway(f"http://127.0.0.1:{port}/sms", TOKEN, "ETUDE", timeout=2)
    error = _refusal(gateway)
    assert error.message == (
        f"SMS non envoyé : la passerelle http://127.0.0.1:{port} refuse la connexion "
        "(service arrêté ou mauvais port ?)."
    )


def test_unknown_host():
    gateway = HttpSmsGateway("https://passerelle.invalid/sms", TOKEN, "ETUDE", timeout=2)
    assert "https://passerelle.invalid" in _refusal(gateway).message


def test_the_token_is_not_in_the_repr(server):
    assert TOKEN not in repr(_gateway(server)) and TOKEN not in str(vars(_gateway(server)).get("url"))


# --- the campaign runner's Sender -----------------------------------------------------------


def test_sender_adapter_sends_the_body_with_the_key_as_reference(server):
    template = RequestTemplate(reference_field="ref", id_key="messageId")
    sender = SmsSender(_gateway(server, template=template))
    message = OutgoingMessage("camp-7:12:sms", 12, "sms", "06 12 34 56 78", "", "Votre dossier 2026-000012")
    assert sender.channel == "sms"
    assert sender.send(message).isdigit()
    assert server.last().json() == {
        "to": "+33612345678",
        "text": "Votre dossier 2026-000012",
        "from": "ETUDE",
        "ref": "camp-7:12:sms",
    }
    with pytest.raises(ChannelError, match="canal email"):
        sender.send(OutgoingMessage("k", 1, "email", "a@b.fr", "Objet", "Texte"))


# --- the [sms] table and the token --------------------------------------------------------------


def _config(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_to_gateway_end_to_end(server, tmp_path, monkeypatch):
    token_file = tmp_path / "sms.token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    token_file.chmod(0o640)
    path = _config(
        tmp_path,
        f'''[database]
path = "/srv/clerc/etude.db"

[sms]
url = "{server.url("/nested")}"
sender = "ETUDE"
auth = "header"
auth_header = "X-Api-Key"
token_file = "{token_file}"
to_field = "recipient.to"
text_field = "body.text"
number_format = "digits"
id_key = "result.ids.0"
timeout = 5

[sms.fields]
"body.stop" = false
''',
    )
    settings = sms_settings((tmp_path / "absent.toml", path))
    assert settings is not None and settings.config_file == path
    assert TOKEN not in repr(settings)
    gateway = gateway_from_settings(settings, sms_token)
    assert gateway.send("06 12 34 56 78", "Bonjour").startswith("X-")
    assert server.last().json() == {
        "body": {"stop": "false", "text": "Bonjour"},
        "recipient": {"to": "33612345678"},
        "from": "ETUDE",
    }


def test_no_sms_table_is_none_and_the_gateway_says_how_to_configure(tmp_path):
    path = _config(tmp_path, '[database]\npath = "/srv/x.db"\n')
    assert sms_settings((path,)) is None
    with pytest.raises(ChannelError, match=r"Aucune passerelle SMS n'est configurée : ajoutez une table \[sms\]"):
        gateway_from_settings(None, sms_token)


@pytest.mark.parametrize(
    "table, words",
    [
        ('url = "ftp://x"\ntoken_env = "T"', "url doit être l'adresse https://"),
        ('url = "https://x"\ntoken_env = "T"\nauth = "oauth"', "auth = « oauth » : bearer, basic"),
        ('url = "https://x"\ntoken_env = "T"\nauth = "basic"', "auth = « basic » demande user"),
        ('url = "https://x"', "token_file ou dans la variable nommée par token_env"),
        ('url = "https://x"\ntoken_env = "T"\ntoken = "abc"', "clé inconnue : token"),
        ('url = "https://x"\ntoken_env = "T"\ntimeout = 0', "timeout doit être un nombre de secondes"),
        ('url = "https://x"\ntoken_env = "T"\nbody = "xml"', "body = « xml »"),
        ('url = "https://x"\ntoken_env = "T"\nsender = 12', "sender doit être un texte"),
    ],
)
def test_a_table_said_wrong_names_the_file(tmp_path, table, words):
    path = _config(tmp_path, f"[sms]\n{table}\n")
    with pytest.raises(ClercError) as error:
        sms_settings((path,))
    assert error.value.message.startswith(f"Configuration {path} : [sms] illisible (")
    assert words in error.value.message


def test_token_from_the_environment_variable_named(monkeypatch):
    settings = SmsSettings(url="https://x", token_env="CLERC_TEST_SMS_TOKEN")
    monkeypatch.setenv("CLERC_TEST_SMS_TOKEN", TOKEN)
    assert sms_token(settings) == TOKEN
    monkeypatch.delenv("CLERC_TEST_SMS_TOKEN")
    with pytest.raises(ClercError, match="CLERC_TEST_SMS_TOKEN"):
        sms_token(settings)


def test_token_file_readable_by_all_is_refused(tmp_path):
    token_file = tmp_path / "sms.token"
    token_file.write_text(TOKEN, encoding="utf-8")
    token_file.chmod(0o644)
    settings = SmsSettings(url="https://x", token_file=str(token_file))
    with pytest.raises(ClercError) as error:
        sms_token(settings)
    assert "lisible par tous les comptes" in error.value.message and TOKEN not in error.value.message
    token_file.chmod(0o600)
    assert sms_token(settings) == TOKEN
    token_file.write_text("\n", encoding="utf-8")
    with pytest.raises(ClercError, match="vide"):
        sms_token(settings)
    with pytest.raises(ClercError, match="illisible"):
        sms_token(SmsSettings(url="https://x", token_file=str(tmp_path / "absent")))
