"""Demo data in one place: ``seed_demo`` (the demo city and logins) and the planted scenarios of the
hotspot quality bench and its test. The top layer: it may import every app, and no app imports it."""
