"""The sender: one SES provider's `from`, expanded and parsed once, read by every stage.

`Sender.of` takes `from` as written and as the static stage judges it (`references.resolve`: a
`${NAME}` reference is expanded only under `--env`, a template never), so the static rules (SES501,
SES502), the dns stage (the domain it looks up) and the aws stage (the identities that could cover the
address, `ses:FromAddress`, `ses:FromDisplayName`) all see the same value, or all see none: a `from`
not known before run time is skipped by every stage alike.

Pure: the standard library and the idna package (imported only for a domain that is not ASCII).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Optional

from ses_lint.source import references
from ses_lint.source.addresses import a_label, split


@dataclass(frozen=True)
class Sender:
    """`from` of one SES provider. `value` is None when it is not known before run time (a template, a
    reference without `--env` or with its variable unset); then every parsed field is None too."""

    written: str  # as written (a template's text for an unquoted `{{ ... }}`)
    value: Optional[str]  # as judged: references expanded under --env, read as if written in their place
    origin: str = ""  # ` (from ${NAME})` when `value` came from references, for messages
    unknown: str = ""  # why `value` is not known, for messages: "references an environment variable: known only with --env"

    @classmethod
    def of(cls, written: Any, judged: Any, origin: str = "", unknown: str = "") -> Optional["Sender"]:
        """The sender of a `from` field: None when there is no usable `from` (missing or not a string)."""
        if not isinstance(written, str):
            return None
        if isinstance(judged, str):
            return cls(written, judged, origin)
        return cls(written, None, unknown=unknown)

    @property
    def reference(self) -> bool:
        """`from` holds a `${NAME}` reference (expanded into `value` only under --env)."""
        return references.has_reference(self.written)

    @property
    def template(self) -> bool:
        return references.is_template(self.written)

    @property
    def known(self) -> bool:
        return self.value is not None

    @functools.cached_property
    def _parts(self) -> tuple[Optional[str], Optional[str]]:
        return split(self.value) if self.value else (None, None)

    @property
    def display_name(self) -> Optional[str]:
        """The display name of `Name <addr>` (what SES supplies as `ses:FromDisplayName`); None without one."""
        return self._parts[0]

    @property
    def address(self) -> Optional[str]:
        """The addr-spec (`ses:FromAddress`), as written; None when `value` holds no `@`."""
        return self._parts[1]

    @property
    def local_part(self) -> Optional[str]:
        return self.address.rsplit("@", 1)[0] if self.address else None

    @property
    def domain(self) -> Optional[str]:
        """The domain as written, lower-cased, without a trailing dot."""
        return self.address.rsplit("@", 1)[1].strip().rstrip(".").lower() if self.address else None

    @functools.cached_property
    def a_label(self) -> Optional[str]:
        """The domain in A-label form (IDNA 2008, UTS #46 non-transitional): what DNS is asked; None when
        it is not a usable domain name."""
        return a_label(self.domain) if self.domain else None
