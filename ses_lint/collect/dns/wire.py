"""DNS messages on the wire (RFC 1035 §4): the queries the DNS stage sends and the parts of a reply it
reads. Small and allocation-light on purpose: the stage parses one reply per (name, type), tens of
thousands of them for a fleet, and a general-purpose parser spends most of its time on what is not read.
"""
from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass, field

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16, "AAAA": 28, "SPF": 99}
A, NS, CNAME, SOA, MX, TXT, AAAA, SPF = 1, 2, 5, 6, 15, 16, 28, 99
NOERROR, SERVFAIL, NXDOMAIN, REFUSED = 0, 2, 3, 5
FLAG_TC, FLAG_AA = 0x0200, 0x0400
MAX_CHAIN = 16  # CNAMEs followed inside one reply

_HEADER = struct.Struct("!HHHHHH")
_RR = struct.Struct("!HHIH")
_QUESTION = struct.Struct("!HH")


class WireError(ValueError):
    pass


def encode_name(name: str) -> bytes:
    wire = b""
    for label in name.split("."):
        raw = label.encode("ascii")
        if not raw or len(raw) > 63:
            raise WireError(f"`{name}` is not a valid DNS name")
        wire += bytes([len(raw)]) + raw
    if len(wire) > 254:
        raise WireError(f"`{name}` is longer than 255 octets")
    return wire + b"\x00"


def query(qid: int, wire_name: bytes, rtype: int, payload: int) -> bytes:
    """A recursive query with an EDNS0 OPT record offering `payload` bytes (RFC 6891 §6.1.2)."""
    return (_HEADER.pack(qid, 0x0100, 1, 0, 0, 1) + wire_name + _QUESTION.pack(rtype, 1)
            + b"\x00" + struct.pack("!HHIH", 41, payload, 0, 0))


@dataclass
class Record:
    owner: str
    rtype: int
    value: object  # str (a name or an address), tuple[int, str] (MX), bytes (TXT: the joined strings)
    size: int  # the record's bytes in a reply: owner as a 2-byte pointer, fixed fields, rdata


@dataclass
class Reply:
    qid: int
    flags: int
    rcode: int
    qname: str
    qtype: int
    answer: list[Record] = field(default_factory=list)
    authority: list[Record] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return bool(self.flags & FLAG_TC)

    @property
    def authoritative(self) -> bool:
        return bool(self.flags & FLAG_AA)

    def chain(self) -> tuple[str, list[Record]]:
        """Follow CNAMEs from the question's name inside the answer section, as resolvers do (RFC 1034
        §4.3.2): (the canonical name, the records of the asked type there)."""
        name = self.qname
        for _ in range(MAX_CHAIN):
            found = [record for record in self.answer if record.owner == name and record.rtype == self.qtype]
            if found or self.qtype == CNAME:
                return name, found
            alias = next((record for record in self.answer if record.owner == name and record.rtype == CNAME), None)
            if alias is None:
                return name, []
            name = str(alias.value)
        raise WireError("a CNAME chain longer than 16 names")


def _name(data: bytes, position: int) -> tuple[str, int]:
    """The name at `position` (RFC 1035 §4.1.4 compression followed) and the position after it."""
    labels: list[str] = []
    end = -1
    hops = 0
    while True:
        if position >= len(data):
            raise WireError("a name runs past the end of the message")
        length = data[position]
        if length & 0xC0 == 0xC0:
            if position + 1 >= len(data):
                raise WireError("a truncated compression pointer")
            if end < 0:
                end = position + 2
            position = ((length & 0x3F) << 8) | data[position + 1]
            hops += 1
            if hops > 64:
                raise WireError("a compression loop")
            continue
        if length & 0xC0:
            raise WireError("an unknown label type")
        position += 1
        if length == 0:
            break
        labels.append(data[position:position + length].decode("latin-1").lower())
        position += length
    return ".".join(labels), (end if end >= 0 else position)


def _rdata(data: bytes, rtype: int, start: int, length: int) -> object:
    end = start + length
    if rtype in (TXT, SPF):
        chunks = []
        position = start
        while position < end:
            size = data[position]
            chunks.append(data[position + 1:position + 1 + size])
            position += 1 + size
        if position != end:
            raise WireError("a TXT string runs past its record")
        return b"".join(chunks)
    if rtype in (CNAME, NS):
        return _name(data, start)[0]
    if rtype == MX:
        return struct.unpack_from("!H", data, start)[0], _name(data, start + 2)[0]
    if rtype == A and length == 4:
        return ".".join(str(octet) for octet in data[start:end])
    if rtype == AAAA and length == 16:
        return ipaddress.IPv6Address(data[start:end]).compressed
    return None


def parse(data: bytes) -> Reply:
    """Header, question, answer and authority sections of a reply. Raises WireError when malformed."""
    try:
        qid, flags, qdcount, ancount, nscount, _ = _HEADER.unpack_from(data, 0)
        if qdcount != 1:
            raise WireError("the reply does not carry the question")
        qname, position = _name(data, 12)
        qtype, _ = _QUESTION.unpack_from(data, position)
        position += 4
        reply = Reply(qid, flags, flags & 0x000F, qname, qtype)
        for section, count in ((reply.answer, ancount), (reply.authority, nscount)):
            for _ in range(count):
                owner, position = _name(data, position)
                rtype, _, _, length = _RR.unpack_from(data, position)
                position += 10
                if position + length > len(data):
                    raise WireError("a record runs past the end of the message")
                section.append(Record(owner, rtype, _rdata(data, rtype, position, length), 12 + length))
                position += length
        return reply
    except (struct.error, IndexError, UnicodeError, ipaddress.AddressValueError) as error:
        raise WireError(f"a malformed reply ({error})") from None
