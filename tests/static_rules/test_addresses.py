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
