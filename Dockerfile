# syntax=docker/dockerfile:1
# Cognate's container image: a release build in a Rust image, then a small Debian runtime with
# only the binary, a non-root user and a /data volume for the default SQLite database.
#
# Base images are build arguments so the image builds where the default registry is out of
# reach (see docs/staging.md: local stand-ins built from package registries).
# CARGO_PROFILE=dev gives a quicker, unoptimised build (CI's smoke test); the default is release.
ARG RUST_IMAGE=rust:1-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${RUST_IMAGE} AS build
ARG CARGO_PROFILE=release
# SAML federation (the default `saml` feature) runs the `cognate-saml` helper, which links
# xmlsec1, libxml2 and OpenSSL through samael, whose build runs bindgen (libclang) and pkg-config.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libclang-dev libxmlsec1-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The cache mounts keep the registry and target between local builds; the binary is copied out
# of the cached target in the same step, since the cache is not part of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --locked --profile "${CARGO_PROFILE}" --bin cognate --bin cognate-saml \
    && out="${CARGO_PROFILE}" && if [ "${out}" = dev ]; then out=debug; fi \
    && install -D -m 0755 -t /out "target/${out}/cognate" "target/${out}/cognate-saml"

FROM ${RUNTIME_IMAGE}
# ca-certificates: Lambda endpoints, OIDC JWKS and SMTP over TLS are checked against the system's
# roots. curl: the health check (the runtime image has no other HTTP client). libxmlsec1,
# libxmlsec1-openssl, libxml2: SAML signature verification (the cognate-saml helper links them;
# the server runs it beside itself on the first SAML call).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
       libxmlsec1 libxmlsec1-openssl libxml2 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 cognate \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin cognate \
    && mkdir -p /data && chown cognate:cognate /data
COPY --from=build /out/cognate /out/cognate-saml /usr/local/bin/

USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
ENV COGNATE_SERVER__HOST=0.0.0.0 \
    COGNATE_SERVER__PORT=9229 \
    COGNATE_DATABASE__URL=sqlite:///data/cognate.db
EXPOSE 9229
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:9229/health"]
ENTRYPOINT ["cognate"]
CMD ["serve"]
