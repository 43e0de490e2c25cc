"""SES3xx: credentials. ses-lint follows what the AWS SDK does: static keys, else the named profile, else
the default chain (environment variables, shared files, container role, instance role).

Whether a credential is committed (SES301, SES302) is judged on the value as written; whether it can
work (SES303, SES306-SES308, SES310) on the value as it will be used: with `--env`, a `${NAME}`
reference after expansion, the message naming the variable. A template (`{{ .Values.key }}`) is not
known until rendered and is never judged."""
from __future__ import annotations

from typing import Iterator

from ses_lint.core.findings import ERROR, INFO, STATIC, WARNING, Finding
from ses_lint.core.registry import rule
from ses_lint.source import endpoints, references
from ses_lint.source.config import ProviderValue, SesProvider
from ses_lint.source.credential_sites import CredentialSite
from ses_lint.source.credentials_shape import (
    ACCESS_KEY_ID,
    SECRET_ACCESS_KEY,
    is_dummy,
    is_literal,
    is_placeholder,
)

CONFIG_STRINGS = ("platform", "from_", "region", "profile", "access_key_id", "secret_access_key", "endpoint")


def _key(name: str) -> tuple:
    return ("config", "from" if name == "from_" else name)


def _emulator(provider: SesProvider) -> bool:
    url = provider.resolved("endpoint")
    parsed = endpoints.parse(url) if isinstance(url, str) and url else None
    return parsed is not None and parsed.emulator


@rule("SES301", "hardcoded-secret", stage=STATIC, severity=ERROR)
def hardcoded_secret(site: CredentialSite) -> Iterator[Finding]:
    """A literal `secret_access_key` is committed in the file, as a value or in a comment.

    Details: a `${NAME}` reference, a placeholder (SES303), an emulator's dummy value (`test`, for
    LocalStack or moto) and a broken reference (`$NAME`, SES311) are not secrets. A comment such as
    `# secret_access_key: …` (any key naming a secret, then `:` or `=`) is committed all the same and
    reported at the comment. The value itself is never printed.
    Why: anyone who can read the repository, its forks and its history can send mail as you, and AWS's
    secret scanning may quarantine the key.
    Fix: rotate the key now; then read it from the environment, or use a profile or an IAM role.
    Bad:
        secret_access_key: "(a 40-character secret, pasted in)"
    Good:
        secret_access_key: ${AWS_SECRET_ACCESS_KEY}
    """
    if site.kind == "secret_access_key" and is_literal(site.value) and not is_dummy(site.value):
        yield site.finding(f"a literal secret access key is committed{site.where}; rotate it and use `${{AWS_SECRET_ACCESS_KEY}}`, a profile or an IAM role")


@rule("SES302", "hardcoded-access-key", stage=STATIC, severity=ERROR)
def hardcoded_access_key(site: CredentialSite) -> Iterator[Finding]:
    """A literal AWS access key id (`AKIA…`, `ASIA…`) is committed in the file, as a value or in a comment.

    Details: an id left in a comment is reported at the comment.
    Why: the key id is half of a credential and identifies the IAM user; committed keys are harvested
    from public repositories within minutes.
    Fix: read it from the environment (`${AWS_ACCESS_KEY_ID}`), or use a profile or an IAM role.
    Bad:
        access_key_id: AKIAIOSFODNN7EXAMPLE
    Good:
        access_key_id: ${AWS_ACCESS_KEY_ID}
    """
    key = site.value
    if site.kind == "access_key_id" and is_literal(key) and ACCESS_KEY_ID.fullmatch(key.strip()):
        yield site.finding(f"a literal AWS access key id `{key.strip()[:4]}…` is committed{site.where}; use `${{AWS_ACCESS_KEY_ID}}`, a profile or an IAM role")


@rule("SES303", "placeholder-value", stage=STATIC, severity=ERROR)
def placeholder_value(provider: SesProvider) -> Iterator[Finding]:
    """A placeholder was left in a field: `<your-access-key-id>`, `CHANGEME`, `xxx…`, `your-…`, `TODO`.

    Details: with `--env`, a variable whose value is a placeholder is reported too
    (`` `CHANGEME` (from ${SES_PROFILE}) is a placeholder ``). A template expression
    (`{{ .Values.ses.key }}`) is not a placeholder: it is filled in when the template is rendered.

    Why: the provider will start and then fail at the first send, far from the file that caused it.
    Fix: put the real value, or a `${NAME}` reference, in its place.
    Bad:
        access_key_id: <your-access-key-id>
    Good:
        access_key_id: ${AWS_ACCESS_KEY_ID}
    """
    for name in CONFIG_STRINGS:
        value = provider.resolved(name)
        if is_placeholder(value):
            shown = "the secret access key" if name == "secret_access_key" else f"`{value}`"
            yield provider.finding(_key(name), f"{shown}{provider.origin(name)} is a placeholder, not a value")


