# The production image: web, worker and beat all run from it (see docker-compose.yml).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH=/app/.venv/bin:$PATH \
    SOCIALCARE_VAR_DIR=/var/lib/socialcare

RUN pip install --no-cache-dir uv

WORKDIR /app

# Dependencies first, from the lock file alone, so a code change reuses this layer.
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .

# Static files are collected at build time; the settings need keys to load, so dummy ones
# are given for this one command only (they are not kept in the image's environment).
RUN SECRET_KEY=collectstatic-only-not-a-secret-used-at-build-time \
    FIELD_ENCRYPTION_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    SOCIALCARE_VAR_DIR=/tmp/build-var \
    python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-var

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin socialcare \
    && mkdir -p /var/lib/socialcare \
    && chown socialcare:socialcare /var/lib/socialcare
USER socialcare

EXPOSE 8000
CMD ["uvicorn", "socialcare.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers", "--timeout-graceful-shutdown", "5"]
