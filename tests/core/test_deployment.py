"""The README's production deployment, run for real on both passes of the suite.

The module's fixture follows the README's "Production deployment" section from the
package as installed: the ``cityrights`` commands of step 4 (``migrate``,
``collectstatic --noinput`` with the production storage into a temporary
``STATIC_ROOT``, ``check --deploy``, ``createsuperuser``), the demo city for something
to show, then the README's gunicorn command on a free local port. Requests arrive as
a TLS-terminating proxy would pass them on (``X-Forwarded-Proto``,
``X-Forwarded-For``, ``CITYRIGHTS_TRUSTED_PROXIES=1``). Mail goes to a small SMTP
server run by the test. On the PostgreSQL pass the deployment gets a fresh PostgreSQL
database of its own beside the test database; on the SQLite pass a file.
"""

from __future__ import annotations

import email
import email.policy
import http.client
import json
import os
import re
import shlex
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dj_database_url
import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
HOST = "rights.example.org"
CLIENT_ADDRESS = "203.0.113.77"
DEMO_PASSWORD = "demo-rights-2026"
OPERATOR = ("operator@rights.example.org", "operator-passphrase-2026")
DEMO_KEY = "crk_demomlab_demo-mobility-lab-check-key"


def production_section() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("## Production deployment", 1)[1].split("\n## ", 1)[0]


def readme_commands() -> list[list[str]]:
    """The ``cityrights …`` commands of the README's set-up step, in order.

    Only the steps before serving count: later steps (backups, key rotation) name
    commands an operator runs on other occasions.
    """
    setup = production_section().split("Serve with gunicorn")[0]
    return [shlex.split(command) for command in re.findall(r"`(cityrights [^`]+)`", setup)]


def readme_gunicorn() -> list[str]:
    """The README's gunicorn command line."""
    lines = [line.strip() for line in production_section().splitlines()]
    return shlex.split(next(line for line in lines if line.startswith("gunicorn ")))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- a mail server that keeps what it receives ------------------------------------------------
class _SmtpSession(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.reply("354 end with a dot")
                body = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.server.messages.append(  # type: ignore[attr-defined]
                    email.message_from_bytes(b"".join(body), policy=email.policy.default)
                )
                self.reply("250 kept")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 sink")


class MailSink(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        self.messages: list[email.message.EmailMessage] = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def texts(self) -> list[str]:
        return [message.get_body(("plain",)).get_content() for message in self.messages]


# --- a browser behind the proxy ---------------------------------------------------------------
@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def csrf(self) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.text)
        assert found, self.text[:500]
        return found.group(1)


@dataclass
class Browser:
    """One visitor: keeps its cookies (``Secure`` ones too, since the proxy speaks HTTPS)."""

    port: int
    https: bool = True
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, *, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Host": HOST, "X-Forwarded-For": CLIENT_ADDRESS, **(headers or {})}
        if self.https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=sent)
        answer = connection.getresponse()
        response = Response(answer.status, answer.headers, answer.read())
        connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response

    def get(self, path: str, **headers: str) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict[str, str], *, referer: str) -> Response:
        return self.request(
            "POST",
            path,
            body=urllib.parse.urlencode(data).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://{HOST}",
                "Referer": f"https://{HOST}{referer}",
            },
        )

    def post_json(self, path: str, payload: object, **headers: str) -> Response:
        return self.request(
            "POST",
            path,
            body=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", **headers},
        )

    def log_in(self, email_address: str, password: str, path: str = "/accounts/login/") -> Response:
        form = self.get(path)
        assert form.status == 200, form.status
        return self.post(
            path,
            {
                "csrfmiddlewaretoken": form.csrf(),
                "username": email_address,
                "password": password,
            },
            referer=path,
        )


