"""`--requirements` through the installed CLI, on an NSD zone and a moto account that meet each mailbox
provider's requirements, and on ones that miss them: `met` only with evidence, `not met` with the codes,
`not checked` with the flag or the failed lookup, `provided by SES` for what SES does for every sender."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from support import run_cli

from .conftest import config, provider
from .helpers import closed_port

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "dns"))
from dnsfixtures import NSD, Nsd  # noqa: E402  (tests/dns is not a package: it would shadow dnspython)

DOMAIN = "mailer.test"
MAIL_FROM = f"bounce.{DOMAIN}"


def readiness(moto, tmp_path, records: str | None, *args: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(mailbox, requirement) -> (status, detail) for the one provider, from `--requirements --format json`."""
    server = None
    if records is not None:
        if not Path(NSD).exists():
            pytest.fail("nsd is not installed (Debian package `nsd`; .ci/run installs it)")
        (tmp_path / "zones").mkdir()
        server = Nsd(tmp_path / "zones", records)
    try:
        if not hasattr(moto, "keys"):
            moto.keys = moto.user()
        path = moto.write(config(provider(sender=f"noreply@{DOMAIN}", endpoint=moto.url, keys=moto.keys)))
        nameserver = server.nameserver if server else f"127.0.0.1:{closed_port()}"
        env = dict(moto.environ(), AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_SESSION_TOKEN=None, AWS_PROFILE=None)
        code, out, err = run_cli("check", "--requirements", "--format", "json", "--nameserver", nameserver, "--timeout", "2",
                                 *args, str(path), env=env, timeout=120)
        assert code in (0, 1), err
    finally:
        if server is not None:
            server.stop()
    rows = json.loads(out)["requirements"]["rows"]
    assert {row["provider"] for row in rows} == {"email-ses"}
    return {(row["mailbox"], row["requirement"].split(" (")[0]): (row["status"], row["detail"]) for row in rows}


def _identity(moto, *, dkim: str = "Success", mail_from: bool = True) -> list[str]:
    moto.verify(DOMAIN)
    ses = moto.client("ses")
    if mail_from:
        ses.set_identity_mail_from_domain(Identity=DOMAIN, MailFromDomain=MAIL_FROM)
    moto.identity(DOMAIN, dkim=dkim, dkim_enabled=True, mail_from_status="Success" if mail_from else None)
    return ses.get_identity_dkim_attributes(Identities=[DOMAIN])["DkimAttributes"][DOMAIN]["DkimTokens"]


def _zone(tokens: list[str], dmarc: str | None = "v=DMARC1; p=reject", cnames: int = 3) -> str:
    records = f'{DOMAIN}. TXT "v=spf1 include:amazonses.com -all"\n'
    records += "".join(f"{token}._domainkey.{DOMAIN}. CNAME {token}.dkim.amazonses.com.\n" for token in tokens[:cnames])
    records += f"{MAIL_FROM}. MX 10 feedback-smtp.us-east-1.amazonses.com.\n" f'{MAIL_FROM}. TXT "v=spf1 include:amazonses.com -all"\n'
    if dmarc:
        records += f'_dmarc.{DOMAIN}. TXT "{dmarc}"\n'
    return records


def test_an_account_and_zone_that_meet_every_checkable_requirement(moto, tmp_path):
    table = readiness(moto, tmp_path, _zone(_identity(moto)), "--online")
    for mailbox in ("Gmail", "Yahoo", "Outlook.com"):
        for requirement in ("SPF passes", "DKIM passes", "DMARC published", "From aligned with SPF or DKIM"):
            assert table[(mailbox, requirement)][0] == "met", (mailbox, requirement, table[(mailbox, requirement)])
    assert table[("Gmail", "SPF passes")][1] == f"custom MAIL FROM `{MAIL_FROM}`: MX and SPF checked"
    assert table[("Gmail", "DKIM passes")][1] == f"Easy DKIM of `{DOMAIN}` verified and signing"
    assert table[("Gmail", "forward and reverse DNS of the sending IPs")][0] == "provided by SES"
    assert table[("Gmail", "TLS for transmitting mail")][0] == "provided by SES"
    assert table[("Gmail", "one-click unsubscribe")][0] == "not checked"
    assert table[("Gmail", "user-reported spam rate under 0.3%")][0] == "not checked"
    assert table[("Apple iCloud Mail", "messages in RFC 5322 format")][0] == "met"
    assert ("Outlook.com", "TLS for transmitting mail") not in table  # only what each provider publishes


def test_a_zone_that_misses_dmarc_and_a_dkim_record(moto, tmp_path):
    table = readiness(moto, tmp_path, _zone(_identity(moto, mail_from=False), dmarc=None, cnames=2), "--online")
    assert table[("Gmail", "DMARC published")] == ("not met", "SES621: no usable DMARC record")
    assert table[("Gmail", "DKIM passes")] == ("not met", "SES611: no passing DKIM signature of your domain")
    assert table[("Gmail", "SPF passes")] == ("provided by SES", "SES's default MAIL FROM domain (amazonses.com) passes SPF")
    assert table[("Outlook.com", "From aligned with SPF or DKIM")] == ("not met", "neither an aligned DKIM signature nor an aligned custom MAIL FROM")


def test_dkim_records_published_but_not_yet_verified_by_ses(moto, tmp_path):
    # DNS alone would allow aligned DKIM (the CNAMEs exist, so SES626 is silent), but SES says DKIM is pending:
    # nothing signs as the From domain yet, and with the default MAIL FROM, SPF never aligns.
    table = readiness(moto, tmp_path, _zone(_identity(moto, dkim="Pending", mail_from=False)), "--online")
    assert table[("Gmail", "DKIM passes")] == ("not met", "SES705: no passing DKIM signature of your domain")
    assert table[("Yahoo", "From aligned with SPF or DKIM")] == ("not met", "neither an aligned DKIM signature nor an aligned custom MAIL FROM")
    assert table[("Gmail", "DMARC published")][0] == "met"


def test_what_did_not_run_or_failed_is_not_checked(moto, tmp_path):
    _identity(moto)
    table = readiness(moto, tmp_path, None)  # static only
    assert table[("Gmail", "SPF passes")] == ("not checked", "needs --dns")
    assert table[("Gmail", "DKIM passes")] == ("not checked", "needs --aws")
    assert table[("Gmail", "messages in RFC 5322 format")][0] == "met"
    table = readiness(moto, tmp_path / "down", None, "--dns")  # every DNS lookup fails
    assert table[("Gmail", "DMARC published")] == ("not checked", "SES640: a lookup failed")
    assert table[("Gmail", "SPF passes")] == ("not checked", "SES640: a lookup failed")
    assert not any(status == "met" for (_, requirement), (status, _) in table.items() if requirement != "messages in RFC 5322 format")
