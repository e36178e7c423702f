"""Rate limits for the public forms, counted in the cache (Redis in production).

Fixed windows per client IP and per email address: enough to stop floods and address
harvesting without bothering a participant who retries a few times.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _hit(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def rate_exceeded(*, key: str, limit: int, window: int) -> bool:
    """Count one hit of `key`; True when it went over `limit` within the window (seconds)."""
    return _hit(f"throttle:{key}", window) > limit


def throttle_exceeded(*, scope: str, ip: str, email: str | None = None) -> bool:
    """Count this attempt; True when the IP or the email address went over its limit."""
    limits = settings.RATE_LIMITS[scope]
    window = limits["window"]
    over = _hit(f"throttle:{scope}:ip:{ip}", window) > limits["per_ip"]
    if email:
        digest = hashlib.sha256(email.encode()).hexdigest()
        over |= _hit(f"throttle:{scope}:email:{digest}", window) > limits["per_email"]
    return over


def client_ip(request) -> str:
    """The client's address; behind the proxy named by TRUSTED_PROXY_COUNT, from the
    X-Forwarded-For header it appends."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
