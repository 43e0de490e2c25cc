"""SES501–SES503: the sender and the recipients."""
from __future__ import annotations

from typing import Iterator

from ses_lint.core.findings import ERROR, STATIC, WARNING, Finding
from ses_lint.core.registry import rule
from ses_lint.source import addresses
from ses_lint.source.config import AddressUse


def _problem(use: AddressUse) -> str | None:
    """Why SES cannot use the address: its syntax, or a local part that is not 7-bit ASCII.

    SES does not support SMTPUTF8 (RFC 6531): "the email address string must be 7-bit ASCII … Punycode
    is not permitted in the local part" (botocore's ses 2010-12-01 model, SendEmailRequest.Source; the
    sesv2 model's Destination says the same of recipients). The domain may be internationalised: it is
    sent as Punycode (RFC 3492)."""
    parsed = addresses.parse(use.text)
    if parsed.error:
        return parsed.error
    local = (parsed.address or "").rpartition("@")[0]
    if not local.isascii():
        return f"the local part `{local}` is not 7-bit ASCII, and SES does not support SMTPUTF8 (RFC 6531); only the domain may be internationalised"
    return None


@rule("SES501", "invalid-from", stage=STATIC, severity=ERROR)
def invalid_from(use: AddressUse) -> Iterator[Finding]:
    """`from` is not a valid address: an RFC 5322 addr-spec (`noreply@mycompany.com`) or a display name
    with one (`My Company <noreply@mycompany.com>`); internationalised domains are accepted.

    Details: a `${NAME}` reference is judged only with `--env`, after expansion (the message names the
    variable); a broken reference (`${SENDER`) is reported by SES311 instead; a template
    (`{{ .Values.ses.from }}`) is not known until rendered and is not judged. The local part must be
    7-bit ASCII (`bestätigung@mycompany.de` is refused): SES does not support SMTPUTF8 (RFC 6531), as
    the SES API reference says of `Source` and of every destination; only the domain may be
    internationalised (SES sends it as Punycode).
    Why: SES rejects the send with `InvalidParameterValue`, or the address can never be verified.
    Fix: write a full address.
    Bad:
        from: noreply@
    Good:
        from: My Company <noreply@mycompany.com>
    """
    problem = _problem(use) if use.role == "from" else None
    if problem:
        yield use.finding(f"`{use.text}`{use.origin} is not a valid address: {problem}")


@rule("SES502", "reserved-domain", stage=STATIC, severity=WARNING)
def reserved_domain(use: AddressUse) -> Iterator[Finding]:
    """`from` or a recipient uses a reserved or special-use domain: example.com/.net/.org, `.test`,
    `.example`, `.invalid`, `.localhost`, `.local`, `.onion`, `.alt`, `.internal`, `home.arpa`
    (RFC 2606, RFC 6761, RFC 9476, RFC 8375).

    Why: such a domain can never be verified in SES nor receive mail: a documentation example was left
    in place.
    Fix: use your own domain.
    Bad:
        from: noreply@example.com
    Good:
        from: noreply@mycompany.com
    """
    parsed = addresses.parse(use.text)
    if parsed.domain and addresses.is_reserved(parsed.domain):
        what = "the sender" if use.role == "from" else "the recipient"
        yield use.finding(f"`{parsed.domain}`{use.origin} is a reserved domain: {what} can never be verified in SES or receive mail")


@rule("SES503", "invalid-recipient", stage=STATIC, severity=ERROR)
def invalid_recipient(use: AddressUse) -> Iterator[Finding]:
    """A notify step's recipient (`to`, `cc`, `bcc`) is not a valid address.

    Details: as for `from` (SES501): a `${NAME}` reference is judged with `--env`, after expansion; a
    template (`{{ user.email }}`) is not judged; the local part must be 7-bit ASCII, the domain may be
    internationalised.
    Why: SES rejects the whole message when one recipient is invalid, so nobody gets it.
    Fix: correct the address.
    Bad:
        to: [user@mycompany]
    Good:
        to: [user@mycompany.com]
    """
    problem = _problem(use) if use.role == "recipient" else None
    if problem:
        yield use.finding(f"`{use.text}`{use.origin} is not a valid address: {problem}")
