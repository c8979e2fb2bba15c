#!/usr/bin/env bash
# ab.sh <out dir> <backend> <bin>... : for each binary in turn, a fresh server and both identity scenarios.
out=$1 backend=$2; shift 2
mkdir -p "$out"
lt=${LOADTEST:?set LOADTEST to a release cognate-loadtest}
port=9433
for bin in "$@"; do
  tag=$(basename $(dirname $bin))
  $(dirname "$0")/serve.sh "$bin" $port "$backend" > "$out/server-$tag-${backend%%:*}.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break || sleep 0.1; done
  for scenario in identity-get-id identity-get-credentials; do
    echo "== $tag $backend $scenario"
    $lt --endpoint "http://127.0.0.1:$port" --scenario $scenario --concurrency 32 --users ${USERS:-2000} \
      --duration ${DURATION:-8s} --warmup 2s 2>/dev/null | grep -E "^AWS"
  done
  kill $server; wait $server 2>/dev/null
done
