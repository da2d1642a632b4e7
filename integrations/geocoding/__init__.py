"""Geocoding through the PDOK Locatieserver (see pdok.py)."""

from functools import lru_cache


@lru_cache(maxsize=1)
def _default():
    from .pdok import PDOKLocatieserver

    return PDOKLocatieserver()


def get_geocoder():
    """The process-wide geocoder configured from settings (tests reset it with get_geocoder.cache_clear)."""
    return _default()


get_geocoder.cache_clear = _default.cache_clear
