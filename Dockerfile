# The engine image: `bespin` and its Calrissian-compatible alias `calrissian`.
#
# Where Docker Hub is reachable:
#   docker build -t bespin .
# Here (no container registry): build local Node 24 images from Debian and npm
# packages, then this file on top of them, in one step:
#   bash .ci/build-engine-image.sh        # -> bespin/engine:test
# which runs
#   docker build --build-arg BUILD_IMAGE=bespin/node-build:24 \
#                --build-arg BASE_IMAGE=bespin/node-runtime:24 -t bespin/engine:test .
#
# BUILD_IMAGE needs node and npm; BASE_IMAGE needs node and /bin/sh (tini and
# ca-certificates are installed with apt when missing). The result runs as any
# uid with gid 0 (the platform uses 1000:0 and 256Mi of memory).
ARG BUILD_IMAGE=node:24-bookworm-slim
ARG BASE_IMAGE=node:24-bookworm-slim

FROM ${BUILD_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY .ci/bundle.mjs ./.ci/
# The engine is bundled with its dependencies (dist/bundle, what the CLI runs;
# type checking is the CI's job): the image needs no node_modules at all.
# Group permissions = owner permissions, so that gid 0 can do what root can;
# COPY --from keeps these modes.
RUN node .ci/bundle.mjs \
 && chmod -R g=u dist package.json

FROM ${BASE_IMAGE}
USER root
# tini (PID 1: forwards signals, reaps zombies) and CA certificates; the local
# base has both. npm, npx, corepack and yarn are not wanted at run time.
RUN if ! command -v tini >/dev/null 2>&1 || [ ! -s /etc/ssl/certs/ca-certificates.crt ]; then \
      apt-get update \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tini ca-certificates \
      && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin; \
    fi \
 && rm -rf /usr/local/lib/node_modules /opt/yarn-* \
 && rm -f /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg \
 && mkdir -p /app/dist /home/bespin \
 && chown 0:0 /app /app/dist /home/bespin \
 && chmod 0775 /app /app/dist /home/bespin \
 && ln -s /app/dist/bundle/bespin.js /usr/local/bin/bespin \
 && ln -s /app/dist/bundle/bespin.js /usr/local/bin/calrissian
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/dist ./dist
# The JSON Schemas the engine checks its conf, label and env-var files against.
COPY schemas ./schemas
ENV HOME=/home/bespin
# An engine pod starts from nothing and ends with its run: a schema-verdict or
# V8 code cache written under its HOME would never be read again, and keeping
# them costs the engine ~8 MiB of peak RSS (142 against 150 MiB, 2-way scatter
# on the stand-in).
ENV BESPIN_CACHE_DIR=off
USER 1000:0
ENTRYPOINT ["tini", "--"]
CMD ["bespin", "--help"]
