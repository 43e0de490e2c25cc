"""Credentials as the AWS SDK (botocore) resolves them for one SES provider.

The order is botocore's, not the provider documentation's: static keys from the config win (even over
`profile`); else the config's `profile` (an explicit profile takes the environment variables out of the
chain, as botocore does); else botocore's default chain: environment variables, then the profile-based
sources (assume-role, web identity, SSO, shared credentials file, credential_process, config file), then
the container role and last the instance role (IMDS). `imds_disable: true` removes the instance role
from that provider's chain only (botocore has no such setting), as `AWS_EC2_METADATA_DISABLED=true` does.

Everything is read from the run's environment mapping, not from `os.environ`: botocore's session
variables (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `AWS_PROFILE`, the IMDS settings, ...) are
rebuilt over that mapping and the providers that read the environment get it explicitly. (botocore's web
identity provider reads `AWS_ROLE_ARN`/`AWS_WEB_IDENTITY_TOKEN_FILE` from the process environment only.)

botocore is imported inside functions only: this module is imported on the static path.
"""
from __future__ import annotations

import os
import threading
from dataclasses import replace
from typing import Any, Mapping, Optional

from ses_lint.collect.aws.clients import attach
from ses_lint.core.findings import one_line
from ses_lint.facts.aws import SOURCE_NAMES, CredentialFacts
from ses_lint.source import references

def _expand(value: Any, environ: Mapping[str, str]) -> tuple[Optional[str], Optional[str]]:
    """(value, problem): a string field with `${NAME}` references read from the environment, as the SDK
    reads credentials whether or not `--env` is given (`references.resolve` with the environment)."""
    if not isinstance(value, str):
        return None, None
    resolved = references.resolve(value, environ)
    if resolved.value is references.UNKNOWN:
        return None, f"`{value}` {references.unknown_reason(value, environ)}"
    return resolved.value, None


def imds_disabled_by_env(environ: Mapping[str, str]) -> bool:
    return str(environ.get("AWS_EC2_METADATA_DISABLED", "false")).lower() == "true"


_LOCK = threading.Lock()


def resolve(provider: Any, environ: Mapping[str, str], timeout: float) -> CredentialFacts:
    """Resolve one SesProvider's credentials. Never raises. The botocore session of resolved credentials is
    kept beside them (`clients.attach`), not in them."""
    key_id, key_problem = _expand(provider.field("access_key_id"), environ)
    secret, secret_problem = _expand(provider.field("secret_access_key"), environ)
    profile, profile_problem = _expand(provider.field("profile"), environ)
    imds = provider.field("imds_disable") is not True
    written_keys = provider.field("access_key_id") is not None or provider.field("secret_access_key") is not None

    if written_keys:
        facts = CredentialFacts("static", "access_key_id", tried=(SOURCE_NAMES["explicit"],), imds=imds)
        problems = [p for p in (key_problem, secret_problem) if p]
        if problems:
            return replace(facts, error="static keys are set in the config but " + "; ".join(problems))
        if not key_id or not secret:
            missing = "secret_access_key" if key_id else "access_key_id"
            return replace(facts, error=f"static keys are incomplete: `{missing}` is missing or empty")
        try:
            with _LOCK:
                session = _session(environ, None)
                session.set_credentials(key_id, secret)
        except Exception as error:  # pragma: no cover - botocore refusing plain strings
            return replace(facts, error=one_line(f"static keys could not be used: {error}", 300))
        return attach(replace(facts, method="explicit", access_key=key_id), session, timeout)

    if profile_problem:
        return CredentialFacts("profile", "profile", error=f"`profile` {profile_problem}", imds=imds)
    mode, key = ("profile", "profile") if profile else ("chain", "")
    facts = CredentialFacts(mode, key, profile=profile, imds=imds)
    try:
        with _LOCK:
            session = _session(environ, profile)
            resolver = _resolver(session, environ, explicit_profile=profile, imds=imds, timeout=timeout)
            facts = replace(facts, tried=tuple(_describe(resolver, session, environ, imds)))
            session.register_component("credential_provider", resolver)
    except Exception as error:
        return replace(facts, error=_explain(error, profile))
    try:
        credentials = session.get_credentials()
    except Exception as error:
        return replace(facts, error=_explain(error, profile))
    if credentials is None:
        return replace(facts, error="no source supplied credentials")
    try:
        frozen = credentials.get_frozen_credentials()
    except Exception as error:
        return replace(facts, error=f"{SOURCE_NAMES.get(credentials.method, credentials.method)} failed: {_explain(error, profile)}")
    return attach(replace(facts, method=credentials.method, access_key=frozen.access_key), session, timeout)


