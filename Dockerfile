# syntax=docker/dockerfile:1
# The one image of the platform; docker-compose.yml runs its roles (gateway, workers, api) as
# separate containers. The back end is TypeScript run directly by Node 24 (type stripping), so
# only the dashboards are built: in a stage of their own, whose dev dependencies (Vite, Preact,
# ECharts) stay out of the final image, which receives just dashboards/dist.
FROM node:24-bookworm-slim AS dashboards
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY dashboards/ dashboards/
RUN npm run build:dashboards

FROM node:24-bookworm-slim

ENV NODE_ENV=production \
    STEWARD_HTTP_HOST=0.0.0.0

WORKDIR /app

# The CJK font the report PDFs embed (STEWARD_REPORT_FONT).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so code changes do not invalidate the npm layer.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY config/ config/
COPY gateway/ gateway/
COPY services/ services/
COPY --from=dashboards /build/dashboards/dist dashboards/dist

# The code stays root-owned (read-only to the process); only the spool folder is writable, and
# a named volume mounted there inherits this ownership.
RUN mkdir -p /var/lib/steward/spool && chown -R node:node /var/lib/steward
USER node

EXPOSE 8080 1883 8883 9001
ENTRYPOINT ["node", "services/runtime/bin/steward.mjs"]
CMD ["all"]
