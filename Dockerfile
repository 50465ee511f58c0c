# Builds the manager and runner as static binaries and ships them in a
# minimal, non-root image. One image serves both: the manager Deployment runs
# /manager and each runner Job runs `/runner job`.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY api/ api/
COPY controllers/ controllers/
COPY cmd/ cmd/
COPY runner/ runner/
COPY internal/ internal/
ARG TARGETOS=linux
ARG TARGETARCH=amd64
ENV CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH}
RUN go build -trimpath -ldflags "-s -w" -o /out/manager ./cmd/manager && \
    go build -trimpath -ldflags "-s -w" -o /out/runner ./cmd/runner

# distroless static: no shell, no package manager, CA certificates for
# datasets fetched over https, and the nonroot user (65532).
FROM gcr.io/distroless/static-debian12:nonroot
# On PATH, because the runner Job's command is the bare name `runner job`.
COPY --from=build /out/manager /out/runner /usr/local/bin/
USER 65532:65532
ENTRYPOINT ["manager"]
