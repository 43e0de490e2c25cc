"""The one `Sender` of each SES provider: `from` expanded by `references.resolve` and parsed once (issue 10)."""
from __future__ import annotations

import pytest

from ses_lint.core.run import Options, Run
from ses_lint.source.config import SesProvider
from ses_lint.source.document import load
from ses_lint.source.sender import Sender

TABLE = [
    # written, display name, address, local part, domain, A-label
    ("noreply@example.com", None, "noreply@example.com", "noreply", "example.com", "example.com"),
    ("Ops Team <Ops@Mail.Example.ORG.>", "Ops Team", "Ops@Mail.Example.ORG.", "Ops", "mail.example.org", "mail.example.org"),
    ("ops@bücher.example", None, "ops@bücher.example", "ops", "bücher.example", "xn--bcher-kva.example"),
    ("ops@straße.de", None, "ops@straße.de", "ops", "straße.de", "xn--strae-oqa.de"),  # IDNA 2008, not strasse.de
    ("not an address", None, None, None, None, None),
    ("a@nodot", None, "a@nodot", "a", "nodot", None),
    ("   ", None, None, None, None, None),
]


@pytest.mark.parametrize("written, name, address, local, domain, a_label", TABLE)
def test_parts(written, name, address, local, domain, a_label):
    sender = Sender.of(written, written)
    assert (sender.display_name, sender.address, sender.local_part, sender.domain, sender.a_label) == (name, address, local, domain, a_label)
    assert sender.known and not sender.reference and not sender.template


def test_not_known_means_no_parts():
    sender = Sender.of("{{ .Values.from }}", None)
    assert sender.template and not sender.known
    assert (sender.display_name, sender.address, sender.domain, sender.a_label) == (None, None, None, None)
    assert Sender.of(None, None) is None


def senders(text: str, env: bool, environ: dict) -> list[Sender]:
    document = load("ses.yaml", text.encode())
    run = Run(Options(env=env), [document], environ=environ)
    return [provider.sender for provider in run.subjects(SesProvider)]


CONFIG = """\
providers:
  ses:
    provider: email.ses
    config:
      from: ${SENDER}
      region: us-east-1
"""


def test_a_reference_is_expanded_only_with_env():
    environ = {"SENDER": "Alerts <alerts@example.org>"}
    [without] = senders(CONFIG, False, environ)
    assert without.written == "${SENDER}" and without.reference and not without.known and without.a_label is None
    assert without.unknown == "references an environment variable: known only with --env"
    [with_env] = senders(CONFIG, True, environ)
    assert with_env.value == "Alerts <alerts@example.org>" and with_env.origin == " (from ${SENDER})"
    assert (with_env.display_name, with_env.address, with_env.a_label) == ("Alerts", "alerts@example.org", "example.org")
    [unset] = senders(CONFIG, True, {})
    assert not unset.known and unset.unknown == "references unset environment variable SENDER"
    [template] = senders(CONFIG.replace("${SENDER}", "{{ .Values.from }}"), True, environ)
    assert template.template and template.written == "{{ .Values.from }}" and template.unknown == "is a template, not known until rendered"
