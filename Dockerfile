# The engine image: `bespin` and its Calrissian-compatible alias `calrissian`.
# Build: docker build -t bespin .   (needs the node:24 image from a registry)
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY test ./test
COPY conformance ./conformance
RUN npx tsc -p tsconfig.json && npm prune --omit=dev

FROM node:24-bookworm-slim
# Tools run on the host backend need a shell; docker.io lets the engine use a
# mounted Docker socket for the docker backend outside a cluster.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY package.json ./
RUN chmod +x dist/src/cli/main.js \
 && ln -s /app/dist/src/cli/main.js /usr/local/bin/bespin \
 && ln -s /app/dist/src/cli/main.js /usr/local/bin/calrissian
# The platform runs the engine as uid 1000, gid 0, with 256Mi of memory.
USER 1000:0
ENTRYPOINT []
CMD ["bespin", "--help"]
