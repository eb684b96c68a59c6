# The comments service: `comments serve` (default) or `comments worker`, one image for both.
#   docker build -t comments .
#   docker run -e COMMENTS_SECRET_KEY=... -e COMMENTS_DATABASE_URL=postgresql://... comments
# See docs/deploy.md; compose.yaml runs it with PostgreSQL, Redis and a mail worker.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY comments ./comments
COPY migrations ./migrations
COPY embed ./embed
# Wheels of the service and every dependency; the runtime stage installs only these.
RUN pip wheel --wheel-dir /wheels '.[postgres,redis]'

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links /wheels 'comments[postgres,redis]' \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --home-dir /var/lib/comments --create-home comments
USER comments
WORKDIR /var/lib/comments
# Listen on all interfaces inside the container; the instance folder holds nothing that must
# survive (set COMMENTS_SECRET_KEY, so every replica signs with the same key).
ENV COMMENTS_INSTANCE_PATH=/var/lib/comments \
    COMMENTS_BIND=0.0.0.0:8000 \
    COMMENTS_JSON_LOGS=true \
    PROMETHEUS_MULTIPROC_DIR=/tmp/comments-metrics
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=4s --start-period=10s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"]
CMD ["comments", "serve"]
