#!/usr/bin/env bash
# serve.sh <cognate> <port> <backend: memory|sqlite|pg-url>
bin=$1 port=$2 backend=$3
case $backend in
  memory) store=(--in-memory) ;;
  sqlite) db=$(mktemp -d)/cognate.db; store=(--database-url "sqlite://$db") ;;
  *) store=(--database-url "$backend") ;;
esac
COGNATE_SECURITY__PASSWORD_PROFILE=dev COGNATE_LOG__FILTER=warn \
COGNATE_SECURITY__SEAL_KEY=$(printf 'ab%.0s' $(seq 32)) \
  exec "$bin" serve --host 127.0.0.1 --port "$port" "${store[@]}"
