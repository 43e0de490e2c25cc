"""SES701, SES702, SES710, SES713: who the provider's credentials are and what they may do (stage aws)."""
from __future__ import annotations

from typing import Iterator

from ses_lint.core.findings import AWS, ERROR, INFO, WARNING, Finding
from ses_lint.core.registry import rule
from ses_lint.facts.aws import SEND_ACTIONS, SEND_APIS, AwsProvider


@rule("SES701", "no-credentials", stage=AWS, severity=ERROR)
def no_credentials(aws: AwsProvider) -> Iterator[Finding]:
    """No credentials resolve for the provider; names every source tried, in the order the AWS SDK tries them.

    Details: the order is botocore's, which differs from the provider documentation's list: static keys
    in the config win (even over `profile`); else the named `profile` (an explicit profile takes the
    environment variables out of the chain); else the default chain: environment variables, then the
    shared config and credentials files (assume-role, SSO, credential_process, keys), then the container
    role, and last the instance role (IMDS), which `imds_disable: true` or `AWS_EC2_METADATA_DISABLED`
    turns off. `${NAME}` references are read from the environment. The instance-metadata wait is bounded
    by `--timeout`.
    Why: with no credentials every call to SES fails; the provider cannot send anything.
    Fix: give the runtime a role (instance profile, ECS task role), a profile that exists, or set the
    referenced environment variables.
    Bad:
        config: {from: noreply@example.com, profile: prod}   # no [prod] in ~/.aws/config
    Good:
        config: {from: noreply@example.com, profile: production}
    """
    credentials = aws.credentials
    if not aws.checked or credentials is None or credentials.error is None:
        return
    tried = f"; tried, in order: {', '.join(credentials.tried)}" if credentials.tried else ""
    yield aws.finding(aws.credential_key(), f"no AWS credentials: {credentials.error}{tried}")


@rule("SES702", "invalid-credentials", stage=AWS, severity=ERROR)
def invalid_credentials(aws: AwsProvider) -> Iterator[Finding]:
    """STS rejects the credentials (unknown key, wrong secret, expired token); names the source used.

    Details: asked with STS GetCallerIdentity, which needs no permission, so a rejection means the
    credentials themselves are wrong (`InvalidClientTokenId`, `SignatureDoesNotMatch`, `ExpiredToken`).
    Why: SES will reject every send with the same error.
    Fix: rotate or correct the keys where they come from (the named source), or refresh the session
    (`aws sso login`).
    Bad:
        access_key_id: ${OLD_KEY}   # a deleted access key
    Good:
        access_key_id: ${SES_KEY}   # an active access key of the sending user
    """
    if not aws.checked or not aws.auth_error or aws.credentials is None:
        return
    yield aws.finding(aws.credential_key(), f"AWS rejected the credentials from {aws.credentials.source}: {aws.auth_error}")


@rule("SES710", "send-not-allowed", stage=AWS, severity=ERROR)
def send_not_allowed(aws: AwsProvider) -> Iterator[Finding]:
    """The caller's IAM policies deny `ses:SendEmail` and `ses:SendRawEmail` for this `from` (error), or one of them (warning).

    Details: IAM SimulatePrincipalPolicy is asked for both actions on every resource SES authorizes a
    send against: the identity covering `from` (the most specific verified one: an address identity wins
    over its domain's; the address and domain ARNs when none is verified), the identity's default
    configuration set, and in the sandbox the recipients' identities. The answer is read per resource
    (`ResourceSpecificResults`: the top-level `EvalResourceName` is only an ARN template). The context
    carries what SES supplies: `ses:FromAddress` (the bare address), `ses:FromDisplayName` (from `"Name
    <addr>"`), `ses:Recipients` (all recipients of each workflow step using the provider, one simulation
    per step) and `aws:RequestedRegion`. `ses:ApiVersion` and `ses:FeedbackAddress` depend on the
    application, not on this file: a decision that hinges on them, or on any key the simulator reports in
    `MissingContextValues`, is SES740 naming the key, never a verdict. Identity policies, permissions
    boundaries and SCPs count as the simulator evaluates them. An assumed-role caller is simulated as its
    role (path read with iam:GetRole); the account root is not checked. SES v2 SendEmail with simple
    content needs `ses:SendEmail`; raw content and SMTP need `ses:SendRawEmail`: when only one is denied,
    the finding is a warning naming the API that would fail.
    Why: an IAM denial makes every send through that API fail with AccessDenied.
    Fix: allow `ses:SendEmail` and `ses:SendRawEmail` on the identity (and the configuration set) to the
    role or user the provider runs as, with conditions that match the sender and recipients.
    Bad:
        {"Effect": "Allow", "Action": "ses:SendEmail", "Resource": "*",
         "Condition": {"StringEquals": {"ses:FromAddress": "other@example.com"}}}
    Good:
        {"Effect": "Allow", "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "*",
         "Condition": {"StringEquals": {"ses:FromAddress": "noreply@example.com"}}}
    """
    if not aws.checked or aws.iam is None or not aws.iam.denied:
        return
    iam = aws.iam
    details = "; ".join(f"{verdict.action} on {resource}: {decision}" for verdict in iam.denied for resource, decision in verdict.denied)
    message = f"`{iam.principal}` may not send as `{aws.sender}` ({details})"
    if len(iam.denied) == len(SEND_ACTIONS):
        yield aws.finding(aws.credential_key() or ("config", "from"), message)
        return
    failing = iam.denied[0].action
    other = next(action for action in SEND_ACTIONS if action != failing)
    state = "allowed" if iam.actions[other].decision == "allowed" else "not checked (see SES740)"
    message += f": {SEND_APIS[failing]} would fail; {other} ({SEND_APIS[other]}) is {state}"
    yield aws.finding(aws.credential_key() or ("config", "from"), message).evolve(severity=WARNING)


@rule("SES713", "credential-source", stage=AWS, severity=INFO)
def credential_source(aws: AwsProvider) -> Iterator[Finding]:
    """Which source supplied the credentials (static keys, profile, environment, container or instance role) and the caller's ARN.

    Details: the source is the one botocore's resolution chose (see SES701 for the order); the ARN is
    STS GetCallerIdentity's answer.
    Why: the source that wins is often not the one the reader of the file expects (an `AWS_PROFILE` or
    leftover environment keys); the ARN shows whose permissions the provider will use.
    Fix: nothing to fix; if the source is not the intended one, remove the one that wins.
    Bad:
        # expected the instance role, but AWS_ACCESS_KEY_ID in the environment wins
    Good:
        # credentials from: instance role; caller arn:aws:sts::123456789012:assumed-role/mailer/i-0abc
    """
    credentials = aws.credentials
    if not aws.checked or credentials is None or not credentials.ok or aws.auth_error:
        return
    caller = f"caller {aws.caller_arn}" if aws.caller_arn else "caller not known (STS GetCallerIdentity failed: see SES740)"
    yield aws.finding(aws.credential_key(), f"credentials from {credentials.source}; {caller}")
