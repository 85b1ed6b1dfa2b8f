# Sluice in a container: `docker build -t sluice .` then
#   docker run -p 4566:4566 -v sluice-data:/data sluice
# Secure by default: it listens on every interface, so every call must be
# signed (--auth sigv4). The root credentials are printed once, on the first
# start of a new /data volume (docker logs), or set them with
# SLUICE_ROOT_ACCESS_KEY_ID / SLUICE_ROOT_SECRET_ACCESS_KEY.

# ---- build: compile TypeScript and the console, native modules from source
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --ignore-scripts \
 && npm rebuild better-sqlite3 cbor-extract
COPY tsconfig.json ./
COPY src ./src
COPY bench ./bench
COPY test ./test
COPY tools ./tools
COPY models ./models
COPY examples ./examples
RUN npm run build && npm prune --omit=dev

# ---- run: the built server, its production dependencies, as a non-root user
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    SLUICE_HOST=0.0.0.0 \
    SLUICE_PORT=4566 \
    SLUICE_AUTH=sigv4 \
    SLUICE_DATA_DIR=/data
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/console ./dist/console
COPY --from=build /app/models ./models
COPY --from=build /app/examples ./examples
RUN groupadd --system sluice && useradd --system --gid sluice --home-dir /app sluice \
 && mkdir -p /data && chown sluice:sluice /data && chmod 700 /data
USER sluice
VOLUME ["/data"]
EXPOSE 4566
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SLUICE_PORT || 4566) + '/_sluice/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/cli/main.js", "start"]
