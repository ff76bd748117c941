# syntax=docker/dockerfile:1
# Multi-stage build: wheels are built in the first stage, the runtime image holds only the
# installed service and runs as an unprivileged user. Migrations are a separate step:
#   docker run --rm -e DATABASE__URL=... IMAGE qhd-inspection migrate
#   docker run -d -p 8000:8000 -e ENVIRONMENT=production -e AUTH__JWT_SECRET=... -e DATABASE__URL=... IMAGE

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY simulator ./simulator
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 LOG_JSON=true
# Pango and a CJK font for the PDF documents (WeasyPrint).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 \
        libharfbuzz-subset0 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system app && useradd --system --gid app --home-dir /srv --shell /usr/sbin/nologin app
WORKDIR /srv
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
# Alembic reads its scripts from the working tree, next to the installed package.
COPY alembic.ini ./
COPY alembic ./alembic
RUN mkdir -p /srv/var && chown app:app /srv/var
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status == 200 else 1)"
CMD ["uvicorn", "app.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
