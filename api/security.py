"""Password hashing (argon2 via pwdlib) and signed bearer tokens (PyJWT, HS256)."""

from __future__ import annotations

from collections import OrderedDict
from datetime import timedelta
from threading import Lock
from time import time

import jwt
from pwdlib import PasswordHash

from api.clock import utc_now

ALGORITHM = "HS256"
_hasher = PasswordHash.recommended()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, hashed: str) -> bool:
    try:
        return _hasher.verify(password, hashed)
    except Exception:  # a malformed stored hash never logs anyone in
        return False


def create_token(user_id: int, secret: str, minutes: int) -> str:
    """A token naming the user, valid for `minutes`."""
    now = utc_now()
    claims = {"sub": str(user_id), "iat": now, "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


_VERIFIED: OrderedDict[tuple[str, str], tuple[int, float]] = OrderedDict()
"""Tokens whose signature checked out, with their user id and expiry (epoch seconds)."""
_VERIFIED_LOCK = Lock()
_VERIFIED_SIZE = 4096


def token_user_id(token: str, secret: str) -> int | None:
    """The user id a valid, unexpired token names; None for anything else.

    A token that verified once is remembered with its expiry (a signature of the same text
    under the same key cannot stop being valid), so a client sending it again costs a dict
    lookup and a clock read instead of decoding and an HMAC."""
    key = (token, secret)
    with _VERIFIED_LOCK:
        known = _VERIFIED.get(key)
    if known is not None:
        if time() < known[1]:
            return known[0]
        with _VERIFIED_LOCK:
            _VERIFIED.pop(key, None)
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp"]})
        user_id, expires = int(claims["sub"]), float(claims["exp"])
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        return None
    with _VERIFIED_LOCK:
        _VERIFIED[key] = (user_id, expires)
        if len(_VERIFIED) > _VERIFIED_SIZE:
            _VERIFIED.popitem(last=False)
    return user_id
