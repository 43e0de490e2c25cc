"""The differential corpus: one sender domain per case, `<case>.test`, all served by one NSD on loopback.

Each case is `Case(records, expect)`: `records` is zone text with absolute names in which `$D` stands
for the case's domain; `expect` is the set of aspects ses-lint reports for it (see ASPECTS in
test_differential.py). Unless a case sets its own, the domain gets `v=spf1 -all` and `v=DMARC1; p=reject`
so that only the record under test can differ. Shared targets live under `shared.test` and
`reports*.test`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

SPF_OK = "v=spf1 -all"
DMARC_OK = "v=DMARC1; p=reject"


@dataclass(frozen=True)
class Case:
    records: str
    expect: frozenset = frozenset()
    spf: bool = True  # add the default SPF record unless the records set one at $D
    dmarc: bool = True  # add the default DMARC record unless the records set one at _dmarc.$D


def _case(records: str, *expect: str, spf: bool | None = None, dmarc: bool | None = None) -> Case:
    if spf is None:
        spf = re.search(r'^\$D\. TXT "v=spf1', records, re.MULTILINE) is None
    if dmarc is None:
        dmarc = re.search(r"^_dmarc\.\$D\. TXT", records, re.MULTILINE) is None
    return Case(records, frozenset(expect), spf, dmarc)


def spf(text: str, *expect: str, extra: str = "") -> Case:
    return _case(f'$D. TXT "{text}"\n' + extra, *expect)


def dmarc(text: str, *expect: str, extra: str = "") -> Case:
    return _case(f'_dmarc.$D. TXT "{text}"\n' + extra, *expect)


def _chain(prefix: str, length: int, last: str = "v=spf1 ip4:192.0.2.1 -all") -> str:
    """`length` names l1.<prefix> .. l<length>.<prefix>, each including the next."""
    lines = [f'l{n}.{prefix}. TXT "v=spf1 include:l{n + 1}.{prefix} -all"\n' for n in range(1, length)]
    return "".join(lines) + f'l{length}.{prefix}. TXT "{last}"\n'


SHARED = (
    'ok1.shared.test. TXT "v=spf1 ip4:192.0.2.0/24 -all"\n'
    'ok2.shared.test. TXT "v=spf1 ip6:2001:db8::/32 -all"\n'
    'six.shared.test. TXT "v=spf1 a:h1.shared.test a:h2.shared.test a:h3.shared.test a:h4.shared.test a:h5.shared.test a:h6.shared.test -all"\n'
    + "".join(f"h{n}.shared.test. A 192.0.2.{n}\n" for n in range(1, 7))
    + "v6only.shared.test. AAAA 2001:db8::1\n"
    'two.shared.test. TXT "v=spf1 -all"\n'
    'two.shared.test. TXT "v=spf1 ~all"\n'
    'nospf.shared.test. TXT "google-site-verification=abc"\n'
    + "".join(f"mx{n}.shared.test. A 192.0.2.{10 + n}\n" for n in range(1, 12))
    + "".join(f"many.shared.test. MX {n} mx{n}.shared.test.\n" for n in range(1, 12))
    + "".join(f"ten.shared.test. MX {n} mx{n}.shared.test.\n" for n in range(1, 11))
    # report destinations: reports.test authorizes nobody; reports-ok.test authorizes one domain;
    # reports-any.test authorizes everyone with the wildcard
    + "reports.test. MX 10 mx1.shared.test.\n"
    "reports-ok.test. MX 10 mx1.shared.test.\n"
    "reports-any.test. MX 10 mx1.shared.test.\n"
    'dmarc-ext-auth.test._report._dmarc.reports-ok.test. TXT "v=DMARC1"\n'
    '*._report._dmarc.reports-any.test. TXT "v=DMARC1"\n'
    "reports-v.test. MX 10 mx1.shared.test.\n"
    'dmarc-ext-auth-upper.test._report._dmarc.reports-v.test. TXT "V=DMARC1"\n'
)

CASES: dict[str, Case] = {
    # -- SPF: lookups (RFC 7208 §4.6.4) --------------------------------------------------------
    "spf-chain-ok": spf("v=spf1 include:l1.spf-chain-ok.test -all", extra=_chain("spf-chain-ok.test", 3)),
    "spf-chain-11": spf("v=spf1 include:l1.spf-chain-11.test -all", "SES604", extra=_chain("spf-chain-11.test", 11)),
    "spf-lookups-10": spf("v=spf1 include:l1.spf-lookups-10.test -all", extra=_chain("spf-lookups-10.test", 10)),
    "spf-flat-11": spf("v=spf1 " + " ".join(f"a:h{n % 6 + 1}.shared.test" for n in range(11)) + " -all", "SES604"),
    "spf-redirect-ok": spf("v=spf1 redirect=ok1.shared.test"),
    "spf-redirect-11": spf("v=spf1 include:six.shared.test redirect=r.$D", "SES604",
                           extra='r.$D. TXT "v=spf1 include:ok1.shared.test include:ok2.shared.test a:h1.shared.test -all"\n'),
    "spf-dup-include": spf("v=spf1 include:six.shared.test include:six.shared.test -all", "SES604"),
    "spf-mx-11-hosts": spf("v=spf1 mx:many.shared.test -all", "SES604"),
    "spf-mx-10-hosts": spf("v=spf1 mx:ten.shared.test -all"),
    "spf-macros": spf("v=spf1 include:%{d}.shared.test exists:%{i}._spf.%{d} a:%{l}.h.%{d2} -all"),
    "spf-redirect-ignored": spf("v=spf1 ip4:192.0.2.1 -all redirect=gone.$D"),
    "spf-split-strings": _case('$D. TXT "v=spf1 include:ok1.shared.test " "include:ok2.shared.test -all"\n', spf=False),
    # -- SPF: void lookups -----------------------------------------------------------------------
    "spf-void-3": spf("v=spf1 a:gone1.$D a:gone2.$D mx:gone3.$D -all", "SES605"),
    "spf-void-2": spf("v=spf1 a:gone1.$D mx:gone2.$D -all"),
    "spf-void-nodata": spf("v=spf1 a mx a:txtonly.$D -all", "SES605", extra='txtonly.$D. TXT "x"\n'),
    "spf-void-via-include": spf("v=spf1 a:gone1.$D include:v.$D -all", "SES605",
                                extra='v.$D. TXT "v=spf1 a:gone2.$D mx:gone3.$D -all"\n'),
    "spf-null-mx": spf("v=spf1 mx:n1.$D mx:n2.$D mx:n3.$D -all",
                       extra="n1.$D. MX 0 .\nn2.$D. MX 0 .\nn3.$D. MX 0 .\n"),
    "spf-v6-only": spf("v=spf1 a:v6only.shared.test a:v6only.shared.test a:v6only.shared.test -all", "SES605"),
    "spf-void-exists": spf("v=spf1 exists:gone1.$D exists:gone2.$D exists:gone3.$D -all", "SES605"),
    "spf-void-ptr": spf("v=spf1 ptr ptr:gone1.$D ptr:gone2.$D -all"),
    "spf-void-and-lookups": spf("v=spf1 a:gone1.$D a:gone2.$D a:gone3.$D include:l1.$D -all", "SES604", "SES605",
                                extra=_chain("$D", 8)),
    # -- SPF: multiplicity, loops, targets -----------------------------------------------------------
    "spf-multiple": _case('$D. TXT "v=spf1 -all"\n$D. TXT "v=spf1 include:ok1.shared.test -all"\n', "SES602", spf=False),
    "spf-multiple-lookalike": _case('$D. TXT "v=spf1 -all"\n$D. TXT "v=spf10 include:ok1.shared.test -all"\n', spf=False),
    "spf-include-multiple": spf("v=spf1 include:two.shared.test -all", "SES603"),
    "spf-include-nospf": spf("v=spf1 include:nospf.shared.test -all", "SES603"),
    "spf-include-nxdomain": spf("v=spf1 include:gone.$D -all", "SES603"),
    "spf-redirect-nospf": spf("v=spf1 redirect=nospf.shared.test", "SES603"),
    "spf-include-loop": spf("v=spf1 include:a.$D -all", "SES608",
                            extra='a.$D. TXT "v=spf1 include:b.$D -all"\nb.$D. TXT "v=spf1 include:a.$D -all"\n'),
    "spf-self-include": spf("v=spf1 include:$D -all", "SES608"),
    "spf-redirect-loop": spf("v=spf1 redirect=r.$D", "SES608", extra='r.$D. TXT "v=spf1 redirect=$D"\n'),
    # -- SPF: syntax (RFC 7208 §12) ---------------------------------------------------------------
    "spf-bad-ip4": spf("v=spf1 ip4:192.0.2.300 -all", "SES603"),
    "spf-bad-cidr": spf("v=spf1 ip4:192.0.2.0/33 -all", "SES603"),
    "spf-ip6-v4": spf("v=spf1 ip6:192.0.2.1 -all", "SES603"),
    "spf-unknown-mech": spf("v=spf1 foo:bar.test -all", "SES603"),
    "spf-qualified-modifier": spf("v=spf1 -redirect=ok1.shared.test", "SES603"),
    "spf-bad-macro": spf("v=spf1 exists:%{z}.$D -all", "SES603"),
    "spf-exp-only-macro": spf("v=spf1 exists:%{c}.$D -all", "SES603"),
    "spf-two-exp": spf("v=spf1 -all exp=e1.$D exp=e2.$D", "SES603"),
    "spf-single-label": spf("v=spf1 include:localhost -all", "SES603"),
    "spf-junk-after-all": spf("v=spf1 -all foo", "SES603"),
    "spf-upper-case": _case('$D. TXT "V=SPF1 INCLUDE:OK1.SHARED.TEST Ip4:192.0.2.1 -ALL"\n', spf=False),
    "spf-cidr-leading-zero": spf("v=spf1 ip4:192.0.2.0/024 -all", "SES603"),
    "spf-a-cidr": spf("v=spf1 a:h1.shared.test/24 mx:ten.shared.test/24//64 -all"),
    "spf-include-syntax": spf("v=spf1 include:bad.$D -all", "SES603", extra='bad.$D. TXT "v=spf1 ip4:10.0.0.256 -all"\n'),
    # -- SPF: the final `all` --------------------------------------------------------------------
    "spf-plus-all": spf("v=spf1 include:ok1.shared.test +all", "SES606"),
    "spf-bare-all": spf("v=spf1 all", "SES606"),
    "spf-neutral-all": spf("v=spf1 ?all"),
    # -- DMARC: RFC 7489 and RFC 9989 records ---------------------------------------------------------
    "dmarc-7489": dmarc("v=DMARC1; p=quarantine; sp=reject; pct=50; rf=afrf; ri=86400; adkim=s; aspf=r; fo=1; rua=mailto:d@$D"),
    "dmarc-9989": dmarc("v=DMARC1; p=reject; np=reject; psd=n; t=y; rua=mailto:d@$D"),
    "dmarc-9989-no-p": dmarc("v=DMARC1; rua=mailto:d@$D"),
    "dmarc-p-late": dmarc("v=DMARC1; rua=mailto:d@$D; p=reject"),
    "dmarc-trailing-sep": dmarc("v=DMARC1; p=reject;"),
    "dmarc-unknown-tag": dmarc("v=DMARC1; p=reject; foo=bar"),
    "dmarc-spaces": dmarc("v = DMARC1 ;p = reject ; adkim = s"),
    "dmarc-https-rua": dmarc("v=DMARC1; p=reject; rua=https://reports.test/dmarc"),
    "dmarc-fo-both": dmarc("v=DMARC1; p=reject; fo=0:1; ruf=mailto:f@$D"),
    "dmarc-parent": _case('sub.$D. TXT "v=spf1 -all"\n', dmarc=True),  # linted as sub.<case>.test below
    # -- DMARC: bad tags ---------------------------------------------------------------------------------
    "dmarc-bad-p": dmarc("v=DMARC1; p=block", "SES622"),
    "dmarc-bad-np": dmarc("v=DMARC1; p=reject; np=bogus", "SES622"),
    "dmarc-bad-psd": dmarc("v=DMARC1; p=reject; psd=x", "SES622"),
    "dmarc-bad-t": dmarc("v=DMARC1; p=reject; t=maybe", "SES622"),
    "dmarc-bad-fo": dmarc("v=DMARC1; p=reject; fo=2", "SES622"),
    "dmarc-bad-adkim": dmarc("v=DMARC1; p=reject; adkim=x", "SES622"),
    "dmarc-bad-pct": dmarc("v=DMARC1; p=reject; pct=150", "SES622"),
    "dmarc-dup-tag": dmarc("v=DMARC1; p=reject; p=none", "SES622"),
    "dmarc-bad-uri": dmarc("v=DMARC1; p=reject; rua=d@$D", "SES622"),
    "dmarc-leading-space": dmarc(" v=DMARC1; p=reject", "SES622"),
    "dmarc-empty-mailto": dmarc("v=DMARC1; p=reject; rua=mailto:", "SES622"),
    "dmarc-not-first": dmarc("p=reject; v=DMARC1", "SES622"),
    "dmarc-no-sep": dmarc("v=DMARC1 p=reject", "SES622"),
    "dmarc-upper-v": dmarc("V=DMARC1; p=reject"),
    "dmarc-unrelated-txt": dmarc("v=DMARC1; p=reject", extra='_dmarc.$D. TXT "some-verification=abc"\n'),
    # -- DMARC: multiplicity --------------------------------------------------------------------------
    "dmarc-multiple": dmarc("v=DMARC1; p=reject", "SES623", extra='_dmarc.$D. TXT "v=DMARC1; p=none"\n'),
    "dmarc-multiple-parent": _case('sub.$D. TXT "v=spf1 -all"\n_dmarc.$D. TXT "v=DMARC1; p=reject"\n_dmarc.$D. TXT "v=DMARC1; p=none"\n',
                                   "SES623"),
    # -- DMARC: external report destinations (RFC 7489 §7.1, RFC 9990 §4) -------------------------------
    "dmarc-ext-unauth": dmarc("v=DMARC1; p=reject; rua=mailto:d@reports.test", "SES625"),
    "dmarc-ext-ruf-unauth": dmarc("v=DMARC1; p=reject; rua=mailto:d@$D; ruf=mailto:f@reports.test", "SES625"),
    "dmarc-ext-auth": dmarc("v=DMARC1; p=reject; rua=mailto:d@reports-ok.test"),
    "dmarc-ext-wildcard": dmarc("v=DMARC1; p=reject; rua=mailto:d@reports-any.test"),
    "dmarc-ext-size": dmarc("v=DMARC1; p=reject; rua=mailto:d@reports.test!10m", "SES625"),
    "dmarc-ext-upper": dmarc("v=DMARC1; p=reject; rua=mailto:d@REPORTS.test", "SES625"),
    "dmarc-ext-trailing-comma": dmarc("v=DMARC1; p=reject; rua=mailto:d@reports-any.test,", "SES622"),
    "dmarc-ext-auth-upper": dmarc("v=DMARC1; p=reject; rua=mailto:d@reports-v.test"),
    "dmarc-ext-mixed": dmarc("v=DMARC1; p=reject; rua=mailto:d@reports-any.test,mailto:d@reports.test", "SES625"),
    "dmarc-same-org": dmarc("v=DMARC1; p=reject; rua=mailto:d@reports.$D", extra="reports.$D. MX 10 mx1.shared.test.\n"),
    # -- issue 11: what receivers compute ------------------------------------------------------------
    "spf-include-plus-all": spf("v=spf1 include:pa.$D -all", "SES606", extra='pa.$D. TXT "v=spf1 +all"\n'),
    "spf-after-all-uncounted": spf("v=spf1 -all include:l1.$D", extra=_chain("$D", 11)),
    "spf-mx-host-voids": spf("v=spf1 mx:m.$D a:gone.$D -all", extra="m.$D. MX 10 x1.$D.\nm.$D. MX 20 x2.$D.\n"),
    "spf-lame": _case("lame.$D. NS ns.nowhere.invalid.\n", "SES640"),
    "wildcard-dmarc": _case('*.$D. TXT "v=spf1 -all"\n'),  # linted as x.<case>.test: synthesized records
    "dmarc-intermediate": _case('alerts.mktg.$D. TXT "v=spf1 -all"\n_dmarc.mktg.$D. TXT "v=DMARC1; p=none"\n'
                                '_dmarc.$D. TXT "v=DMARC1; p=reject; rua=mailto:d@reports.test"\n', "SES625", dmarc=False),
    "dmarc-psd-rua": _case('town.$D. TXT "v=spf1 -all"\n_dmarc.$D. TXT "v=DMARC1; p=reject; psd=y; rua=mailto:d@dmarc.svc.$D"\n'
                           "dmarc.svc.$D. MX 10 mx1.shared.test.\n", "SES625", dmarc=False),
    "idn": _case('xn--strae-oqa.$D. TXT "v=spf1 -all"\n_dmarc.xn--strae-oqa.$D. TXT "v=DMARC1; p=reject; rua=mailto:d@reports.test"\n'
                 'strasse.$D. TXT "v=spf1 -all"\n_dmarc.strasse.$D. TXT "v=DMARC1; p=reject"\n', "SES625"),
    "dmarc-walk-vs-psl": _case('a.$D. TXT "v=spf1 -all"\n_dmarc.a.$D. TXT "v=DMARC1; p=reject; rua=mailto:d@$D"\n'
                               "$D. MX 10 mx1.shared.test.\n", "SES625", dmarc=False),
}

# Cases whose `from` domain is not the case's domain itself.
FROM_DOMAIN = {
    "dmarc-parent": "sub.$D",
    "dmarc-multiple-parent": "sub.$D",
    "dmarc-walk-vs-psl": "a.$D",
    "spf-lame": "lame.$D",
    "wildcard-dmarc": "x.$D",
    "dmarc-intermediate": "alerts.mktg.$D",
    "dmarc-psd-rua": "town.$D",
    "idn": "straße.$D",
}


def domain(case: str) -> str:
    return f"{case}.test"


def from_domain(case: str) -> str:
    return FROM_DOMAIN.get(case, "$D").replace("$D", domain(case))


def zone_records() -> str:
    """Every case's records, and the shared targets, as the body of the `test.` zone."""
    lines = [SHARED]
    for name, case in CASES.items():
        d = domain(name)
        body = case.records.replace("$D", d)
        if case.spf:
            body += f'{d}. TXT "{SPF_OK}"\n'
        if case.dmarc:
            body += f'_dmarc.{d}. TXT "{DMARC_OK}"\n'
        lines.append(body)
    return "".join(lines)
