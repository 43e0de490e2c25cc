"""DKIM key records (RFC 6376 §3.6.1, RFC 8301, RFC 8463): tag parsing and the key's size.

The key size is read from the DER of `p=` by a small parser of SubjectPublicKeyInfo (RFC 5280 §4.1,
RSA key per RFC 8017 A.1.1); a bare RSAPublicKey (PKCS#1) is accepted too. No crypto library needed.
"""
from __future__ import annotations

import base64
import binascii

from ses_lint.facts.dkim import DkimKey

RSA_OID = bytes.fromhex("2a864886f70d010101")  # 1.2.840.113549.1.1.1
ED25519_OID = bytes.fromhex("2b6570")  # 1.3.101.112


class DerError(ValueError):
    pass


def _read(data: bytes, position: int) -> tuple[int, bytes, int]:
    """One DER TLV at `position`: (tag, value, next position)."""
    if position + 2 > len(data):
        raise DerError("truncated")
    tag = data[position]
    length = data[position + 1]
    position += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or position + count > len(data):
            raise DerError("bad length")
        length = int.from_bytes(data[position:position + count], "big")
        position += count
    end = position + length
    if end > len(data):
        raise DerError("truncated")
    return tag, data[position:end], end


def _rsa_bits(rsa_public_key: bytes) -> int:
    tag, body, _ = _read(rsa_public_key, 0)
    if tag != 0x30:
        raise DerError("RSAPublicKey is not a SEQUENCE")
    tag, modulus, _ = _read(body, 0)
    if tag != 0x02:
        raise DerError("modulus is not an INTEGER")
    modulus = modulus.lstrip(b"\x00")
    if not modulus:
        raise DerError("empty modulus")
    return (len(modulus) - 1) * 8 + modulus[0].bit_length()


def key_info(der: bytes) -> tuple[str, int]:
    """(algorithm, bits) of a SubjectPublicKeyInfo or a PKCS#1 RSAPublicKey. Raises DerError."""
    tag, body, _ = _read(der, 0)
    if tag != 0x30:
        raise DerError("not a DER SEQUENCE")
    first_tag, first, after = _read(body, 0)
    if first_tag == 0x02:  # PKCS#1 RSAPublicKey: SEQUENCE { modulus, exponent }
        return "rsa", _rsa_bits(der)
    if first_tag != 0x30:
        raise DerError("no AlgorithmIdentifier")
    oid_tag, oid, _ = _read(first, 0)
    if oid_tag != 0x06:
        raise DerError("no algorithm OID")
    bits_tag, bit_string, _ = _read(body, after)
    if bits_tag != 0x03 or not bit_string:
        raise DerError("no BIT STRING")
    key = bit_string[1:]  # first octet: unused bits
    if oid == RSA_OID:
        return "rsa", _rsa_bits(key)
    if oid == ED25519_OID:
        return "ed25519", len(key) * 8
    return "unknown", len(key) * 8


def is_dkim_key(text: str) -> bool:
    """A TXT that is (meant as) a DKIM key: `v=DKIM1` first, or a `p=` tag (v= is optional)."""
    tags = _tags(text)[0]
    return tags.get("v") == "DKIM1" or "p" in tags


def _tags(text: str) -> tuple[dict[str, str], list[str]]:
    tags: dict[str, str] = {}
    errors: list[str] = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or not name:
            errors.append(f"`{part}` is not `tag=value`")
            continue
        if name in tags:
            errors.append(f"tag `{name}` given twice")
        tags[name] = "".join(value.split())  # folding whitespace inside values is ignored (§3.2)
    return tags, errors


def parse_key(name: str, text: str) -> DkimKey:
    tags, errors = _tags(text)
    if "v" in tags and tags["v"] != "DKIM1":
        errors.append(f"`v={tags['v']}`: must be `DKIM1`")
    if "p" not in tags:
        errors.append("no `p=` tag (RFC 6376 §3.6.1)")
        return DkimKey(name, text, tags, tuple(errors))
    algorithm = tags.get("k", "rsa").lower()
    if tags["p"] == "":  # revoked (RFC 6376 §3.6.1)
        return DkimKey(name, text, tags, tuple(errors), algorithm)
    try:
        der = base64.b64decode(tags["p"], validate=True)
    except (binascii.Error, ValueError):
        errors.append("`p=` is not valid base64")
        return DkimKey(name, text, tags, tuple(errors), algorithm)
    if algorithm == "ed25519" and len(der) == 32:  # RFC 8463 §4.2: the bare 32-byte key
        return DkimKey(name, text, tags, tuple(errors), algorithm, 256)
    try:
        found, bits = key_info(der)
    except DerError as error:
        errors.append(f"`p=` is not a public key ({error})")
        return DkimKey(name, text, tags, tuple(errors), algorithm)
    return DkimKey(name, text, tags, tuple(errors), algorithm if found == "unknown" else found, bits)
