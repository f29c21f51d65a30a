"""The error the server reports when it cannot start: missing build, bad settings, busy port."""

from __future__ import annotations

from smartkg.errors import SmartkgError

__all__ = ["ServerError"]


class ServerError(SmartkgError):
    """The endpoint cannot be set up or started (reported by the CLI with exit code 2)."""
