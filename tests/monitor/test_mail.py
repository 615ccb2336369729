"""SMTP as deployed: STARTTLS or implicit TLS, login with the password from the environment (never
logged, never in an error), messages that parse back with the ``email`` package."""

from __future__ import annotations

import base64
import ipaddress
import logging
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from monitor.config import SmtpConfig
from monitor.mail import SmtpFailure, SmtpTransport, build_message, new_message_id
from tests.monitor.digest_world import Mailbox, start_smtp

PASSWORD = "s3cret-Pa55-word"
DATE = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


def _message(recipient: str = "analyst@example.com") -> bytes:
    return build_message(sender="govwatch@example.com", recipient=recipient,
                         subject="[govwatch] 1 项效力变更 — 无锡市发展和改革委员会 · 2026-03-02",
                         text="效力状况：有效 → 失效\n.\n.leading dot line\n",
                         html="<p>效力状况：有效 → <b>失效</b></p>",
                         message_id=new_message_id("analyst.test"), date=DATE)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def trusted(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """The test certificate trusted by ``ssl.create_default_context`` (as a CA bundle would be)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                   auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"govwatch" \
        and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


@pytest.fixture
def starttls_server(trusted: ssl.SSLContext) -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    controller = start_smtp(box, tls_context=trusted, require_starttls=True,
                            authenticator=_authenticator, auth_required=True)
    yield box, controller.port
    controller.stop()


@pytest.fixture
def ssl_server(trusted: ssl.SSLContext) -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    controller = start_smtp(box, ssl_context=trusted, authenticator=_authenticator,
                            auth_required=True, auth_require_tls=False)
    yield box, controller.port
    controller.stop()


def _smtp(port: int, **kw: Any) -> SmtpConfig:
    return SmtpConfig(host="127.0.0.1", port=port, username="govwatch",
                      password_env="GOVWATCH_TEST_SMTP_PASSWORD", sender="govwatch@example.com",
                      timeout=5, **kw)


def test_starttls_and_login_deliver_a_message_that_parses_back(
        starttls_server: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch) -> None:
    box, port = starttls_server
    monkeypatch.setenv("GOVWATCH_TEST_SMTP_PASSWORD", PASSWORD)
    with SmtpTransport(_smtp(port, starttls=True)) as transport:
        transport.send("govwatch@example.com", "analyst@example.com", _message(), lambda: True)
        transport.send("govwatch@example.com", "yx@example.com", _message("yx@example.com"),
                       lambda: True)  # the connection is reused
    first, second = box.parsed()
    assert str(first["Subject"]) == \
        "[govwatch] 1 项效力变更 — 无锡市发展和改革委员会 · 2026-03-02"
    assert first["Auto-Submitted"] == "auto-generated"
    assert first.get_content_type() == "multipart/alternative"
    plain, html = first.get_body(("plain",)), first.get_body(("html",))
    assert plain is not None and html is not None
    # Dot-stuffing survived the trip: lines that start with "." arrive intact.
    text = plain.get_content().replace("\r\n", "\n")
    assert text == "效力状况：有效 → 失效\n.\n.leading dot line\n"
    assert "<b>失效</b>" in html.get_content()
    assert str(second["To"]) == "yx@example.com"


# aiosmtpd cannot tell that implicit TLS is TLS and warns about AUTH without it: a test-server
# limitation, not ours.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls(ssl_server: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch) -> None:
    box, port = ssl_server
    monkeypatch.setenv("GOVWATCH_TEST_SMTP_PASSWORD", PASSWORD)
    with SmtpTransport(_smtp(port, ssl=True)) as transport:
        transport.send("govwatch@example.com", "analyst@example.com", _message(), lambda: True)
    assert len(box.messages) == 1


def test_the_password_never_appears_in_errors_or_logs(
        starttls_server: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    box, port = starttls_server
    wrong = PASSWORD + "-wrong"
    monkeypatch.setenv("GOVWATCH_TEST_SMTP_PASSWORD", wrong)
    caplog.set_level(logging.DEBUG)
    with SmtpTransport(_smtp(port, starttls=True)) as transport, \
            pytest.raises(SmtpFailure) as failure:
        transport.send("govwatch@example.com", "analyst@example.com", _message(), lambda: True)
    assert failure.value.connection and not failure.value.delivered_unknown
    assert "refused the login as govwatch" in str(failure.value)
    plain_auth = base64.b64encode(f"\0govwatch\0{wrong}".encode()).decode()
    texts = [str(failure.value), repr(failure.value), caplog.text,
             *(str(e) for e in _chain(failure.value))]
    for text in texts:
        assert wrong not in text and PASSWORD not in text and plain_auth not in text
    assert box.messages == []


def test_a_non_ascii_password_is_a_clear_error_without_the_password(
        starttls_server: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch) -> None:
    _, port = starttls_server
    monkeypatch.setenv("GOVWATCH_TEST_SMTP_PASSWORD", "密码-secret")
    with SmtpTransport(_smtp(port, starttls=True)) as transport, \
            pytest.raises(SmtpFailure, match="non-ASCII") as failure:
        transport.send("govwatch@example.com", "analyst@example.com", _message(), lambda: True)
    assert "密码" not in str(failure.value) and failure.value.__cause__ is None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen = exc.__cause__ or exc.__context__
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def test_a_missing_password_is_a_clear_error(starttls_server: tuple[Mailbox, int],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _, port = starttls_server
    monkeypatch.delenv("GOVWATCH_TEST_SMTP_PASSWORD", raising=False)
    with SmtpTransport(_smtp(port, starttls=True)) as transport, \
            pytest.raises(SmtpFailure, match=r"\$GOVWATCH_TEST_SMTP_PASSWORD, which is not set"):
        transport.send("govwatch@example.com", "analyst@example.com", _message(), lambda: True)


def test_a_refused_commit_withdraws_the_message(starttls_server: tuple[Mailbox, int],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    box, port = starttls_server
    monkeypatch.setenv("GOVWATCH_TEST_SMTP_PASSWORD", PASSWORD)
    with SmtpTransport(_smtp(port, starttls=True)) as transport:
        with pytest.raises(SmtpFailure) as failure:
            transport.send("govwatch@example.com", "analyst@example.com", _message(),
                           lambda: False)
        assert failure.value.aborted
        # The next message goes through on a fresh connection.
        transport.send("govwatch@example.com", "yx@example.com", _message("yx@example.com"),
                       lambda: True)
    assert [str(m["To"]) for m in box.parsed()] == ["yx@example.com"]


def test_unreachable_server_is_a_connection_failure() -> None:
    from tests.monitor.digest_world import free_port

    transport = SmtpTransport(SmtpConfig(host="127.0.0.1", port=free_port(), timeout=2))
    with pytest.raises(SmtpFailure) as failure:
        transport.send("a@example.com", "b@example.com", _message(), lambda: True)
    assert failure.value.connection and not failure.value.delivered_unknown
