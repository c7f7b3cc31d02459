# syntax=docker/dockerfile:1

# preorderbot container image.
#
#   docker build --build-arg VERSION=1.2.3 --build-arg COMMIT=$(git rev-parse HEAD) -t preorderbot:1.2.3 .
#   docker run --stop-timeout 40 -v preorderbot-data:/data --env-file preorderbot.env -p 8080:8080 preorderbot:1.2.3
#
# --stop-timeout 40: on SIGTERM the bot drains in-flight work for up to 30 s; Docker's default of 10 s would
# SIGKILL it mid-drain.

# The builder runs on the build host's platform and cross-compiles: a pure-Go static binary needs no emulation.
FROM --platform=$BUILDPLATFORM golang:1.26 AS build

WORKDIR /src

# Dependencies first: this layer is reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download

COPY . .

ARG VERSION=dev
ARG COMMIT=none
ARG TARGETOS
ARG TARGETARCH

# CGO_ENABLED=0 gives a static binary that runs on an image without libc; bbolt is pure Go.
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags "-s -w -X main.version=$VERSION -X main.commit=$COMMIT" \
        -o /out/preorderbot ./cmd/preorderbot

# The volume mount point must exist, owned by the runtime user, before VOLUME: a fresh named volume copies the
# image directory's ownership, otherwise /data would be root-owned and the bot could not create its database.
RUN mkdir -p /out/data

# distroless static: CA certificates (the bot calls Slack and HotWax over https), tzdata, /etc/passwd with the
# nonroot user (65532), and no shell or package manager.
FROM gcr.io/distroless/static-debian12:nonroot

ARG VERSION=dev
ARG COMMIT=none
LABEL org.opencontainers.image.title="preorderbot" \
      org.opencontainers.image.description="Slack bot diagnosing HotWax pre-order sync to child Shopify shops" \
      org.opencontainers.image.source="https://github.com/preorderbot/preorderbot" \
      org.opencontainers.image.version="$VERSION" \
      org.opencontainers.image.revision="$COMMIT"

COPY --from=build /out/preorderbot /preorderbot
COPY --from=build --chown=65532:65532 /out/data /data

# Numeric ids so Kubernetes can verify runAsNonRoot without reading /etc/passwd.
USER 65532:65532

ENV PREORDERBOT_DB_PATH=/data/preorderbot.db \
    PREORDERBOT_HTTP_ADDR=:8080

# The bbolt file lives outside the container's writable layer so it survives upgrades.
VOLUME /data

# /healthz, /readyz and /metrics.
EXPOSE 8080

# No shell or curl in the image: the binary probes its own /healthz on 127.0.0.1:8080 and exits 0 or 1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 CMD ["/preorderbot", "healthcheck"]

ENTRYPOINT ["/preorderbot"]
CMD ["serve"]
