# ReviewWatch production image: gunicorn (web), celery worker and celery beat share it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 RW_VAR_DIR=/app/var STATIC_ROOT=/app/staticfiles
WORKDIR /app

RUN useradd --create-home --uid 1000 reviewwatch

# Dependencies come from pyproject.toml only: one list, no drift.
COPY pyproject.toml README.md ./
COPY reviewwatch ./reviewwatch
COPY monitors ./monitors
COPY responses ./responses
RUN pip install --no-cache-dir .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput -v0 \
    && mkdir -p /app/var && chown -R reviewwatch /app/var

USER reviewwatch
EXPOSE 8000
CMD ["gunicorn", "reviewwatch.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
