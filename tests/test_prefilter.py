"""The byte prefilter: a file it rules out is one that loading would never make a provider config."""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from support import BROKEN_YAML, CLEAN, EXAMPLES, RESERVED, parse_text, run_cli

from ses_lint.source.document import load
from ses_lint.source.prefilter import may_be_config

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def is_config(raw: bytes) -> bool:
    return load("x.yaml", raw).is_config


# Configs in every form the loader accepts: each must be parsed.
CONFIGS = [
    b"providers: {}\n",
    b"workflows: []\n",
    b"  providers: 1\n  b: 2\n",
    b"{providers: 1}",
    b"{providers}",
    b"{a: 1,\n  workflows: []}",
    b'"providers": {}\n',
    b"'workflows': []\n",
    b"? providers\n: 1\n",
    b"!!str providers: 1\n",
    b"&anchor providers: 1\n",
    b"--- !!map\n&x providers: 1\n",
    b"%YAML 1.1\n--- {providers: 1}\n",
    b"\xef\xbb\xbfproviders: 1\n",
    b"a: 1\rproviders: 2\r",
    "a: 1\u0085providers: 2".encode(),
    "a: 1\u2028providers: 2".encode(),
    b'"\\x70roviders": 1\n',
    b'"\\u0077orkflows": []\n',
    b'? "provi\\\n  ders"\n: 1\n',
    b"x: &a providers\n*a : 1\n",
    b'x: &a "\\x70roviders"\n*a : 1\n',
    "providers: 1\n".encode("utf-16"),
    # broken files that look like configs
    BROKEN_YAML.encode(),
    b"providers:\n  a: [1\n",
    b"workflows: \xff\n",
]

# What a monorepo holds: never parsed (the words appear, but not as top-level keys).
NOT_CONFIGS = [
    b"apiVersion: v1\nkind: ConfigMap\ndata:\n  url: http://providers.internal\n",
    b"spec:\n  providers:\n    - a\n",
    b"- providers: 1\n",
    b"jobs:\n  call:\n    uses: org/repo/.github/workflows/build.yml@main\n",
    b"env:\n  - name: PROVIDERS\n    value: workflows are fine\n",
    b'args: ["--regex=\\\\d+", "x"]\n',
    b"foo: [1, 2\n",
    b"",
]


@pytest.mark.parametrize("raw", CONFIGS)
def test_every_form_of_a_config_is_parsed(raw):
    assert is_config(raw), "the case list itself is wrong"
    assert may_be_config(raw)


@pytest.mark.parametrize("raw", NOT_CONFIGS)
def test_other_yaml_is_ruled_out_without_parsing(raw):
    assert not is_config(raw)
    assert not may_be_config(raw)


def test_no_fixture_or_example_config_is_ruled_out():
    files = [*FIXTURES.rglob("*.y*ml"), *EXAMPLES.rglob("*.y*ml")]
    assert len(files) > 50
    for path in files:
        raw = path.read_bytes()
        assert may_be_config(raw) or not is_config(raw), path


_PIECES = [
    "providers", "workflows", "provi", "ders", ":", ": ", " ", "  ", "\n", "\r", "\t", "{", "}", "[", "]", ",", "?", "? ",
    "- ", "---", "--- ", "...", "#", "&a ", "*a", "*a ", "!!str ", "!x ", '"', "'", "\\", "\\x70", "\\u0077", "x", "1",
    "|", ">", "\ufeff", "\u0085", "\u2028", "%YAML 1.1\n", "<<: ", "providers:", "workflows:", "\xff",
]
# Random files of up to 16 pieces: a new seed each run (SES_LINT_FUZZ_SEED repeats one), as many as
# hypothesis drew (3,000 in 3 s) three times over in a tenth of the time, since nothing here needs its
# shrinking: a failing file is at most 16 pieces, printed with its seed.
RANDOM_FILES = max(10_000, 60 * int(os.environ.get("SES_LINT_FUZZ_EXAMPLES", "0")))  # a long campaign: more


def _raw(pieces) -> bytes:
    return "".join(pieces).encode("utf-8", "surrogateescape").replace("\xff".encode(), b"\xff")


def test_ruled_out_files_are_never_configs():
    """Every file of at most two pieces, and 10,000 random files of up to 16 (more in a long campaign):
    none that the prefilter rules out is a config when loaded."""
    seed = int(os.environ.get("SES_LINT_FUZZ_SEED") or random.SystemRandom().randrange(2**32))
    rng = random.Random(seed)
    files = [(), *((a,) for a in _PIECES), *((a, b) for a in _PIECES for b in _PIECES)]
    files += [rng.choices(_PIECES, k=rng.randint(0, 16)) for _ in range(RANDOM_FILES)]
    for pieces in files:
        raw = _raw(pieces)
        assert may_be_config(raw) or not is_config(raw), f"{raw!r} (SES_LINT_FUZZ_SEED={seed})"


def test_folder_run_skips_and_reports_as_before(write, workdir):
    write("repo/k8s/deploy.yaml", NOT_CONFIGS[0].decode())
    write("repo/k8s/broken.yaml", "foo: [1, 2\n")
    write("repo/ses/clean.yaml", CLEAN)
    write("repo/ses/flow.yaml", '{version: "1.0", providers: {email-ses-flow: {provider: email.ses, config: {from: a@example.com, region: eu-west-1}}}}\n')
    write("repo/ses/quoted.yaml", RESERVED.replace("providers:", '"providers":').replace("email-ses", "email-ses-quoted"))
    write("repo/ses/broken.yaml", BROKEN_YAML)
    code, out, _ = run_cli("repo", cwd=workdir)
    assert code == 1
    assert [(row[0], row[3]) for row in parse_text(out)] == [
        ("repo/ses/broken.yaml", "SES001"),
        ("repo/ses/flow.yaml", "SES502"),
        ("repo/ses/quoted.yaml", "SES502"),
    ]
    assert out.splitlines()[-1].startswith("Found 1 error, 2 warnings (4 files checked, 2 skipped (not provider configs)")


def test_broken_file_named_on_the_command_line_is_reported(write, workdir):
    write("other.yaml", "foo: [1, 2\n")
    code, out, _ = run_cli("other.yaml", cwd=workdir)
    assert code == 1
    assert [(row[0], row[3]) for row in parse_text(out)] == [("other.yaml", "SES001")]
