"""SES4xx: region and endpoint. Values are judged as the static stage resolves them: a `${NAME}`
reference only with `--env`, after expansion (the message then names the variable); a template
(`{{ .Values.region }}`) is not known until rendered and is never judged."""
from __future__ import annotations

import re
from typing import Iterator

from ses_lint.core.findings import ERROR, INFO, STATIC, WARNING, Finding, Fix
from ses_lint.core.registry import rule
from ses_lint.knowledge.aws import DEFAULT_REGION
from ses_lint.source import endpoints, regions
from ses_lint.source.config import SesProvider


def _known_region(provider: SesProvider) -> str | None:
    region = provider.resolved("region")
    return region.strip() if isinstance(region, str) and region.strip() else None


def _known_endpoint(provider: SesProvider) -> str | None:
    url = provider.resolved("endpoint")
    return url if isinstance(url, str) else None


def _default_region(provider: SesProvider) -> bool:
    """No region written, or an empty one (`region:`, `region: ""`): the default applies."""
    return "region" not in provider.config or provider.config["region"] is None or (isinstance(provider.region, str) and not provider.region.strip())


# SES's SMTP interface (AWS General Reference, "Amazon Simple Email Service endpoints and quotas": SMTP
# endpoints email-smtp[-fips].<region>.amazonaws.com, ports 25, 587, 2587, 465, 2465), not its API.
_SMTP_HOST = re.compile(r"^email-smtp(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$")


def _endpoint(provider: SesProvider) -> endpoints.Endpoint | None:
    url = _known_endpoint(provider)
    return endpoints.parse(url) if url is not None else None


@rule("SES401", "invalid-region", stage=STATIC, severity=ERROR)
def invalid_region(provider: SesProvider) -> Iterator[Finding]:
    """`region` is not an AWS region name; the closest real one is suggested (`us-east1` -> `us-east-1`).

    Details: the list of regions is derived from botocore's data when ses-lint is built
    (`scripts/generate_regions.py`); nothing is read or written at run time. A `${SES_REGION}` reference
    is judged with `--env`, after expansion (`` `us-east1` (from ${SES_REGION}) is not an AWS region ``);
    a template (`{{ .Values.ses.region }}`) is not known until rendered and is not judged. A name of
    AWS's region form (a partition's `regionRegex` in botocore's partitions.json, such as `us-west-7`)
    that the tables do not list is only a warning naming their botocore release: AWS adds regions after
    a botocore release. A region written with spaces around it (`"us-east-1 "`) is not
    one either: botocore's `validate_region_name` accepts only a host label (letters, digits, `-`) and
    raises `InvalidRegionError`; other SDKs build a host name from it.
    `--fix` writes the suggestion when it is clearly the closest (`us-east1`; not `us-west`, which
    could be either of two) and the value is written in the file, not expanded from a reference.
    Why: the SDK builds a host name from any region string and only fails when it connects, at the first
    send.
    Fix: use a region name such as `us-east-1`.
    Bad:
        region: us-east1
    Good:
        region: us-east-1
    """
    region, written = _known_region(provider), provider.resolved("region")
    if region and region != written:
        yield provider.finding(("config", "region"), f"`{written}`{provider.origin('region')} has spaces around the region name: the SDK rejects it (InvalidRegionError); write `{region}`", suggestion=region)
    elif region and regions.known() and region not in regions.all_regions() and regions.aws_form(region):
        yield provider.finding(("config", "region"), f"`{region}`{provider.origin('region')} is not in the region list of botocore "
                               f"{regions.botocore_version()}: a region newer than this botocore? (if not, check the spelling)").evolve(severity=WARNING)
    elif region and regions.known() and region not in regions.all_regions():
        suggestion = regions.closest(region)
        hint = f"; did you mean `{suggestion}`?" if suggestion else ""
        finding = provider.finding(("config", "region"), f"`{region}`{provider.origin('region')} is not an AWS region{hint}", suggestion=suggestion)
        if suggestion and not provider.origin("region") and regions.confident(region) == suggestion:
            finding = finding.evolve(fix=Fix("value", f"write `{suggestion}`", suggestion, keep_quotes=True))
        yield finding


