# Source: container-hardening-practice.zh.txt
#   Section 2.2 容器镜像安全全生命周期管理 (Dockerfile part of the block; the
#   docker/trivy commands from the same block are in
#   container-hardening-practice.commands.sh). Copied verbatim.
# Known mistakes (kept): the builder stage (alpine:3.18) has no `make` or
# toolchain installed; the final stage sets no ENTRYPOINT/CMD and no USER.
# 在Dockerfile构建阶段执行扫描
FROM alpine:3.18 AS builder
COPY . /app
RUN make build
FROM gcr.io/distroless/base-debian11
COPY --from=builder /app/bin /usr/local/bin
