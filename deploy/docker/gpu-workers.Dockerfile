# Worker pool image. Build from the repository root:
#   docker build -f deploy/docker/gpu-workers.Dockerfile -t edgeml/gpu-workers .
# On GPU nodes, the CUDA 13 / cuDNN 9 runtime libraries come from the base image and the ORT
# CUDA provider libraries from the npm package com.github.asus4.onnxruntime.linux-x64-gpu,
# copied beside onnxruntime-node's binary (see the GPU issue's script under gpu-workers/scripts).
FROM node:20-bookworm-slim
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip NO_COLOR=1
COPY package.json package-lock.json deno.json deno.lock ./
COPY shared ./shared
COPY gpu-workers ./gpu-workers
COPY loadtests ./loadtests
RUN npm ci --no-audit --no-fund && node_modules/.bin/deno install
EXPOSE 8001
# SIGTERM drains queued requests before the process exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node_modules/.bin/deno", "run", "--allow-all", "gpu-workers/main.ts", "--host=0.0.0.0", "--port=8001", "--repository=/models"]
