"""The identity reads against moto: verification (also in other regions), DKIM attributes, and the DNS hints
the aws stage gives. The verdicts of SES703-SES705 and SES711 on every state are tables on facts
(test_rules_on_facts.py); here each read is checked once for what it makes of SES's answers."""
from __future__ import annotations

from ses_lint.facts.aws import AwsProvider, candidates

from .conftest import config, line_of, provider
from .helpers import check, codes, found


def test_candidates_are_address_domain_and_parents():
    assert candidates("Bot@Mail.Example.COM") == ["Bot@mail.example.com", "mail.example.com", "example.com"]


def test_verified_domain_is_silent(moto):
    moto.verify("example.com")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path)
    assert not codes(report) & {"SES703", "SES704", "SES705", "SES711", "SES740"}, report.findings


def test_parent_domain_covers_subdomain_sender(moto):
    # SES: a verified domain covers its subdomains (moto's own send check does not: closed in conftest)
    moto.verify("example.com")
    path = moto.write(config(provider(sender="alerts@mail.example.com", endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path, probe=True)
    assert not codes(report) & {"SES703", "SES704", "SES801"}, report.findings
    assert found(report, "SES802")


def test_unverified_sender_fires_and_names_other_region(moto):
    moto.verify("example.com", region="eu-west-1")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path)
    [finding] = found(report, "SES703")
    assert finding.line == line_of(path, "from:")
    assert "us-east-1" in finding.message and "verified in eu-west-1" in finding.message
    assert "noreply@example.com" in finding.message


def test_pending_identity(moto):
    moto.verify("example.com")
    moto.identity("example.com", status="Pending")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path)
    [finding] = found(report, "SES704")
    assert "`example.com` is pending" in finding.message and finding.line == line_of(path, "from:")
    assert not found(report, "SES703")


def test_dkim_pending_and_disabled(moto):
    moto.verify("example.com")
    moto.identity("example.com", dkim="Pending")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path)
    [finding] = found(report, "SES705")
    assert "DKIM status of `example.com`" in finding.message and "Pending" in finding.message
    moto.identity("example.com", dkim="Success", dkim_enabled=False)
    report, _ = check(moto, path)
    assert "disabled" in found(report, "SES705")[0].message


def test_dns_hints_come_from_aws(moto):
    moto.verify("example.com")
    moto.client("ses").set_identity_mail_from_domain(Identity="example.com", MailFromDomain="bounce.example.com")
    moto.state.signing_zone = "dkim.eu-south-1.amazonses.com"
    path = moto.write(config(provider(sender="a@mail.example.com", endpoint=moto.url, keys=moto.user())))
    from ses_lint.core.engine import discover
    from ses_lint.core.findings import Stage
    from ses_lint.core.run import Options, Run
    from ses_lint.source.document import load

    source = discover([str(path)])[0]
    run = Run(Options(stages=frozenset({Stage.STATIC, Stage.AWS}), timeout=3), [load(source.path, source.raw)], environ=moto.environ())
    [aws] = run.subjects(AwsProvider)
    hints = aws.dns_hints
    assert hints.identity_domain == "example.com" and hints.region == "us-east-1"
    assert len(hints.dkim_tokens) == 3 and hints.signing_hosted_zone == "dkim.eu-south-1.amazonses.com"
    assert hints.mail_from_domain == "bounce.example.com"


def test_static_run_gathers_nothing(moto, tmp_path):
    moto.verify("example.com")
    path = moto.write(config(provider(endpoint=moto.url)))
    import ses_lint

    before = len(moto.state.requests)
    ses_lint.lint([str(path)], environ=moto.environ())
    assert len(moto.state.requests) == before
