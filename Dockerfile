# One image for every Plumb role: `plumb start` (all in one, embedded ClickHouse), or
# `plumb collector` / `plumb worker` / `plumb web` against a ClickHouse server.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/collector/package.json apps/collector/
COPY apps/web/package.json apps/web/
COPY apps/worker/package.json apps/worker/
COPY apps/plumb/package.json apps/plumb/
COPY packages/otlp/package.json packages/otlp/
COPY packages/semconv/package.json packages/semconv/
COPY packages/pricing/package.json packages/pricing/
COPY packages/analytics/package.json packages/analytics/
COPY packages/store/package.json packages/store/
COPY packages/demo/package.json packages/demo/
RUN npm ci --no-audit --no-fund
COPY . .
RUN cd apps/web && NEXT_TELEMETRY_DISABLED=1 npx next build

FROM node:20-bookworm-slim
WORKDIR /app
# MALLOC_ARENA_MAX=2: glibc gives each thread that mallocs its own 64 MiB arena (up to 8 per
# core); the libuv pool threads running the engine's inserts and V8's threads would each keep
# one, so RSS grows with the core count, not the load. (The engine itself uses its own jemalloc.)
ENV MALLOC_ARENA_MAX=2
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 CLICKHOUSE_URL=file:/data/clickhouse PLUMB_WAL_DIR=/data/wal
COPY --from=build /app /app
VOLUME /data
EXPOSE 3000 4317 4318
ENTRYPOINT ["node", "apps/plumb/bin/plumb.js"]
CMD ["start"]
