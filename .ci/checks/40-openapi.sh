#!/usr/bin/env bash
# The OpenAPI schema validates with no warnings, and the committed docs/openapi.yaml is current.
# Regenerate it with: python manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN="env PIPENV_VENV_IN_PROJECT=1 PIPENV_VERBOSITY=-1 python3 -m pipenv run"
generated=$(mktemp --suffix=.yaml)
trap 'rm -f "$generated"' EXIT
$RUN python manage.py spectacular --validate --fail-on-warn --file "$generated"
if ! diff -u docs/openapi.yaml "$generated"; then
  echo "openapi: docs/openapi.yaml is stale; regenerate it (see the comment at the top of this script)" >&2
  exit 1
fi
echo "openapi: schema valid, no warnings, docs/openapi.yaml current"
