# syntax=docker/dockerfile:1
# MCP Calendar Server. Build: docker build -t mcp-calendar-server .
# Run with compose.yaml (PostgreSQL), or alone with tokens in SQLite on the /data volume:
#   docker run --env-file .env -p 60000:60000 -v calendar-data:/data mcp-calendar-server

# Pinned to the Bun the project is developed and tested with (bun --version).
ARG BUN_VERSION=1.4.5

FROM oven/bun:${BUN_VERSION}-slim AS dependencies
WORKDIR /app
COPY package.json bun.lock ./
# Exactly the locked versions, without dev tools (Biome, TypeScript, Playwright).
RUN bun install --frozen-lockfile --production

FROM oven/bun:${BUN_VERSION}-slim
WORKDIR /app
# Production refuses to start without Google credentials, TOKEN_ENCRYPTION_KEY and API keys
# (the zero-config sandbox is for local development: run `bun start` outside Docker).
ENV NODE_ENV=production \
    CALENDAR_SERVER_PORT=60000 \
    CALENDAR_SERVER_DATA_DIR=/data \
    TOKEN_DB_PATH=/data/tokens.db \
    TOKEN_VAULT_DIR=/data/vault
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json bun.lock tsconfig.json ./
COPY src ./src
# The image's unprivileged `bun` user owns the data folder; a new named volume inherits this.
RUN mkdir -p /data && chown bun:bun /data && chmod 0700 /data
USER bun
VOLUME ["/data"]
EXPOSE 60000
# curl is not in the image: ask with Bun's own fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:' + (process.env.CALENDAR_SERVER_PORT || '60000') + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Bun is PID 1 and handles SIGTERM itself (graceful stop in src/app/main.ts).
CMD ["bun", "run", "src/app/main.ts"]
