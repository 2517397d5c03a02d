#!/usr/bin/env bash
# As auth-overhead.sh, with the server pinned to CPU 1 and the load generator to CPU 0 (taskset), so that the two
# do not take each other's core: one server jar, auth.enabled=true then false, twice; REST predict and gRPC
# ModelInfer at 2,000 rps, 10 s warm-up, 30 s measured. Prints the result rows.
#   [PROTOCOLS=grpc] [ROUNDS=2] carrara-bench/scripts/auth-overhead-pinned.sh
# Build the jars first: mvn -B -q -pl carrara-bench -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v taskset >/dev/null || { echo "taskset (util-linux) is needed" >&2; exit 1; }
for round in $(seq 1 "${ROUNDS:-2}"); do
  for auth in true false; do
    home=$(mktemp -d "${TMPDIR:-/tmp}/carrara-auth-bench.XXXXXX")
    port=$((20000 + RANDOM % 10000))
    taskset -c 1 java -Xmx2g -Xlog:gc:file="$home/gc.log" -jar carrara-server/target/carrara-server.jar up --home "$home/home" --port "$port" \
      --set auth.enabled="$auth" --set log.access=false > "$home/server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 60); do curl -sf "localhost:$port/api/v1/health" >/dev/null && break; sleep 1; done
    token=""
    [ -f "$home/home/admin-token" ] && token=$(cat "$home/home/admin-token")
    echo "## round $round: auth.enabled=$auth"
    CARRARA_TOKEN=$token taskset -c 0 java -cp carrara-bench/target/carrara-bench.jar io.carrara.bench.server.ServerBenchmark \
      --url "http://127.0.0.1:$port" --scenarios=fixed-rate --deployments=plain --protocols="${PROTOCOLS:-rest,grpc}" --rates=2000 \
      --warmup=10 --measure=30 | grep -E '^\| 2,000|^### (REST|gRPC)'
    kill "$pid"; wait "$pid" 2>/dev/null || true
    # The server's stop-the-world pauses over 50 ms in its whole life (start, deploy and pre-warm included).
    echo "server GC pauses over 50 ms: $(awk '/Pause/ {v=$NF; sub(/ms/, "", v); if (v + 0 > 50) printf "%s%s (%s)", sep, $NF, $1; if (v + 0 > 50) sep=", "}' "$home/gc.log")"
    rm -rf "$home"
  done
done
