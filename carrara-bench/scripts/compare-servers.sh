#!/usr/bin/env bash
# The prediction server's request path before and after a change, in one run: the ServerBenchmark
# against two server jars in turn (A B A B), same settings, so that the machine's noise falls on both.
#   carrara-bench/scripts/compare-servers.sh OLD_SERVER_JAR NEW_SERVER_JAR [ServerBenchmark options...]
# Build the bench jar first: mvn -B -q -pl carrara-bench -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/../.."
old=$1 new=$2
shift 2
options=("$@")
if [ ${#options[@]} -eq 0 ]; then
  options=(--scenarios=fixed-rate,max-throughput --deployments=plain --protocols=rest,v2-rest,grpc
           --rates=2000 --concurrency=1,64 --warmup=5 --measure=10)
fi
for round in 1 2; do
  for label in old new; do
    jar=$old
    [ "$label" = new ] && jar=$new
    echo "## round $round: $label ($jar)"
    java -cp carrara-bench/target/carrara-bench.jar io.carrara.bench.server.ServerBenchmark --server-jar="$jar" "${options[@]}"
  done
done
