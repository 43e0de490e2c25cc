"""SES740: an AWS read that failed, so what depends on it is reported as not checked."""
from __future__ import annotations

from typing import Iterator

from ses_lint.core.findings import AWS, ERROR, Finding
from ses_lint.core.registry import rule
from ses_lint.facts.aws import AwsProvider


@rule("SES740", "aws-unknown", stage=AWS, severity=ERROR)
def aws_unknown(aws: AwsProvider) -> Iterator[Finding]:
    """An AWS read failed (unreachable, timed out, throttled past retries, access denied): names what was not checked.

    Details: each failed read is one finding at the config key it concerns (`config.from` for
    identities, `config.region` for account facts, the credentials key for STS and IAM), naming the call,
    the error code and what therefore went unchecked. Calls wait at most `--timeout` seconds each and
    are tried twice. A check that could not run never passes silently. The same failure shared by
    several providers (one account and region) is reported once, at the first of them, listing the
    providers it concerns. The default severity is error (`--severity SES740=warning` to accept it).
    Why: a check that could not run is not a pass; the deploy may still fail for the reason that went
    unchecked.
    A decision of IAM's that hinges on a condition key ses-lint cannot know (`ses:ApiVersion`,
    `ses:FeedbackAddress`, recipients written `${NAME}`, any key SimulatePrincipalPolicy reports in
    `MissingContextValues`) is reported here too, naming the key, instead of SES710.
    Fix: allow the read calls to the identity running ses-lint (`sts:GetCallerIdentity`,
    `ses:GetAccount`, `ses:GetSendQuota`, `ses:GetAccountSendingEnabled`, `ses:GetIdentity*`,
    `ses:GetEmailIdentity`, `ses:GetConfigurationSet`, `ses:GetConfigurationSetEventDestinations`,
    `ses:GetSuppressedDestination`, `ses:ListRecommendations`, `cloudwatch:GetMetricData`, `iam:GetRole`,
    `iam:GetContextKeysForPrincipalPolicy`, `iam:SimulatePrincipalPolicy`),
    check the network path to the endpoint, or raise `--timeout`; for a key that cannot be known,
    check the policy by hand for the values your application sends.
    Bad:
        # ses:GetIdentityVerificationAttributes denied to the CI role
    Good:
        # the CI role may call the read-only SES, CloudWatch and IAM operations
    """
    if not aws.checked:
        return
    for unknown in aws.unknowns:
        yield aws.finding(unknown.key, unknown.message).grouped(unknown.message)
