# Dossier Intake: one image for the web UI, the Celery workers and beat (docker-compose.yml picks the command).
# bookworm: its postgresql-client (15) matches the postgres:15 server of docker-compose.yml, so that
# `dossier backup` (pg_dump) can dump it; pg_dump refuses a newer server.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    OMP_THREAD_LIMIT=1 \
    DOSSIER_DATA_DIR=/data

RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tesseract-ocr tesseract-ocr-chi-sim fonts-noto-cjk libgl1 libglib2.0-0 postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 dossier \
    && mkdir -p /data \
    && chown dossier:dossier /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY intake ./intake
COPY ocr ./ocr
COPY storage ./storage
COPY workers ./workers
COPY review_ui ./review_ui
RUN pip install .

USER dossier
VOLUME ["/data"]
EXPOSE 8000
CMD ["dossier", "worker"]