@rule("SES304", "incomplete-static-credentials", stage=STATIC, severity=ERROR)
def incomplete_static_credentials(provider: SesProvider) -> Iterator[Finding]:
    """Only one of `access_key_id` and `secret_access_key` is set.

    Why: the SDK needs both; with one alone it ignores both and falls back to the default chain, which
    may find other credentials than the ones you meant, or none.
    Fix: set both, or neither.
    Bad:
        access_key_id: ${AWS_ACCESS_KEY_ID}
    Good:
        access_key_id: ${AWS_ACCESS_KEY_ID}
        secret_access_key: ${AWS_SECRET_ACCESS_KEY}
    """
    key, secret = provider.field("access_key_id"), provider.field("secret_access_key")
    if bool(key) != bool(secret):
        present, missing = ("access_key_id", "secret_access_key") if key else ("secret_access_key", "access_key_id")
        yield provider.finding(("config", present), f"`{present}` is set but `{missing}` is not; static credentials need both", at="key")


@rule("SES305", "profile-shadowed", stage=STATIC, severity=WARNING)
def profile_shadowed(provider: SesProvider) -> Iterator[Finding]:
    """Static keys and a `profile` are both set; the keys win and the profile is never used.

    Why: the credential order is static keys, then profile. A reader of the file believes the profile
    is in force; AWS sees the keys.
    Fix: keep one of the two.
    Bad:
        {access_key_id: "${KEY}", secret_access_key: "${SECRET}", profile: production}
    Good:
        {profile: production}
    """
    if provider.has_static_keys and provider.field("profile"):
        yield provider.finding(("config", "profile"), f"profile `{provider.field('profile')}` is ignored: static keys take precedence")


@rule("SES306", "temporary-key-without-token", stage=STATIC, severity=ERROR)
def temporary_key_without_token(provider: SesProvider) -> Iterator[Finding]:
    """The access key id is a temporary one (`ASIA…`), which only works with a session token the
    configuration cannot carry.

    Why: every call will fail with `InvalidClientTokenId`; temporary keys also expire within hours.
    Fix: use a role (the SDK refreshes its temporary keys itself) or a long-term key.
    Bad:
        access_key_id: ASIAIOSFODNN7EXAMPLE
    Good:
        profile: production
    """
    key = provider.resolved("access_key_id")
    if is_literal(key) and key.strip().startswith("ASIA"):
        yield provider.finding(("config", "access_key_id"), f"`ASIA…`{provider.origin('access_key_id')} is a temporary access key: it needs a session token, which this config cannot carry")


@rule("SES307", "malformed-credential", stage=STATIC, severity=ERROR)
def malformed_credential(provider: SesProvider) -> Iterator[Finding]:
    """An access key id not of AWS's form (20 characters: a known prefix such as `AKIA`/`ASIA`, then 16
    of `A-Z` and `2-7`), or a secret that is not 40 characters of `A-Za-z0-9/+`.

    Details: references, placeholders and emulator dummies are not judged. A value with spaces around it
    (`"AKIA… "`) is reported too: the SDK signs with it as written.
    Why: such a value can never authenticate: usually a copy-paste that lost or gained characters, or
    the key id and the secret swapped.
    Fix: copy the key again from the IAM console or your secret store.
    Bad:
        access_key_id: AKIAIOSFODNN7EXAMPL
    Good:
        access_key_id: AKIAIOSFODNN7EXAMPLE
    """
    key, secret = provider.resolved("access_key_id"), provider.resolved("secret_access_key")
    for name, value in (("access_key_id", key), ("secret_access_key", secret)):
        if is_literal(value) and value != value.strip():
            yield provider.finding(("config", name), f"`{name}`{provider.origin(name)} has spaces around it: the SDK signs with the value as written and AWS rejects it")
    if is_literal(key) and not is_dummy(key) and not ACCESS_KEY_ID.fullmatch(key.strip()):
        yield provider.finding(("config", "access_key_id"), f"not an AWS access key id{provider.origin('access_key_id')} ({len(key.strip())} characters; expected 20: `AKIA`/`ASIA` and 16 of A-Z, 2-7)")
    if is_literal(secret) and not is_dummy(secret) and not SECRET_ACCESS_KEY.fullmatch(secret.strip()):
        yield provider.finding(("config", "secret_access_key"), f"not an AWS secret access key{provider.origin('secret_access_key')} ({len(secret.strip())} characters; expected 40 of A-Z, a-z, 0-9, / and +)")


