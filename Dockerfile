FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    ROADMAP_VAR_DIR=/var/lib/roadmap ROADMAP_STATIC_ROOT=/app/staticfiles
# WeasyPrint renders PDFs with Pango; the fonts cover every character of a name or title
# (Noto: colour emoji and Chinese, Japanese, Korean), so nothing prints as an empty box.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
        fonts-noto-color-emoji fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Exactly the locked versions, checked against their hashes (requirements/README.md).
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt
COPY . .
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --home /app roadmap && mkdir -p /var/lib/roadmap && chown roadmap /var/lib/roadmap
USER roadmap
EXPOSE 8000
CMD ["gunicorn", "roadmap_site.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
