# The two commands of the setup contract (docs/operations.md has the details).
.PHONY: run test lint bootstrap bootstrap-test

run: bootstrap
	.venv/bin/python manage.py seed_demo
	.venv/bin/python manage.py detect_hotspots
	scripts/run.sh

test: bootstrap-test
	.venv/bin/python -m pytest

# Style, the layers (pyproject.toml [tool.importlinter]) and the types of services, selectors and tasks.
lint: bootstrap-test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache
	.venv/bin/mypy

bootstrap:
	scripts/bootstrap.sh run

bootstrap-test:
	scripts/bootstrap.sh test
