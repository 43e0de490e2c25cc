"""Helpers of the DNS tests: servers on loopback: NSD serving zone files the tests write, and a dnslib fault server.

Every query goes to 127.0.0.1. Test domains live under `test.` (RFC 2606) and the parent zones served
here (`test.`, `com.` for amazonses.com) make outside names real NXDOMAINs instead of REFUSED.
"""
from __future__ import annotations

import base64
import fnmatch
import os
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Optional

import ses_lint
from support import sorted_codes as codes  # noqa: F401  (shared helper, imported from here by the dns tests)

NSD = shutil.which("nsd") or "/usr/sbin/nsd"
AMAZONSES_SPF = "v=spf1 ip4:199.255.192.0/22 ip4:199.127.232.0/22 ip4:54.240.0.0/18 ip4:69.169.224.0/20 -all"
COM_ZONE = f"""\
amazonses.com. TXT "{AMAZONSES_SPF}"
"""


def txt(text: str) -> str:
    """A TXT rdata in zone syntax, split into strings of at most 255 bytes (RFC 1035 §3.3.14)."""
    chunks = [text[index:index + 255] for index in range(0, len(text), 255)] or [""]
    return " ".join('"' + chunk.replace('"', '\\"') + '"' for chunk in chunks)


def zone_text(origin: str, records: str) -> str:
    return (
        f"$ORIGIN {origin}.\n$TTL 300\n"
        f"@ IN SOA ns.{origin}. hostmaster.{origin}. ( 1 3600 600 86400 300 )\n"
        f"@ IN NS ns.{origin}.\nns IN A 127.0.0.1\n" + records
    )


def free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1 (small race, as with any such choice)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    raise RuntimeError("no free port")


def wait_ready(port: int, name: str, deadline: float = 5.0, proc: Optional[subprocess.Popen] = None) -> None:
    import dns.message
    import dns.query

    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"nsd exited with {proc.returncode}")
        try:
            dns.query.udp(dns.message.make_query(name, "SOA"), "127.0.0.1", port=port, timeout=0.2)
            return
        except Exception:
            time.sleep(0.02)
    raise RuntimeError(f"DNS server on port {port} not ready")