# --- the deployment ---------------------------------------------------------------------------
@dataclass
class Deployment:
    directory: Path
    environment: dict[str, str]
    port: int
    process: subprocess.Popen[bytes]
    mail: MailSink
    outputs: list[Path]

    def browser(self, *, https: bool = True) -> Browser:
        return Browser(self.port, https=https)

    def stop(self) -> None:
        """Stop gunicorn (it was started by this test) and wait until its logs are written."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)

    def logs(self) -> str:
        return "\n".join(
            path.read_text(encoding="utf-8", errors="replace") for path in self.outputs
        )


def _run(command: list[str], environment: dict[str, str]) -> str:
    result = subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, f"{shlex.join(command)}\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def _database(directory: Path) -> tuple[str, object]:
    """A fresh database for the deployment and a function that removes it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{directory / 'cityrights.sqlite3'}", lambda: None
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = f"test_{config['NAME']}_deployment"

    def admin(statement: sql.Composable) -> None:
        with psycopg.connect(
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as connection:
            connection.execute(statement)

    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    admin(drop)
    admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urllib.parse.urlparse(url)._replace(path=f"/{name}").geturl(), lambda: admin(drop)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    directory = tmp_path_factory.mktemp("production")
    database_url, drop_database = _database(directory)
    mail = MailSink()
    # TZ: Django set it in this process from the test settings; a server's shell has none.
    drop = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL"}
    drop.add("TZ")
    environment = {
        **{
            k: v for k, v in os.environ.items() if k not in drop and not k.startswith("CITYRIGHTS_")
        },
        "DJANGO_SETTINGS_MODULE": "cityrights.settings.production",
        "SECRET_KEY": "production-" + os.urandom(24).hex(),
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "CITYRIGHTS_BASE_URL": f"https://{HOST}",
        "CITYRIGHTS_DEFAULT_FROM": f"Digital rights <rights@{HOST}>",
        "CITYRIGHTS_DATA_DIR": str(directory),
        "CITYRIGHTS_STATIC_ROOT": str(directory / "static-root"),
        "CITYRIGHTS_EMAIL_URL": f"smtp+plain://127.0.0.1:{mail.port}",
        "CITYRIGHTS_TRUSTED_PROXIES": "1",
        "DJANGO_SUPERUSER_EMAIL": OPERATOR[0],
        "DJANGO_SUPERUSER_PASSWORD": OPERATOR[1],
        "PYTHONUNBUFFERED": "1",
    }
    bin_dir = Path(sys.executable).parent
    commands = readme_commands()
    assert [c[:2] for c in commands] == [
        ["cityrights", "migrate"],
        ["cityrights", "collectstatic"],
        ["cityrights", "create-keys"],
        ["cityrights", "check"],
        ["cityrights", "createsuperuser"],
        ["cityrights", "create-city"],
        ["cityrights", "sendtestemail"],
    ], commands
    for command in commands:
        extra = {
            "check": ["--fail-level", "WARNING"],
            "createsuperuser": ["--noinput"],
            # The README's example administrator is this deployment's operator.
            "create-city": ["--admin", OPERATOR[0]],
        }
        output = _run(
            [str(bin_dir / command[0]), *command[1:], *extra.get(command[1], [])], environment
        )
        if command[1] == "check":
            assert "no issues" in output, output
    # The README's test mail reached the mail server.
    assert [message["To"] for message in mail.messages] == ["it@brussels.example"]
    # Something to show: a test installation, so the demo is loaded deliberately.
    _run([str(bin_dir / "cityrights"), "demo", "--into-production"], environment)

    port = free_port()
    gunicorn = readme_gunicorn()
    assert gunicorn[0] == "gunicorn"
    # The README's command with this test's port and two workers for a shared CI machine:
    # later options override earlier ones.
    command = [
        str(bin_dir / "gunicorn"),
        *gunicorn[1:],
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
    ]
    outputs = [directory / "gunicorn.out", directory / "gunicorn.err"]
    with outputs[0].open("wb") as out, outputs[1].open("wb") as err:
        process = subprocess.Popen(command, env=environment, stdout=out, stderr=err, cwd=directory)
    served = Deployment(directory, environment, port, process, mail, outputs)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, served.logs()
            try:
                if served.browser().get("/healthz").status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, served.logs()
            time.sleep(0.5)
        yield served
    finally:
        served.stop()
        mail.shutdown()
        mail.server_close()
        drop_database()


def static_references(html: str) -> set[str]:
    return set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))


