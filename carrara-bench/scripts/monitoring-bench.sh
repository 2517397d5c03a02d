#!/usr/bin/env bash
# Issue 16's benchmark, in two parts. Prints markdown.
#   store:   MonitoringBenchmark in-process: 1,000,000 logged predictions and outcomes on embedded H2, then on PostgreSQL
#            (its own database carrara_bench_monitoring on 127.0.0.1:5432, dropped and created at the start, dropped at
#            the end): logging and loading times, the quality monitor's first run over the day's windows and its
#            incremental runs after 10,000 new outcomes, without and with a reference profile (drift).
#   logging: the prediction endpoint at 2,000 rps with the load deployment logging every prediction
#            (--log-sample-rate 1.0) and not logging (0), each round its own server, on off on off, as
#            auth-overhead.sh does for authentication; the logging rounds count the rows the log holds.
#   carrara-bench/scripts/monitoring-bench.sh [store] [logging]          (both by default)
# Environment: HEAP (MonitoringBenchmark's -Xmx, default 2g), ROUNDS (logging rounds of each, default 2),
#   MONITORING_OPTIONS (e.g. "--database h2 --repetitions 3"), SERVER_OPTIONS (ServerBenchmark options for the logging
#   part; default: REST predict and gRPC ModelInfer at 2,000 rps, 10 s warm-up, 20 s measured), OUTPUTS (the load
#   deployment's outputs in both settings, e.g. probability,prediction; default every column the pipeline adds).
# Build the jars first: mvn -B -q -pl carrara-bench -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/../.."
parts=("$@")
if [ ${#parts[@]} -eq 0 ]; then
  parts=(store logging)
fi
for part in "${parts[@]}"; do
  case "$part" in
    store)
      # shellcheck disable=SC2086 # MONITORING_OPTIONS is a list of options
      # Both jars hold a logback.xml; the status lines logback prints about that are not the benchmark's output.
      java "-Xmx${HEAP:-2g}" -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener -cp carrara-bench/target/carrara-bench.jar:carrara-server/target/carrara-server.jar \
        io.carrara.bench.monitoring.MonitoringBenchmark ${MONITORING_OPTIONS:-}
      ;;
    logging)
      # shellcheck disable=SC2206 # SERVER_OPTIONS is a list of options
      options=(${SERVER_OPTIONS:---scenarios=fixed-rate --deployments=plain --protocols=rest,grpc --rates=2000 --warmup=10 --measure=20})
      for round in $(seq 1 "${ROUNDS:-2}"); do
        for rate in 1.0 0; do
          echo "## round $round: logSampleRate $rate"
          java -cp carrara-bench/target/carrara-bench.jar io.carrara.bench.server.ServerBenchmark --log-sample-rate "$rate" \
            ${OUTPUTS:+--outputs "$OUTPUTS"} "${options[@]}"
        done
      done
      ;;
    *)
      echo "unknown part '$part': choose store, logging or both" >&2
      exit 2
      ;;
  esac
done