@rule("SES308", "emulator-credentials-without-endpoint", stage=STATIC, severity=ERROR)
def emulator_credentials_without_endpoint(provider: SesProvider) -> Iterator[Finding]:
    """Emulator dummy keys (`test`/`test`, LocalStack's) with no `endpoint`.

    Why: with no endpoint the SDK calls real AWS, which rejects the dummy keys: this config was meant
    for LocalStack and would fail in production.
    Fix: add the emulator's `endpoint`, or use real credentials (a profile or a role) for AWS.
    Bad:
        {access_key_id: test, secret_access_key: test}
    Good:
        {access_key_id: test, secret_access_key: test, endpoint: "http://localhost:4566"}
    """
    if (is_dummy(provider.resolved("access_key_id")) or is_dummy(provider.resolved("secret_access_key"))) and not provider.endpoint:
        yield provider.finding(("config", "access_key_id"), "emulator dummy credentials with no `endpoint`: this would call real AWS and fail")


@rule("SES309", "prefer-role", stage=STATIC, severity=INFO)
def prefer_role(provider: SesProvider) -> Iterator[Finding]:
    """Static keys are configured (even as `${NAME}` references) where an IAM role or a profile would do.

    Details: not reported for emulator endpoints.
    Why: long-term keys must be stored, rotated and revoked by hand; a role's credentials are issued
    and rotated by AWS. The provider documentation recommends roles.
    Fix: remove the keys and give the service an IAM role (instance profile, ECS task role), or use a
    profile.
    Bad:
        {access_key_id: "${AWS_ACCESS_KEY_ID}", secret_access_key: "${AWS_SECRET_ACCESS_KEY}"}
    Good:
        {region: eu-west-1}
    """
    if provider.has_static_keys and not _emulator(provider):
        yield provider.finding(("config", "access_key_id"), "static keys configured; prefer an IAM role or a profile", at="key")


@rule("SES310", "imds-disabled-without-source", stage=STATIC, severity=WARNING)
def imds_disabled_without_source(provider: SesProvider) -> Iterator[Finding]:
    """`imds_disable: true` with no static keys and no profile.

    Why: with the instance role turned off, only environment variables (or a container role) can supply
    credentials; on an EC2 host that relies on its instance profile, sending will fail.
    Fix: remove `imds_disable`, or configure a profile or keys.
    Bad:
        {imds_disable: true}
    Good:
        {imds_disable: true, profile: production}
    """
    if provider.resolved("imds_disable") is True and not provider.has_static_keys and not provider.field("profile"):
        yield provider.finding(("config", "imds_disable"), "instance metadata is disabled and no keys or profile are set: only environment variables can supply credentials")


@rule("SES311", "malformed-reference", stage=STATIC, severity=ERROR)
def malformed_reference(value: ProviderValue) -> Iterator[Finding]:
    """A broken environment reference: `${AWS_KEY` (unclosed), `$AWS_KEY}`, `${}`, `${1KEY}`.

    Details: every string value of every provider entry is checked (an SMTP `password` too), and every
    recipient of a notify step (`to`, `cc`, `bcc`).
    Why: a broken reference is not expanded: the literal text is used as the value and fails at the
    first send.
    Fix: write `${NAME}`.
    Bad:
        secret_access_key: ${AWS_SECRET_ACCESS_KEY
    Good:
        secret_access_key: ${AWS_SECRET_ACCESS_KEY}
    """
    problem = references.malformation(value.value)
    if problem:
        yield value.finding(problem)


@rule("SES312", "unset-reference", stage=STATIC, severity=ERROR)
def unset_reference(value: ProviderValue) -> Iterator[Finding]:
    """With `--env` (a deployment-readiness check): a `${NAME}` reference whose variable is not set.

    Details: runs only with `--env`, against the environment ses-lint runs in; every string value of
    every provider entry, and every recipient of a notify step (`to: [${ONCALL}]`), is checked.
    Why: the provider would start with an empty or literal value and fail at the first send.
    Fix: set the variable in the deployment's environment.
    Bad:
        secret_access_key: ${AWS_SECRET_ACCESS_KEY}   # with AWS_SECRET_ACCESS_KEY unset
    Good:
        secret_access_key: ${AWS_SECRET_ACCESS_KEY}   # with it set
    """
    if value.environ is None:  # without --env
        return
    for variable in references.names(value.value):
        if variable not in value.environ:
            yield value.finding(f"environment variable `{variable}` is not set")
