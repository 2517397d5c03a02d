#!/usr/bin/env bash
# Issue 15's benchmark: 1,000 active rules, (1) rule evaluations per second draining 2,000 metric events, (2) event
# commit to action end at 50 events/s for 30 s; on embedded H2, then on PostgreSQL (a fresh database on
# 127.0.0.1:5432, dropped afterwards). Prints markdown.
#   carrara-bench/scripts/rules-bench.sh [RulesBenchmark options, e.g. --rules 1000 --events 2000 --rate 50 --seconds 30 --fire-rate 0.05]
# Build the jars first: mvn -B -q -pl carrara-bench -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/../.."
cp="carrara-bench/target/carrara-bench.jar:carrara-server/target/carrara-server.jar"
java -Xmx2g -cp "$cp" io.carrara.bench.rules.RulesBenchmark "$@" 2>/dev/null
db="carrara_rules_bench_$$"
psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $db"
trap 'psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"' EXIT
java -Xmx2g -cp "$cp" io.carrara.bench.rules.RulesBenchmark --database-url "jdbc:postgresql://127.0.0.1:5432/$db" \
  --database-user postgres "$@" 2>/dev/null