def test_public_staff_admin_api_and_static_files_are_served(deployment):
    visitor = deployment.browser()
    pages = {}
    for path in ("/", "/cities/demo-city/", "/cities/demo-city/register/"):
        page = visitor.get(path)
        assert page.status == 200, (path, page.status, page.text[:300])
        pages[path] = page.text
    home = visitor.get("/")
    assert "max-age=31536000" in home.headers["Strict-Transport-Security"]
    assert "camera=()" in home.headers["Permissions-Policy"]
    assert "default-src 'self'" in home.headers["Content-Security-Policy"]

    staff = deployment.browser()
    assert staff.log_in("admin@demo-city.example", DEMO_PASSWORD).status == 302
    for path in ("/manage/demo-city/", "/manage/demo-city/register/"):
        page = staff.get(path)
        assert page.status == 200, (path, page.status)
        pages[path] = page.text

    operator = deployment.browser()
    to_login = operator.get("/admin/login/?next=/admin/")
    assert to_login.status == 302
    assert to_login.headers["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert operator.log_in(*OPERATOR).status == 302
    admin = operator.get("/admin/")
    assert admin.status == 200
    pages["/admin/"] = admin.text
    # The README's first city, administered by the operator it named.
    assert operator.get("/manage/brussels/").status == 200
    assert visitor.get("/cities/brussels/").status == 200

    listing = visitor.get("/api/v1/register/demo-city/entries")
    assert listing.status == 200
    assert listing.headers["Content-Type"].startswith("application/json")
    check = visitor.post_json(
        "/api/v1/consent/check",
        {
            "identifier": {"kind": "participant", "value": "MS-2026-004"},
            "agreement": "mobility-study",
            "purpose": "https://w3id.org/dpv#AcademicResearch",
            "categories": ["https://w3id.org/dpv/pd#GPSCoordinate"],
        },
        Authorization=f"Bearer {DEMO_KEY}",
    )
    assert check.status == 200, check.text
    assert json.loads(check.text)["decision"] in {"permit", "deny"}

    references = set().union(*(static_references(html) for html in pages.values()))
    assert any(ref.startswith("/static/cityrights/cityrights.") for ref in references)
    for reference in sorted(references):
        asset = visitor.get(reference)
        assert asset.status == 200, reference
        assert "immutable" in asset.headers.get("Cache-Control", ""), reference
    css = next(ref for ref in references if re.search(r"/cityrights\.[0-9a-f]{12}\.css$", ref))
    assert visitor.get(css).headers["Content-Type"].startswith("text/css")


def test_plain_http_is_sent_to_https_and_health_checks_are_not(deployment):
    direct = deployment.browser(https=False)
    answer = direct.get("/cities/demo-city/")
    assert answer.status == 301
    assert answer.headers["Location"] == f"https://{HOST}/cities/demo-city/"
    assert direct.get("/healthz").status == 200
    ready = direct.get("/readyz")
    assert ready.status == 200, ready.text
    assert json.loads(ready.text) == {"status": "ok", "database": "ok", "cache": "ok", "keys": "ok"}


# Kept last: it stops the server to read complete logs.
def test_nothing_personal_reaches_the_logs(deployment):
    """Drive the actions that used to leak, then scan every line gunicorn and Django wrote."""
    resident = "resident@demo-city.example"
    asker = "worried.neighbour@example.net"
    concern = "The camera at Kerkstraat 12 films my garden, says Jan Peeters"
    pseudonym = "subj-mfrggzdfmztwq2lknnwg23tpoa"
    ipv6_client = "2001:db8:7:1::77"

    staff = deployment.browser()
    assert staff.log_in("admin@demo-city.example", DEMO_PASSWORD).status == 302
    search = staff.get(f"/manage/demo-city/register/?q={urllib.parse.quote(resident)}")
    assert search.status == 200

    visitor = deployment.browser()
    listing = visitor.get(f"/api/v1/register/demo-city/entries?api_key={DEMO_KEY}&q={resident}")
    assert listing.status == 200
    check = visitor.post_json(
        f"/api/v1/consent/check?subject={pseudonym}",
        {
            "identifier": {"kind": "participant", "value": "MS-2026-004"},
            "agreement": "mobility-study",
            "purpose": "https://w3id.org/dpv#AcademicResearch",
            "categories": ["https://w3id.org/dpv/pd#GPSCoordinate"],
        },
        **{"X-API-Key": DEMO_KEY, "X-Forwarded-For": ipv6_client},
    )
    assert check.status == 200, check.text
    for path in (
        f"/cities/demo-city/register/{resident}/",
        f"/cities/demo-city/register/{ipv6_client}/",
        f"/api/v1/consent/subjects/{pseudonym}/{DEMO_KEY}",
    ):
        assert visitor.get(path).status == 404
    failed = visitor.log_in(resident, "not-the-password")
    assert failed.status in {200, 429}

    code = re.search(
        r'href="/cities/demo-city/register/([a-z0-9]{6})/"',
        visitor.get("/cities/demo-city/register/").text,
    ).group(1)
    ask = f"/cities/demo-city/register/{code}/ask/"
    form = visitor.get(ask)
    started = re.search(r'name="started" value="([^"]+)"', form.text).group(1)
    time.sleep(3.2)  # the form's minimum filling time (a robot trap), not a timing assertion
    sent = visitor.post(
        ask,
        {
            "csrfmiddlewaretoken": form.csrf(),
            "message": concern,
            "contact_email": asker,
            "website": "",
            "started": started,
        },
        referer=ask,
    )
    assert sent.status == 302, sent.text[:2000]

    forgetful = deployment.browser()
    reset = forgetful.get("/accounts/password/reset/")
    answer = forgetful.post(
        "/accounts/password/reset/",
        {"csrfmiddlewaretoken": reset.csrf(), "email": resident},
        referer="/accounts/password/reset/",
    )
    assert answer.status == 302

    deployment.stop()
    logs = deployment.logs()

    # The mail went to the mail server, with a link that works, and nowhere else.
    mails = deployment.mail.texts()
    assert any(concern in text for text in mails)
    link = next(
        re.search(r"https://rights\.example\.org(/accounts/password/reset/\S+/)", text)
        for text in mails
        if "/accounts/password/reset/" in text
    )
    assert link is not None
    reset_path = link.group(1)
    uid, token = reset_path.rstrip("/").split("/")[-2:]

    # One clock: gunicorn's master, its access log and the app's lines give the same offset
    # (the master wrote UTC while the workers wrote the city's time).
    offsets = set(re.findall(r"^\[[^\]]*? ([+-]\d{4})\]", logs, re.MULTILINE))
    assert len(offsets) == 1, offsets
    assert re.search(r"^\[[^\]]+\] \[\d+\] \[INFO\] Booting worker", logs, re.MULTILINE)
    assert re.search(r"^\[[^\]]+\] WARNING django\.request Not Found", logs, re.MULTILINE)

    # Everything was logged (the access log has a line per request) …
    assert '"GET /manage/demo-city/register/ HTTP/1.1" 200' in logs
    assert '"POST /api/v1/consent/check HTTP/1.1" 200' in logs
    assert "Not Found: /cities/demo-city/register/[e-mail]/" in logs
    assert "Not Found: /cities/demo-city/register/[ip]/" in logs
    # … and nothing personal or secret was.
    for secret in (
        resident,
        asker,
        "admin@demo-city.example",
        concern[:20],
        "Jan Peeters",
        "demo-mobility-lab-check-key",
        "MS-2026-004",
        pseudonym,
        "2001:db8",
        CLIENT_ADDRESS,
        "127.0.0.1",
        token,
        f"/{uid}/",
        "?q=",
        "api_key=",
        "not-the-password",
        DEMO_PASSWORD,
    ):
        assert secret not in logs, f"{secret!r} was logged:\n{logs}"
