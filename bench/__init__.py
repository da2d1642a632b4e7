"""Benchmarks and the hotspot scenario generator; a package so tests can import the generator."""
