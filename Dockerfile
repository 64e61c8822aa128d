# The image for docker-compose's web and worker services: the locked dependencies, the code, the
# collected static files. Not used by Heroku (which builds from the Procfile and Pipfile.lock).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIPENV_VENV_IN_PROJECT=1

WORKDIR /app
RUN pip install pipenv && useradd --create-home --uid 1000 codevance
COPY Pipfile Pipfile.lock ./
RUN pipenv sync && rm -rf /root/.cache
ENV PATH="/app/.venv/bin:$PATH"

COPY . .
RUN python manage.py collectstatic --noinput --verbosity 0 && chown -R codevance /app
USER codevance

EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "codevance_api.wsgi"]
