# Source: container-escape-hardening.zh.txt
#   Section 2.1 容器逃逸的原理 (example image later run with --privileged).
# Copied verbatim; only this header added.
# Known mistakes (kept): ubuntu:latest is a mutable tag; no USER (runs as root).
# 使用基础镜像
FROM ubuntu:latest
# 安装必要的工具
RUN apt-get update && apt-get install -y \
vim \
&& rm -rf /var/lib/apt/lists/*
# 运行一个简单的命令
CMD ["bash"]
