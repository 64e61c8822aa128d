#!/usr/bin/env bash
# Django's deployment checklist under the production profile (DJANGO_ENV=production), failing on
# any warning: HSTS, secure cookies, SSL redirect behind the router's X-Forwarded-Proto, referrer
# policy, a strong SECRET_KEY... Run twice: WhiteNoise + local cache, then S3 + Redis.
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s install >/dev/null
RUN="env PIPENV_VENV_IN_PROJECT=1 PIPENV_VERBOSITY=-1 python3 -m pipenv run"

random_key() { python3 -c 'import secrets; print(secrets.token_urlsafe(64))'; }

export DJANGO_ENV=production
export SECRET_KEY="$(random_key)"
export JWT_SIGNING_KEY="$(random_key)"
export ALLOWED_HOSTS=codevance-api.example.com
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${CI_DB_NAME:-codevance_ci}"
unset DEBUG REDIS_URL AWS_STORAGE_BUCKET_NAME SENTRY_DSN

echo "deploy-check: production profile, WhiteNoise, local cache"
$RUN python manage.py check --deploy --fail-level WARNING

echo "deploy-check: production profile, S3 storage, Redis cache"
AWS_STORAGE_BUCKET_NAME=codevance-ci-assets REDIS_URL=redis://127.0.0.1:6379/5 \
  $RUN python manage.py check --deploy --fail-level WARNING

echo "deploy-check: the production profile refuses to start without its secrets"
if env -u SECRET_KEY $RUN python manage.py check >/dev/null 2>&1; then
  echo "deploy-check: DJANGO_ENV=production started without SECRET_KEY" >&2
  exit 1
fi
echo "deploy-check: ok"
