from .conftest import config, provider
from .helpers import check
def test_debug(moto):
    moto.verify("example.com")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path)
    for f in report.findings: print(f.code, f.message)
    assert 0
