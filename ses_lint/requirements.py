"""`--requirements`: will the big mailbox providers accept this mail? Their published sender requirements,
mapped to what ses-lint already established.

Each requirement of each mailbox provider gets, per enabled SES provider, one verdict:
- `met`: ses-lint saw evidence (a record it read, a status SES reported) and the rules that judge it ran;
- `not met`: with the rule codes (or the fact) that show it;
- `not checked`: the stage or rule that would check it did not run (the flag is named), a lookup
  failed, or the fact is not visible to ses-lint at all (a message header, a mailbox provider's own
  spam rate);
- `provided by SES`: SES does it for every sender (reverse DNS of its sending IPs, TLS, SPF of its
  default MAIL FROM domain).
Never `met` without evidence: an absent finding counts only when its rule ran and its facts were read.

Sources (read 2026-12-01; the pages change, re-read them):
- Google, "Email sender guidelines", https://support.google.com/a/answer/81126, and its FAQ,
  https://support.google.com/a/answer/14229414 (bulk sender: close to 5,000 messages a day to personal
  Gmail accounts; the status does not expire).
- Yahoo, Sender Hub "Sender Best Practices", https://senders.yahooinc.com/best-practices/ (read through
  stored copies and summaries of it).
- Microsoft, Outlook.com postmaster, https://sendersupport.olc.protection.outlook.com/pm/ and the
  announcement "Strengthening Email Ecosystem: Outlook's New Requirements for High-Volume Senders"
  (2 April 2025; in force from 5 May 2025 above 5,000 messages a day; `550 5.7.515` when not met).
- Apple, "Postmaster information for iCloud Mail", https://support.apple.com/en-us/102322.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from ses_lint.core.engine import Report
from ses_lint.core.findings import Finding, Severity
from ses_lint.core.secrets import Masker
from ses_lint.facts.aws import AwsProvider
from ses_lint.source.config import ProviderEntry

MET, NOT_MET, NOT_CHECKED, BY_SES = "met", "not met", "not checked", "provided by SES"
READ_ON = "2026-12-01"


@dataclass(frozen=True)
class Verdict:
    status: str
    detail: str


@dataclass
class Evidence:
    """What the run established about one enabled SES provider."""

    entry: ProviderEntry
    findings: list[Finding]
    report: Report
    aws: Optional[AwsProvider]

    def codes(self, *codes: str, errors_only: tuple[str, ...] = ()) -> list[str]:
        found = {f.code for f in self.findings if f.code in codes and (f.code not in errors_only or f.severity == Severity.ERROR)}
        return sorted(found)

    def stage(self, name: str) -> bool:
        return name in self.report.stages

    def missing_rules(self, *codes: str) -> list[str]:
        return [code for code in codes if code not in self.report.ran]

    def unchecked(self, stage: str, flag: str, rules: tuple[str, ...], unknown: str) -> Optional[Verdict]:
        """`not checked` when the stage did not run, a rule that gives the evidence did not run, or
        its lookups failed; None when the evidence is there to judge."""
        if not self.stage(stage):
            return Verdict(NOT_CHECKED, f"needs {flag}")
        missing = self.missing_rules(*rules)
        if missing:
            return Verdict(NOT_CHECKED, f"rule {', '.join(missing)} did not run (see --select/--ignore)")
        if self.codes(unknown):
            return Verdict(NOT_CHECKED, f"{unknown}: a lookup failed")
        return None

    @property
    def identity(self):
        return self.aws.domain_identity if self.aws is not None and self.aws.checked else None


SPF_RULES = ("SES600", "SES602", "SES603", "SES604", "SES605", "SES606", "SES608", "SES631", "SES632")
DKIM_DNS_RULES = ("SES611", "SES612", "SES613", "SES614")
DKIM_AWS_RULES = ("SES703", "SES704", "SES705")
DMARC_RULES = ("SES621", "SES622", "SES623")


def _not_met(codes: list[str], what: str) -> Verdict:
    return Verdict(NOT_MET, f"{', '.join(codes)}: {what}")


def spf(e: Evidence) -> Verdict:
    failed = e.codes(*SPF_RULES, errors_only=("SES604", "SES606"))
    if failed:
        return _not_met(failed, "SPF would not pass")
    return (e.unchecked("dns", "--dns", SPF_RULES, "SES640") or e.unchecked("aws", "--aws (which MAIL FROM domain SES uses)", ("SES711",), "SES740")
            or _spf_of_mail_from(e))


def _spf_of_mail_from(e: Evidence) -> Verdict:
    identity = e.identity
    if identity is None:
        return Verdict(NOT_CHECKED, "no verified domain identity was read (see SES703)")
    if identity.mail_from_domain and identity.mail_from_status == "Success":
        return Verdict(MET, f"custom MAIL FROM `{identity.mail_from_domain}`: MX and SPF checked")
    if identity.mail_from_domain:
        return _not_met(e.codes("SES711") or ["SES711"], f"custom MAIL FROM `{identity.mail_from_domain}` is not ready")
    return Verdict(BY_SES, "SES's default MAIL FROM domain (amazonses.com) passes SPF")


def dkim(e: Evidence) -> Verdict:
    failed = e.codes(*DKIM_DNS_RULES, *DKIM_AWS_RULES, errors_only=("SES613",))
    if failed:
        return _not_met(failed, "no passing DKIM signature of your domain")
    unchecked = e.unchecked("aws", "--aws", DKIM_AWS_RULES, "SES740")
    if unchecked:
        return unchecked
    if e.stage("dns"):
        unchecked = e.unchecked("dns", "--dns", DKIM_DNS_RULES, "SES640")
        if unchecked:
            return unchecked
    identity = e.identity
    if identity is not None and identity.dkim_enabled and (identity.dkim_status or "").lower() == "success":
        return Verdict(MET, f"Easy DKIM of `{identity.name}` verified and signing")
    return Verdict(NOT_MET, "no verified DKIM signing of your domain in SES")


def dmarc(e: Evidence) -> Verdict:
    failed = e.codes(*DMARC_RULES)
    if failed:
        return _not_met(failed, "no usable DMARC record")
    return e.unchecked("dns", "--dns", DMARC_RULES, "SES640") or Verdict(MET, "a DMARC record is published")


def alignment(e: Evidence) -> Verdict:
    failed = e.codes("SES626")
    if failed:
        return _not_met(failed, "this mail will fail DMARC")
    signed = dkim(e)
    if signed.status == NOT_CHECKED:
        return signed
    identity = e.identity
    if signed.status == MET and identity is not None:
        return Verdict(MET, f"DKIM signs as `{identity.name}`, the From domain or its parent")
    if identity is not None and identity.mail_from_domain and spf(e).status == MET:
        return Verdict(MET, f"custom MAIL FROM `{identity.mail_from_domain}` under the From domain")
    return Verdict(NOT_MET, "neither an aligned DKIM signature nor an aligned custom MAIL FROM")


def message_format(e: Evidence) -> Verdict:
    failed = e.codes("SES501")
    if failed:
        return _not_met(failed, "`from` is not a valid address")
    if e.missing_rules("SES501"):
        return Verdict(NOT_CHECKED, "rule SES501 did not run (see --select/--ignore)")
    sender = e.entry.config.get("from")
    if isinstance(sender, str) and ("{{" in sender or "{%" in sender):
        return Verdict(NOT_CHECKED, "`from` is a template: render it and check the output")
    if isinstance(sender, str) and "${" in sender and not (e.report.options and e.report.options.env):
        return Verdict(NOT_CHECKED, "`from` is a reference: needs --env")
    return Verdict(MET, "`from` is a valid RFC 5322 address")


def _by_ses(detail: str) -> Callable[[Evidence], Verdict]:
    return lambda e: Verdict(BY_SES, detail)


def _outside(detail: str) -> Callable[[Evidence], Verdict]:
    return lambda e: Verdict(NOT_CHECKED, detail)


REQUIREMENTS: dict[str, tuple[str, Callable[[Evidence], Verdict]]] = {
    "spf": ("SPF passes", spf),
    "dkim": ("DKIM passes (your domain's key, 1024 bits or more)", dkim),
    "dmarc": ("DMARC published (p=none at least)", dmarc),
    "alignment": ("From aligned with SPF or DKIM", alignment),
    "dns": ("forward and reverse DNS of the sending IPs", _by_ses("SES's sending IPs have matching forward and reverse DNS")),
    "tls": ("TLS for transmitting mail", _by_ses("SES delivers over TLS to receivers that offer it (Gmail does)")),
    "unsubscribe": ("one-click unsubscribe (RFC 8058) for marketing mail", _outside(
        "a header of each marketing message: not in the configuration (SES subscription management can add it)")),
    "unsubscribe-link": ("an unsubscribe link", _outside("the content of each message: not in the configuration")),
    "spam-rate": ("user-reported spam rate under 0.3%", _outside("the mailbox provider's own measure (Google Postmaster Tools), not visible to ses-lint")),
    "format": ("messages in RFC 5322 format (valid From)", message_format),
}


@dataclass(frozen=True)
class Mailbox:
    name: str
    rules: str
    source: str
    requirements: tuple[str, ...]


MAILBOXES = (
    Mailbox("Gmail", "Email sender guidelines, bulk senders (about 5,000 a day)", "https://support.google.com/a/answer/81126",
            ("spf", "dkim", "dmarc", "alignment", "dns", "tls", "unsubscribe", "spam-rate", "format")),
    Mailbox("Yahoo", "Sender Best Practices, bulk senders", "https://senders.yahooinc.com/best-practices/",
            ("spf", "dkim", "dmarc", "alignment", "dns", "unsubscribe", "spam-rate", "format")),
    Mailbox("Outlook.com", "high-volume senders (over 5,000 a day, from 5 May 2025)", "https://sendersupport.olc.protection.outlook.com/pm/",
            ("spf", "dkim", "dmarc", "alignment")),
    Mailbox("Apple iCloud Mail", "Postmaster information, bulk email best practices", "https://support.apple.com/en-us/102322",
            ("spf", "dkim", "dns", "unsubscribe-link", "format")),
)


@dataclass(frozen=True)
class Row:
    provider: str
    file: str
    mailbox: str
    requirement: str
    verdict: Verdict


def evaluate(report: Report) -> list[Row]:
    aws = {(subject.provider.file, subject.provider.key): subject for subject in report.gathered(AwsProvider)}
    rows = []
    for entry in report.entries():
        if not (entry.is_ses and entry.enabled):
            continue
        mine = [f for f in report.all_findings if f.file == entry.file and f.provider == entry.key]  # shown or not
        evidence = Evidence(entry, mine, report, aws.get((entry.file, entry.key)))
        verdicts = {key: judge(evidence) for key, (_, judge) in REQUIREMENTS.items()}
        rows += [Row(entry.key, entry.file, mailbox.name, REQUIREMENTS[key][0], verdicts[key])
                 for mailbox in MAILBOXES for key in mailbox.requirements]
    return rows


def as_json(report: Report, mask: Masker) -> dict:
    return {
        "read_on": READ_ON,
        "sources": {mailbox.name: mailbox.source for mailbox in MAILBOXES},
        "rows": [{"provider": mask(row.provider), "file": mask(row.file), "mailbox": row.mailbox, "requirement": row.requirement,
                  "status": row.verdict.status, "detail": mask(row.verdict.detail)} for row in evaluate(report)],
    }


def text(report: Report, mask: Masker) -> list[str]:
    rows = evaluate(report)
    sources = ", ".join(f"{mailbox.name} {mailbox.source}" for mailbox in MAILBOXES)
    lines = [f"Sender requirements (published rules read {READ_ON}: {sources}):"]
    if not rows:
        lines.append("  no enabled SES provider was checked")
    for row in rows:
        lines.append(mask(f"  {row.file}: {row.provider}: {row.mailbox}: {row.requirement}: {row.verdict.status} ({row.verdict.detail})") or "")
    return lines


def markdown(report: Report, mask: Masker) -> list[str]:
    from ses_lint.report import cell

    rows = evaluate(report)
    lines = ["### Sender requirements", "", f"Published rules read {READ_ON}: "
             + ", ".join(f"[{mailbox.name}]({mailbox.source})" for mailbox in MAILBOXES) + ".", ""]
    if not rows:
        return lines + ["No enabled SES provider was checked.", ""]
    lines += ["| provider | mailbox | requirement | status | detail |", "|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| `{cell(row.provider, mask)}` | {row.mailbox} | {cell(row.requirement, mask)} | {row.verdict.status} | {cell(row.verdict.detail, mask)} |")
    return lines + [""]
