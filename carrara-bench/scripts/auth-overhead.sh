#!/usr/bin/env bash
# What authentication costs the prediction endpoint (issue 14): the ServerBenchmark's fixed-rate load on
# one server jar with auth.enabled=true (every request carries the admin's token, checked by the access
# guard against its cache) and with auth.enabled=false, in turn (on off on off), same settings, so that
# the machine's noise falls on both.
#   carrara-bench/scripts/auth-overhead.sh [ServerBenchmark options...]
# Build the jars first: mvn -B -q -pl carrara-bench -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/../.."
options=("$@")
if [ ${#options[@]} -eq 0 ]; then
  options=(--scenarios=fixed-rate --deployments=plain --protocols=rest,grpc --rates=2000 --warmup=10 --measure=20)
fi
for round in 1 2; do
  for auth in true false; do
    echo "## round $round: auth.enabled=$auth"
    java -cp carrara-bench/target/carrara-bench.jar io.carrara.bench.server.ServerBenchmark --set "auth.enabled=$auth" \
      "${options[@]}"
  done
done
