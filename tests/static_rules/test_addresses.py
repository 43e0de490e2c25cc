"""SES501–SES503, the sender and the recipients."""
from __future__ import annotations

from .helpers import lint, positions

SPEC = [
    ("SES501", [(6, 13), (11, 13)], [
        ["`noreply@` is not a valid address"],
        ["`Ops Team <ops at mycompany.com>` is not a valid address"],
    ]),
    ("SES502", [(8, 13), (19, 35), (20, 16)], [
        ["`example.com` is a reserved domain", "the sender"],
        ["`example.com` is a reserved domain", "the recipient"],
        ["`staging.test` is a reserved domain", "the recipient"],
    ]),
    ("SES503", [(19, 16), (20, 17)], [
        ["`ops@mycompany` is not a valid address"],
        ["`audit.mycompany.com` is not a valid address", "@-sign"],
    ]),
]


def test_a_broken_reference_in_from_is_ses311_only(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text('version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n      from: ${SENDER\n      region: us-east-1\n')
    found = lint([str(path)])
    assert positions(found) == [("SES311", 6, 13)]


def test_a_non_ascii_local_part_is_refused_but_an_idn_domain_is_not(tmp_path):
    """SES does not support SMTPUTF8: the local part must be 7-bit ASCII (botocore's ses model,
    SendEmailRequest.Source; sesv2's Destination); the domain may be internationalised."""
    path = tmp_path / "p.yaml"
    path.write_text(
        'version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n      from: bestätigung@mycompany.de\n      region: eu-central-1\n'
        "  other:\n    provider: email.ses\n    config:\n      from: noreply@bücher.de\n      region: eu-central-1\n"
        "workflows:\n  - name: w\n    steps:\n      - task: notify\n        config: {provider: email-ses, subject: s, body: {text: t}, to: [jürgen@mycompany.de, ops@bücher.de]}\n"
    )
    found = lint([str(path)], select=["SES501", "SES503"])
    assert positions(found) == [("SES501", 6, 13), ("SES503", 17, 73)]
    assert "the local part `bestätigung` is not 7-bit ASCII" in found[0].message and "SMTPUTF8" in found[0].message
    assert "the local part `jürgen` is not 7-bit ASCII" in found[1].message
