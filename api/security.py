"""Password hashing (argon2 via pwdlib) and signed bearer tokens (PyJWT, HS256)."""

from __future__ import annotations

from datetime import timedelta

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


def token_user_id(token: str, secret: str) -> int | None:
    """The user id a valid, unexpired token names; None for anything else."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp"]})
        return int(claims["sub"])
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        return None
