"""The static stage's collectors: pure functions of the files a run read.

Each calls its subject type's reading code in `ses_lint.source` with the collector's `Inputs`, which
offer what that code reads of a run (options, environ, documents, and the declared types through
`subjects`)."""
from __future__ import annotations

from typing import Iterable

from ses_lint.core.collectors import Inputs
from ses_lint.source.config import (
    AddressUse,
    Configuration,
    NotifyStep,
    ProviderEntry,
    ProviderValue,
    SchemaProblem,
    SesProvider,
    SourceFile,
)
from ses_lint.source.credential_sites import CredentialSite


def source_files(inputs: Inputs) -> Iterable[SourceFile]:
    return SourceFile.gather(inputs)  # type: ignore[arg-type]


def configuration(inputs: Inputs) -> Iterable[Configuration]:
    return Configuration.gather(inputs)  # type: ignore[arg-type]


def provider_entries(inputs: Inputs) -> Iterable[ProviderEntry]:
    return ProviderEntry.gather(inputs)  # type: ignore[arg-type]


def notify_steps(inputs: Inputs) -> Iterable[NotifyStep]:
    return NotifyStep.gather(inputs)  # type: ignore[arg-type]


def ses_providers(inputs: Inputs) -> Iterable[SesProvider]:
    return SesProvider.gather(inputs)  # type: ignore[arg-type]


def schema_problems(inputs: Inputs) -> Iterable[SchemaProblem]:
    return SchemaProblem.gather(inputs)  # type: ignore[arg-type]


def address_uses(inputs: Inputs) -> Iterable[AddressUse]:
    return AddressUse.gather(inputs)  # type: ignore[arg-type]


def provider_values(inputs: Inputs) -> Iterable[ProviderValue]:
    return ProviderValue.gather(inputs)  # type: ignore[arg-type]


def credential_sites(inputs: Inputs) -> Iterable[CredentialSite]:
    return CredentialSite.gather(inputs)  # type: ignore[arg-type]
