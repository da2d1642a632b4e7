"""WSGI entry point for *what-if* benchmark runs: serves ``config.wsgi.application`` after applying the
in-process patches named in ``BENCH_WHATIF`` (comma-separated), so a suggested change can be measured
before anybody edits the app. Used only by ``bench/intake.py --what-if``; the app code is untouched.

Patches:

* ``transform-cache``: ``GEOSGeometry.transform(<int srid>)`` goes through a per-process cached
  ``CoordTransform``. Stock Django hands the integer to ``OGR_G_TransformTo``, which builds a new
  PROJ pipeline (a proj.db lookup) on every call: ~16 ms of CPU per melding on this box.
* ``form-choices-cache``: ``meldingen.forms._choices`` (3 queries per MeldingForm, i.e. per GET and
  per POST of /melden/) answered from a 60 s per-process cache.
* ``codes-local-cache``: ``meldingen.validation._codes`` (3 Redis GETs per melding; Django's
  RedisCache builds a new ``redis.Redis`` client object for every call) answered from a 60 s
  per-process cache in front of the Redis one.
"""

import functools
import os
import time

from config.wsgi import application as _application  # sets Django up

PATCHES = {p.strip() for p in os.environ.get("BENCH_WHATIF", "").split(",") if p.strip()}

if "transform-cache" in PATCHES:
    from django.contrib.gis.gdal import CoordTransform, SpatialReference
    from django.contrib.gis.geos import GEOSGeometry

    _original_transform = GEOSGeometry.transform

    @functools.cache
    def _coord_transform(source: int, target: int) -> CoordTransform:
        return CoordTransform(SpatialReference(source), SpatialReference(target))

    def _transform(self, ct, clone=False):
        if isinstance(ct, int) and self.srid and self.srid > 0 and ct != self.srid:
            ct = _coord_transform(self.srid, ct)
        return _original_transform(self, ct, clone)

    GEOSGeometry.transform = _transform

if "form-choices-cache" in PATCHES:
    from meldingen import forms

    _original_choices = forms._choices
    _cache: dict = {}

    def _choices(model):
        hit = _cache.get(model)
        now = time.monotonic()
        if hit is None or hit[0] < now:
            hit = _cache[model] = (now + 60, _original_choices(model))
        return list(hit[1])

    forms._choices = _choices

if "codes-local-cache" in PATCHES:
    from meldingen import validation

    _original_codes = validation._codes
    _codes_cache: dict = {}

    def _codes(model):
        hit = _codes_cache.get(model)
        now = time.monotonic()
        if hit is None or hit[0] < now:
            hit = _codes_cache[model] = (now + 60, _original_codes(model))
        return hit[1]

    validation._codes = _codes

application = _application
