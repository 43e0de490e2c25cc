"""Every message is one line (issue 8, part 2): an AWS error whose text carries newlines or a whole HTML
page (a proxy's error page inside the XML error's Message) is flattened and bounded in every finding."""
from __future__ import annotations

import html
import http.server
import json
import threading

import pytest
from support import run_cli

from ses_lint.facts.aws import AWS_MESSAGE_LIMIT

from .conftest import config, provider

PAGE = ("<!DOCTYPE html>\n<html>\n<head><title>Request rejected</title><style>\nh1 { color: red }\n</style></head>\n"
        "<body>\n<h1>Request rejected</h1>\n<p>The gateway\nsaid no.</p>\n" + "<p>padding</p>\n" * 300 + "</body>\n</html>\n")
BODY = ("<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>" + html.escape(PAGE)
        + "</Message></Error><RequestId>1</RequestId></ErrorResponse>").encode()


class _ErrorPage(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(400)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def error_endpoint():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ErrorPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_an_html_error_page_becomes_one_bounded_line(tmp_path, error_endpoint):
    (tmp_path / "ses.yaml").write_text(config(provider(endpoint=error_endpoint)), encoding="utf-8")
    code, out, err = run_cli("--aws", "--timeout", "2", "--select", "SES7", "--format", "json", "ses.yaml", cwd=tmp_path)
    findings = json.loads(out)["findings"]
    unknown = [finding for finding in findings if finding["code"] == "SES740"]
    assert unknown, (out, err)
    assert "ValidationError: Request rejected Request rejected The gateway said no. padding padding" in unknown[0]["message"]
    for finding in findings:
        message = finding["message"]
        assert "\n" not in message and "<" not in message and "color: red" not in message, message
        assert len(message) < AWS_MESSAGE_LIMIT + 200, message
    code, out, err = run_cli("--aws", "--timeout", "2", "--select", "SES7", "ses.yaml", cwd=tmp_path)
    assert all(line.startswith("ses.yaml:") for line in out.splitlines()[:-1]), out
