# syntax=docker/dockerfile:1
# Bulwark: multi-stage build of the same artefacts as `make build`.
# (Docker cannot run on the machines this is developed on; this file is kept correct by
# reading, see README.)

# ---- build: release binary + site (wasm, JS, CSS) ----
FROM rust:1.95-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
ENV CARGO_TARGET_DIR=/target
COPY . .
# `make build` installs the wasm target, wasm-bindgen-cli and npm binaryen, then builds
# the site and the server; its last line is the binary's path.
RUN make build \
 && mkdir -p /out \
 && cp /target/release/bulwark /out/bulwark \
 && cp -r /target/release/site /out/site

# ---- runtime: non-root, the dump/restore clients installed ----
FROM debian:trixie-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates curl tini \
      postgresql-client mariadb-client sqlite3 redis-tools \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin bulwark \
 && mkdir -p /data /opt/bulwark \
 && chown bulwark:bulwark /data
COPY --from=build /out/bulwark /opt/bulwark/bulwark
COPY --from=build /out/site /opt/bulwark/site
RUN ln -s /opt/bulwark/bulwark /usr/local/bin/bulwark
ENV BULWARK_DATA_DIR=/data \
    BULWARK_LISTEN=0.0.0.0:3000 \
    BULWARK_SITE_ROOT=/opt/bulwark/site
VOLUME ["/data"]
EXPOSE 3000
USER bulwark
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:3000/healthz || exit 1
ENTRYPOINT ["/usr/bin/tini", "--", "bulwark"]
CMD ["serve"]
