"""Flightdeck agent API v1 client (standard library only). See clients/python/README.md."""

from .client import ApiError, Client, retry_after_seconds
from .types import *  # noqa: F401,F403  (the TypedDict result and input shapes)

__all__ = ["Client", "ApiError", "retry_after_seconds"]
__version__ = "0.1.0"
