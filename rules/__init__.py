"""ses-lint's rules, one module per family. Importing this package registers every rule."""
from . import (  # noqa: F401
    document,
    schema,
    platform,
    credentials,
    region,
    addresses,
    workflows,
    spf,
    dkim,
    dmarc,
    mail_from,
    identity,
    account,
    iam,
    probe,
)
