"""The schemas' plain-Python fast path accepts only what pydantic-core accepts, so pydantic-core alone
decides every file it does not accept (and a valid file never imports it)."""
from __future__ import annotations

import subprocess
import sys

from support import SEED
from hypothesis import given, settings
from hypothesis import strategies as st

from ses_lint.source import schema as model

MODELS = [model.FileModel, model.ProviderModel, model.SesConfigModel, model.NotifyConfigModel, model.StepModel]
KEYS = sorted({key for m in MODELS for key in m.keys} | {"text", "html", "x"})

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 2), st.floats(allow_nan=False, width=16),
    st.sampled_from(["", "a", "ses", "\ud800", "é", "us-east-1"]), st.text(max_size=4),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.integers(0, 2), st.booleans()), inner, max_size=4),
    ),
    max_leaves=12,
)
mappings = st.dictionaries(st.sampled_from(KEYS), values, max_size=7)


def pydantic_accepts(m: model.Model, data) -> bool:
    from pydantic_core import ValidationError

    try:
        m.validator.validate_python(data)
    except ValidationError:
        return False
    return True


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(MODELS), mappings)
def test_fast_path_accepts_only_what_pydantic_core_accepts(m, data):
    if model.accepts(m.schema, data):
        assert pydantic_accepts(m, data), data


def test_fast_path_accepts_the_common_valid_shapes():
    provider = {"name": "n", "provider": "email", "enabled": True, "config": {"platform": "ses", "from": "a@b.io"}}
    assert model.accepts(model.ProviderModel.schema, provider)
    assert model.accepts(model.SesConfigModel.schema, {"from": "a@b.io", "region": None, "imds_disable": False})
    assert model.accepts(model.NotifyConfigModel.schema, {"provider": "p", "to": ["a@b.io"], "body": {"text": "t", "x": 1}})
    assert not model.accepts(model.ProviderModel.schema, {**provider, "enabled": "yes"})
    assert not model.accepts(model.SesConfigModel.schema, {"from": ""})


def test_a_valid_file_never_imports_pydantic_core():
    code = (
        "import sys; from ses_lint import lint; report = lint([sys.argv[1]]); "
        "assert report.files == 6, report.files; "
        "print(sorted(name for name in sys.modules if name.startswith('pydantic')))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(SEED)], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
