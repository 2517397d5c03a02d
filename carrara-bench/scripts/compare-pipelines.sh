#!/usr/bin/env bash
# The pipeline runtime's single-row scoring before and after a change, in one run: PipelineBenchmark's
# Carrara benchmarks from two bench jars in turn (A B A B), same JMH settings and the same saved models,
# so that the machine's noise falls on both.
#   carrara-bench/scripts/compare-pipelines.sh OLD_BENCH_JAR NEW_BENCH_JAR [JMH options...]
# Build a bench jar with: mvn -B -q -pl carrara-bench -am package -DskipTests (in each checkout).
# The models are fitted once (by whichever jar runs first) under carrara-bench/target/pipeline-models.
set -euo pipefail
cd "$(dirname "$0")/../.."
old=$1 new=$2
shift 2
options=("$@")
if [ ${#options[@]} -eq 0 ]; then
  options=(-bm thrpt -tu s -wi 3 -w 2s -i 5 -r 3s -f 1)
fi
models=$PWD/carrara-bench/target/pipeline-models
for round in 1 2; do
  for label in old new; do
    jar=$old
    [ "$label" = new ] && jar=$new
    echo "## round $round: $label ($jar)"
    java -Dcarrara.bench.models="$models" -jar "$jar" 'PipelineBenchmark.carrara' "${options[@]}" \
      -jvmArgsAppend "-Dcarrara.bench.models=$models" | grep -E '^(Benchmark|PipelineBenchmark)'
  done
done