@rule("SES402", "ses-unavailable-in-region", stage=STATIC, severity=ERROR)
def ses_unavailable_in_region(provider: SesProvider) -> Iterator[Finding]:
    """`region` is a real AWS region where SES is not offered (according to botocore's endpoint data,
    derived when ses-lint is built; the message names that botocore release).

    Why: every call fails to connect: there is no SES endpoint in that region.
    Fix: pick a region that offers SES, usually the closest one to your service.
    Bad:
        region: ap-east-1
    Good:
        region: ap-southeast-1
    """
    region = _known_region(provider)
    if region and region in regions.all_regions() and region not in regions.ses_regions():
        yield provider.finding(("config", "region"), f"SES is not offered in `{region}`{provider.origin('region')} (botocore {regions.botocore_version()} endpoint data)")


@rule("SES403", "implicit-region", stage=STATIC, severity=INFO)
def implicit_region(provider: SesProvider) -> Iterator[Finding]:
    """No `region`, or an empty one: the provider defaults to `us-east-1`.

    Details: an empty value (`region:`, `region: ""`, `region: ~`) is reported as a warning: it reads
    as a region someone meant to fill in, and a loader that passes the empty string to the SDK gets
    the environment's region (`AWS_REGION`, the profile's) instead of the default.
    Why: SES identities, quotas and sandbox status are per region; a reader should not have to know the
    default to know where mail is sent from.
    Fix: write the region explicitly.
    Bad:
        config: {from: noreply@mycompany.com}
    Good:
        config: {from: noreply@mycompany.com, region: us-east-1}
    """
    if "region" not in provider.config:
        yield provider.finding(("config",), f"no `region`: it defaults to `{DEFAULT_REGION}`; say so explicitly", at="key", suggestion=f"region: {DEFAULT_REGION}")
    elif _default_region(provider):
        yield provider.finding(
            ("config", "region"), f"`region` is empty: the default `{DEFAULT_REGION}` applies (or, where the empty value reaches the SDK, the environment's region); write the region",
            at="key", suggestion=f"region: {DEFAULT_REGION}",
        ).evolve(severity=WARNING)


@rule("SES404", "invalid-endpoint", stage=STATIC, severity=ERROR)
def invalid_endpoint(provider: SesProvider) -> Iterator[Finding]:
    """`endpoint` is not an absolute `http://` or `https://` URL with a host.

    Details: a URL with spaces around it (`"https://email.us-east-1.amazonaws.com "`) is refused too:
    botocore checks the host name (`is_valid_endpoint_url`) and raises `Invalid endpoint`; Go's
    `url.Parse` refuses a leading space.
    Why: the SDK refuses it, or sends requests somewhere you did not mean.
    Fix: write the full URL, scheme included.
    Bad:
        endpoint: localhost:4566
    Good:
        endpoint: http://localhost:4566
    """
    url = _known_endpoint(provider)
    if url is None or not url.strip():
        return
    if url != url.strip():
        yield provider.finding(("config", "endpoint"), f"`{url}`{provider.origin('endpoint')} has spaces around the URL: SDKs refuse it (botocore: `Invalid endpoint`); write `{url.strip()}`", suggestion=url.strip())
    elif endpoints.parse(url) is None:
        yield provider.finding(("config", "endpoint"), f"`{url}`{provider.origin('endpoint')} is not an absolute http(s) URL")


@rule("SES405", "insecure-endpoint", stage=STATIC, severity=ERROR)
def insecure_endpoint(provider: SesProvider) -> Iterator[Finding]:
    """`endpoint` uses `http://` to a host that is not loopback.

    Why: credentials' signatures, message content and recipients cross the network in clear text.
    Fix: use `https://`, or a loopback emulator.
    Bad:
        endpoint: http://ses-proxy.internal.mycompany.com
    Good:
        endpoint: https://ses-proxy.internal.mycompany.com
    """
    parsed = _endpoint(provider)
    if parsed and parsed.scheme == "http" and not parsed.loopback:
        yield provider.finding(("config", "endpoint"), f"plain http to `{parsed.host}`: credentials and mail cross the network in clear; use https")


