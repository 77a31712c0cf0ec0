# syntax=docker/dockerfile:1
# One image, two roles: ROLE=api or ROLE=worker (compose runs both). Sources run directly on Node 24
# (type stripping), so the image needs no build step, only production dependencies. It runs the service itself:
# `npm start` (scripts/start.ts) is the development launcher, whose demo needs test fixtures the image leaves out.
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json ./
COPY --chown=node:node src ./src
COPY --chown=node:node workers ./workers
COPY --chown=node:node bin ./bin
COPY --chown=node:node scripts ./scripts
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "bin/healthcheck.ts"]
# A young generation of 32 MB at most, not V8's 64: see docs/operations.md#memory.
CMD ["node", "--max-semi-space-size=16", "bin/service.ts"]