def _session(environ: Mapping[str, str], profile: Optional[str]) -> Any:
    """A botocore session whose configuration variables come from `environ`, not `os.environ`."""
    import botocore.session
    from botocore.configprovider import ConfigChainFactory

    env = dict(environ)
    session = botocore.session.Session()
    factory = ConfigChainFactory(session=session, environ=env)
    store = session.get_component("config_store")
    for name, (config_name, env_vars, default, conversion) in session.session_var_map.items():
        store.set_config_provider(
            name,
            factory.create_config_chain(
                instance_name=name,
                env_var_names=env_vars,
                config_property_names=config_name,
                default=default,
                conversion_func=conversion,
            ),
        )
    home = env.get("HOME")
    for name, variable, default in (("config_file", "AWS_CONFIG_FILE", "config"), ("credentials_file", "AWS_SHARED_CREDENTIALS_FILE", "credentials")):
        if variable not in env and home:
            session.set_config_variable(name, os.path.join(home, ".aws", default))
    if profile:
        session.set_config_variable("profile", profile)
    try:
        data_path = session.get_config_variable("data_path")
    except Exception:  # e.g. an undefined profile: botocore's own lazy Loader stays, and fails as it would
        return session
    session.register_component("data_loader", _loader(data_path))
    return session


_LOADERS: dict[Optional[str], Any] = {}  # AWS_DATA_PATH (None: unset) -> the process's one botocore Loader for it


def _loader(data_path: Optional[str]) -> Any:
    """The botocore `Loader` every session of this process with this `data_path` shares (called under `_LOCK`).

    botocore makes a new Loader per session (`create_loader(data_path)`), and a Loader caches the JSON
    it reads (service models, endpoints, rulesets, retry config) per instance: every provider's session
    parsed the same files again, about 0.15 s per session for sts, ses, sesv2, iam and cloudwatch. The
    Loader holds only those files' data, never credentials or configuration; sessions keep their own
    credential resolver, config store and clients. Keyed by `data_path`, so a run whose environment sets
    another AWS_DATA_PATH gets the Loader botocore would have made for it."""
    loader = _LOADERS.get(data_path)
    if loader is None:
        from botocore.loaders import create_loader

        loader = _LOADERS[data_path] = create_loader(data_path)
    return loader


def _resolver(session: Any, environ: Mapping[str, str], *, explicit_profile: Optional[str], imds: bool, timeout: float) -> Any:
    """botocore's default resolver, with every environment reader pointed at `environ` and IMDS bounded."""
    from botocore import credentials as bc
    from botocore.utils import InstanceMetadataFetcher

    env = dict(environ)
    if explicit_profile and explicit_profile not in session.available_profiles:
        from botocore.exceptions import ProfileNotFound

        raise ProfileNotFound(profile=explicit_profile)
    resolver = bc.create_credential_resolver(session)
    # (an AWS_PROFILE read from the environment is not "explicit": botocore keeps the env provider first)
    replacements: dict[str, Any] = {
        "env": bc.EnvProvider(environ=env),
        "container-role": bc.ContainerProvider(environ=env),
        "ec2-credentials-file": bc.OriginalEC2Provider(environ=env),
        "boto-config": bc.BotoProvider(environ=env),
    }
    imds_timeout = _float(session.get_config_variable("metadata_service_timeout"), 1.0)
    attempts = _int(session.get_config_variable("metadata_service_num_attempts"), 1)
    replacements["iam-role"] = bc.InstanceMetadataProvider(
        iam_role_fetcher=InstanceMetadataFetcher(
            timeout=min(imds_timeout, max(timeout, 0.1)),
            num_attempts=max(1, min(attempts, 2)),
            env=env,
            user_agent=session.user_agent(),
            config={
                "ec2_metadata_service_endpoint": session.get_config_variable("ec2_metadata_service_endpoint"),
                "ec2_metadata_service_endpoint_mode": bc.resolve_imds_endpoint_mode(session),
                "ec2_metadata_v1_disabled": session.get_config_variable("ec2_metadata_v1_disabled"),
            },
        )
    )
    resolver.providers[:] = [replacements.get(getattr(provider, "METHOD", ""), provider) for provider in resolver.providers]
    if not imds or imds_disabled_by_env(env):
        resolver.providers[:] = [provider for provider in resolver.providers if getattr(provider, "METHOD", "") != "iam-role"]
    return resolver


def _describe(resolver: Any, session: Any, environ: Mapping[str, str], imds: bool) -> list[str]:
    """The sources in the order botocore will try them, in words, with where each looks."""
    profile = session.get_config_variable("profile") or "default"
    described = []
    for provider in resolver.providers:
        method = getattr(provider, "METHOD", "")
        name = SOURCE_NAMES.get(method, method)
        if method in ("shared-credentials-file",):
            name += f" {session.get_config_variable('credentials_file')} [profile {profile}]"
        elif method == "config-file":
            name += f" {session.get_config_variable('config_file')} [profile {profile}]"
        elif method == "container-role" and not any(
            variable in environ for variable in ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI")
        ):
            name += " (not configured)"
        described.append(name)
    if not imds:
        described.append("instance role: off (imds_disable: true)")
    elif imds_disabled_by_env(environ):
        described.append("instance role: off (AWS_EC2_METADATA_DISABLED=true)")
    return described


def _explain(error: Exception, profile: Optional[str]) -> str:
    name = type(error).__name__
    if name == "ProfileNotFound":
        return f"profile `{profile}` is not defined in the shared config or credentials file"
    return one_line(f"{name}: {error}", 300)


def _float(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
