"""AWS facts: the default region, SES's DKIM and feedback hosts per region, and the classes of AWS error codes."""
from __future__ import annotations

from typing import Optional

DEFAULT_REGION = "us-east-1"  # an SES provider without `region` (the provider documentation's default)
AMAZONSES = "amazonses.com"
DEFAULT_DKIM_ZONE = "dkim.amazonses.com"
# Regions whose Easy DKIM CNAMEs point at a regional zone, dkim.<region>.amazonses.com (AWS General
# Reference, ses_dkim_domains). Every other region uses dkim.amazonses.com.
REGIONAL_DKIM_ZONES = frozenset({
    "af-south-1", "ap-northeast-3", "ap-south-2", "ap-southeast-3", "ap-southeast-5", "ca-west-1",
    "eu-central-2", "eu-south-1", "il-central-1", "me-central-1", "us-gov-east-1",
})


def dkim_zone(region: Optional[str]) -> str:
    """The hosted zone SES's Easy DKIM CNAMEs point into in `region` (default: DEFAULT_REGION)."""
    region = (region or DEFAULT_REGION).lower()
    return f"dkim.{region}.amazonses.com" if region in REGIONAL_DKIM_ZONES else DEFAULT_DKIM_ZONE


def feedback_host(region: Optional[str]) -> str:
    """The MX host of a custom MAIL FROM domain in `region` (SES Developer Guide, "Using a custom MAIL FROM domain")."""
    return f"feedback-smtp.{(region or DEFAULT_REGION).lower()}.amazonses.com"


# Error codes by what they mean for a check: the credentials were rejected, the principal may not make
# the call, AWS throttled it, or the thing asked about does not exist.
AUTH_CODES = frozenset({
    "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException", "ExpiredToken",
    "ExpiredTokenException", "InvalidAccessKeyId", "AuthFailure", "IncompleteSignature", "InvalidToken",
    "MissingAuthenticationToken", "RequestExpired",
})
DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess", "Forbidden"})
THROTTLE_CODES = frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "LimitExceededException", "SlowDown"})
NOT_FOUND_CODES = frozenset({"NotFoundException", "NoSuchEntity", "404"})


def error_kind(code: str, status: Optional[int] = None) -> str:
    """The class of an AWS error answer, from its code and HTTP status: auth, denied, throttled, notfound or error."""
    if code in AUTH_CODES:
        return "auth"
    if code in DENIED_CODES or status == 403 or code == "403":
        return "denied"
    if code in THROTTLE_CODES or status == 429:
        return "throttled"
    if code in NOT_FOUND_CODES or status == 404:
        return "notfound"
    return "error"