@rule("SES406", "endpoint-region-mismatch", stage=STATIC, severity=ERROR)
def endpoint_region_mismatch(provider: SesProvider) -> Iterator[Finding]:
    """An AWS endpoint host (`email.<region>.amazonaws.com`, its FIPS and dual-stack forms) names another
    region than `region` (or than `us-east-1`, when no region is given).

    Why: requests are signed for one region and sent to another: AWS rejects the signature.
    Fix: make the two agree, or drop `endpoint` (the SDK derives it from the region).
    Bad:
        {region: eu-west-1, endpoint: "https://email.us-east-1.amazonaws.com"}
    Good:
        {region: eu-west-1}
    """
    parsed = _endpoint(provider)
    region = _known_region(provider) or (DEFAULT_REGION if _default_region(provider) else None)
    if parsed and parsed.aws_region and region and parsed.aws_region != region:
        yield provider.finding(("config", "endpoint"), f"endpoint is in `{parsed.aws_region}` but region is `{region}`")


@rule("SES407", "emulator-endpoint", stage=STATIC, severity=WARNING)
def emulator_endpoint(provider: SesProvider) -> Iterator[Finding]:
    """`endpoint` points at an emulator (a loopback address, a `localstack` host, port 4566).

    Why: mail sent there goes nowhere real; right for development, wrong if this file is deployed.
    Fix: keep emulator configs out of deployed files, or suppress this rule in them.
    Bad:
        endpoint: http://localhost:4566
    Good:
        region: us-east-1
    """
    parsed = _endpoint(provider)
    if parsed and parsed.emulator:
        yield provider.finding(("config", "endpoint"), f"`{parsed.host}` is an emulator endpoint: mail sent through it goes nowhere real")


@rule("SES408", "smtp-endpoint-for-api", stage=STATIC, severity=ERROR)
def smtp_endpoint_for_api(provider: SesProvider) -> Iterator[Finding]:
    """`endpoint` is SES's SMTP interface (`email-smtp.<region>.amazonaws.com`), or an SES API host on
    a port other than 443, where the SDK makes HTTPS API calls.

    Details: the SES API endpoints are `email.<region>.amazonaws.com`, `email.<region>.api.aws` and
    their `email-fips` forms, over HTTPS; `email-smtp.<region>.amazonaws.com` speaks SMTP on ports 25,
    587, 2587, 465 and 2465 (AWS General Reference, "Amazon Simple Email Service endpoints and
    quotas"). SMTP settings belong to an `email.smtp` provider.
    Why: the SDK's HTTPS requests reach a server that does not serve the SES API: every send fails to
    connect or gets an unreadable answer.
    Fix: drop `endpoint` (the SDK derives the API endpoint from `region`), or write the API host.
    Bad:
        endpoint: https://email-smtp.eu-west-1.amazonaws.com
    Good:
        endpoint: https://email.eu-west-1.amazonaws.com
    """
    parsed = _endpoint(provider)
    if parsed is None:
        return
    smtp = _SMTP_HOST.match(parsed.host)
    if smtp:
        api = f"https://email.{_known_region(provider) or smtp.group('region')}.amazonaws.com"
        yield provider.finding(("config", "endpoint"), f"`{parsed.host}` is SES's SMTP interface, not its API: the SDK's HTTPS calls fail; drop `endpoint` or use `{api}`", suggestion=api)
    elif parsed.aws_region and parsed.port not in (None, 443):
        yield provider.finding(("config", "endpoint"), f"port {parsed.port} on `{parsed.host}`: the SES API answers HTTPS on port 443 only (ports 25, 587, 2587, 465 and 2465 are SMTP's)")