class Nsd:
    """One NSD process serving `test.` (the test's records) and `com.` on 127.0.0.1:port."""

    def __init__(self, folder: Path, records: str, extra_zones: dict[str, str] | None = None):
        self.folder = folder
        zones = {"test": records, "com": COM_ZONE, **(extra_zones or {})}
        for origin, body in zones.items():
            (folder / f"{origin}.zone").write_text(zone_text(origin, body))
        for attempt in range(3):  # the free port may be taken before NSD binds it: try another
            self.port = free_port()
            self._write_conf(zones)
            self.proc = subprocess.Popen([NSD, "-d", "-c", str(folder / "nsd.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                wait_ready(self.port, "test.", proc=self.proc)
                return
            except RuntimeError:
                self.stop()
                if attempt == 2:
                    log = (folder / "nsd.log").read_text() if (folder / "nsd.log").exists() else ""
                    raise RuntimeError(f"nsd did not start: {log}") from None

    def _write_conf(self, zones: dict[str, str]) -> None:
        folder = self.folder
        conf = [
            "server:",
            "  ip-address: 127.0.0.1",
            f"  port: {self.port}",
            "  do-ip6: no",
            '  username: ""',
            '  chroot: ""',
            f'  zonesdir: "{folder}"',
            '  database: ""',
            f'  pidfile: "{folder}/nsd.pid"',
            f'  xfrdfile: "{folder}/xfrd.state"',
            f'  zonelistfile: "{folder}/zone.list"',
            f'  logfile: "{folder}/nsd.log"',
            "  server-count: 1",
            "  verbosity: 0",
            "  rrl-ratelimit: 0",
            "remote-control:",
            "  control-enable: no",
        ]
        for origin in zones:
            conf += ["zone:", f"  name: {origin}", f'  zonefile: "{origin}.zone"']
        (folder / "nsd.conf").write_text("\n".join(conf) + "\n")

    @property
    def nameserver(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stderr:
            self.proc.stderr.close()


# -- the fault server ------------------------------------------------------------------------------
class FaultResolver:
    """A dnslib resolver over zone text, with NXDOMAIN vs NODATA right, per-name faults and counters.

    `faults[name]` (or `faults[(name, TYPE)]`, or `faults["ses-lint-*.d.test"]`: a shell pattern over
    names): "timeout" (no reply), "drop-once" (no reply to the first
    query, an answer to the next), "servfail", "refused",
    "truncate" (UDP answer with TC=1 and no records: the client must retry over TCP), or a float
    (answer after that many seconds). `delay` slows every answer.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset("")

    def reset(self, records: str, faults: dict | None = None, delay: float = 0.0) -> None:
        from dnslib import RR

        with self.lock:
            self.records = RR.fromZone(zone_text("test", records) + "\n$ORIGIN com.\n" + COM_ZONE)
            self.names = {str(rr.rname).lower() for rr in self.records}
            self.faults = dict(faults or {})
            self.delay = delay
            self.counts: Counter = Counter()
            self.by_proto: Counter = Counter()
            self.payloads: list[int] = []  # EDNS UDP payload sizes offered by the client

    def count(self, name: str, rtype: str) -> int:
        return self.counts[(name.rstrip(".").lower(), rtype.upper())]

    def resolve(self, request, handler):
        from dnslib import QTYPE, RCODE, DNSError

        question = request.q
        name = str(question.qname).lower()
        rtype = QTYPE[question.qtype]
        key = (name.rstrip("."), rtype)
        with self.lock:
            self.counts[key] += 1
            self.by_proto[(key, handler.protocol)] += 1
            self.payloads += [rr.rclass for rr in request.ar if rr.rtype == QTYPE.OPT]
            fault = self.faults.get(key, self.faults.get(key[0]))
            if fault is None:  # a key with `*` is a shell pattern over names (the gatherer's random probe labels)
                fault = next((kind for pattern, kind in self.faults.items() if isinstance(pattern, str) and "*" in pattern
                              and fnmatch.fnmatchcase(key[0], pattern)), None)
        if self.delay:
            time.sleep(self.delay)
        reply = request.reply()
        if isinstance(fault, (int, float)) and not isinstance(fault, bool):
            time.sleep(fault)
        elif fault == "timeout" or (fault == "drop-once" and self.counts[key] == 1):
            raise DNSError("dropped on purpose")
        elif fault == "servfail":
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        elif fault == "refused":
            reply.header.rcode = RCODE.REFUSED
            return reply
        elif fault == "truncate" and handler.protocol == "udp":
            reply.header.tc = 1
            return reply
        reply.header.aa = 1
        matches = [rr for rr in self.records if str(rr.rname).lower() == name]
        answers = [rr for rr in matches if rr.rtype == question.qtype]
        if not answers and question.qtype != QTYPE.CNAME:
            answers = [rr for rr in matches if rr.rtype == QTYPE.CNAME]
        for rr in answers:
            reply.add_answer(rr)
        if not matches and not any(existing.endswith("." + name) for existing in self.names):
            reply.header.rcode = RCODE.NXDOMAIN
        return reply


class _QuietLogger:
    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class FaultServer:
    def __init__(self) -> None:
        from dnslib.server import DNSServer

        self.resolver = FaultResolver()
        for attempt in range(20):  # the UDP port's TCP twin may be taken by some client's ephemeral port
            self.udp = DNSServer(self.resolver, address="127.0.0.1", port=0, logger=_QuietLogger())
            self.port = self.udp.server.server_address[1]
            try:
                self.tcp = DNSServer(self.resolver, address="127.0.0.1", port=self.port, tcp=True, logger=_QuietLogger())
                break
            except OSError:
                self.udp.server.server_close()
                if attempt == 19:
                    raise
        self.udp.start_thread()
        self.tcp.start_thread()

    @property
    def nameserver(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        for server in (self.udp, self.tcp):
            server.stop()
            server.server.server_close()


# -- configs and runs ------------------------------------------------------------------------------
def provider_yaml(key: str, sender: str, region: str = "eu-west-1", enabled: bool = True) -> str:
    return (
        f"  {key}:\n"
        f"    provider: email.ses\n"
        f"    enabled: {'true' if enabled else 'false'}\n"
        f"    config:\n"
        f"      from: {sender}\n"
        f"      region: {region}\n"
    )


def write_config(folder: Path, *providers: tuple, name: str = "ses.yaml") -> str:
    """A provider config with one provider per (key, from[, region[, enabled]]); the n-th provider's
    `from` value is at line 7 + 6 (n - 1), column 13."""
    body = 'version: "1.0"\nproviders:\n' + "".join(provider_yaml(*provider) for provider in providers)
    path = folder / name
    path.write_text(body)
    return str(path)


FROM_LINE, FROM_COLUMN = 7, 13  # the first provider's `from` value


def run_dns(paths, server, timeout: float = 2.0, **options):
    options.setdefault("select", ["SES6"])
    paths = paths if isinstance(paths, list) else [paths]
    return ses_lint.lint(paths, dns=True, nameservers=[server.nameserver], timeout=timeout, **options)


def rsa_spki(bits: int) -> str:
    """A base64 SubjectPublicKeyInfo of an RSA key whose modulus has `bits` bits (not a real key:
    the linter reads only its size, so a modulus of the right length is all a test needs)."""
    modulus = (1 << (bits - 1)) | int.from_bytes(os.urandom(bits // 8), "big") % (1 << (bits - 1)) | 1

    def tlv(tag: int, value: bytes) -> bytes:
        length = len(value)
        if length < 0x80:
            return bytes([tag, length]) + value
        octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
        return bytes([tag, 0x80 | len(octets)]) + octets + value

    n = modulus.to_bytes((bits + 7) // 8, "big")
    if n[0] & 0x80:
        n = b"\x00" + n
    rsa_key = tlv(0x30, tlv(0x02, n) + tlv(0x02, (65537).to_bytes(3, "big")))
    algorithm = tlv(0x30, tlv(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")
    return base64.b64encode(tlv(0x30, algorithm + tlv(0x03, b"\x00" + rsa_key))).decode()
