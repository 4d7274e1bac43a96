"""The signature a receiver checks: HMAC-SHA256 of the exact body with the hook's secret."""

import hashlib
import hmac

HEADER = "X-Hotline-Signature"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header_value: str) -> bool:
    """What a receiver does (and what the tests do): compare in constant time."""
    return hmac.compare_digest(signature(secret, body), header_value or "")
