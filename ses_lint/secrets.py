"""Masking: no output ever shows a secret access key, or anything shaped like one."""
from __future__ import annotations

import re
from typing import Iterable

MASK = "****"
AWS_SECRET_SHAPE = (r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[0-9/+])(?=[A-Za-z0-9/+]*[A-Za-z])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")


class Masker:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({secret for secret in secrets if isinstance(secret, str) and len(secret) >= 4}, key=len, reverse=True)

    def add(self, secret: object) -> None:
        if isinstance(secret, str) and len(secret) >= 4 and secret not in self.secrets:
            self.secrets.append(secret)
            self.secrets.sort(key=len, reverse=True)

    def __call__(self, text: str | None) -> str | None:
        if not text:
            return text
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return re.sub(AWS_SECRET_SHAPE, MASK, text)  # compiled (and cached by `re`) when first masking
