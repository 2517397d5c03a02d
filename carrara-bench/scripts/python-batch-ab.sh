#!/usr/bin/env bash
# Issue 12's batch figure as an A/B: two Carrara servers on the same build, started with different JVM
# options (CARRARA_JAVA_OPTS of each), score the same Python model (examples/breast-cancer) over the same
# table of ROWS rows (the CSV's 569 repeated) with `carrara batch predict` on Spark local[2], in turn,
# ROUNDS times (A B A B ...), so that the machine's drift falls on both. Prints each job's own elapsed time
# and rows/s, the CPU seconds the server's JVM and the model's Python workers used meanwhile, and the medians,
# as markdown.
#
#   carrara-bench/scripts/python-batch-ab.sh [--rows N] [--rounds R] [--port P] \
#       [--a-opts "JVM OPTIONS"] [--b-opts "JVM OPTIONS"] [--a-env "VAR=VALUE ..."] [--b-env "VAR=VALUE ..."] \
#       [--a-name NAME] [--b-name NAME]
#
# --a-env/--b-env set a server's settings through its environment, e.g. "CARRARA_PYTHON_SPARKBATCHSIZE=10000".
#
# Defaults: 1,000,000 rows, 3 rounds, ports 18851 and 18852; A "-Dspark.sql.codegen.hugeMethodLimit=65535"
# (Spark's own default: stages over HotSpot's 8,000-byte limit run interpreted), B "" (Carrara's default, 8000).
# Build first (never mvn install): mvn -B -q -o -pl carrara-server,carrara-cli -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=1000000 rounds=3 port=18851
a_opts="-Dspark.sql.codegen.hugeMethodLimit=65535" b_opts="" a_env="" b_env=""
a_name="Spark's default hugeMethodLimit (65535)" b_name="Carrara's default (8000)"
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --rows) rows=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --port) port=$2; shift ;;
    --a-opts) a_opts=$2; shift ;;
    --b-opts) b_opts=$2; shift ;;
    --a-env) a_env=$2; shift ;;
    --b-env) b_env=$2; shift ;;
    --a-name) a_name=$2; shift ;;
    --b-name) b_name=$2; shift ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for jar in carrara-server/target/carrara-server.jar carrara-cli/target/carrara-cli.jar; do
  [ -f "$jar" ] || { echo "$jar is missing; build first (see --help)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/carrara-python-batch-ab.XXXXXX")
envs=${CARRARA_PYTHON_ENVIRONMENTS:-/work/main/target/python-envs}
export CARRARA_SKIP_BUILD=1 CARRARA_PYTHON_ENVIRONMENTS=$envs
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
log() { echo "[$(date +%T)] $*" >&2; }
wait_http() { # url seconds
  local i
  for i in $(seq 1 $(( $2 * 10 ))); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "no answer from $1 after $2 s" >&2; return 1
}

home=$work/breast_cancer
cp -r examples/breast-cancer/home "$home"
py=$(./carrara python env "$home")
"$py" examples/breast-cancer/train.py --data examples/breast-cancer/breast_cancer.csv --home "$home" >/dev/null
"$py" - "$rows" examples/breast-cancer/breast_cancer.csv "$work/batch.csv" <<'PY'
import sys, pandas as pd
n, source, target = int(sys.argv[1]), sys.argv[2], sys.argv[3]
data = pd.read_csv(source)
pd.concat([data] * (n // len(data) + 1), ignore_index=True).iloc[:n].to_csv(target, index=False)
PY

declare -A instance
for side in a b; do
  p=$port; [ "$side" = b ] && p=$((port + 1))
  opts=$a_opts; [ "$side" = b ] && opts=$b_opts
  vars=$a_env; [ "$side" = b ] && vars=$b_env
  log "server $side on $p (CARRARA_JAVA_OPTS=\"$opts\" $vars)"
  # shellcheck disable=SC2086 # VAR=VALUE words on purpose
  env $vars CARRARA_JAVA_OPTS="$opts" ./carrara up --home "$work/home-$side" --port "$p" --set python.environments="$envs" \
    --set spark.master='local[2]' > "$work/server-$side.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$p/api/v1/health" 120
  export CARRARA_SERVER=http://127.0.0.1:$p CARRARA_TOKEN; CARRARA_TOKEN=$(cat "$work/home-$side/admin-token")
  ./carrara project create health >/dev/null
  ./carrara model create health/breast_cancer >/dev/null
  instance[$side]=$(./carrara instance upload health/breast_cancer "$home" --format python 2>/dev/null)
  log "importing $rows rows into server $side"
  ./carrara table import "$work/batch.csv" --table health.breast_cancer_big --schema-infer > /dev/null
done

cpu_seconds() { # CPU seconds (user + system) of the processes whose command line holds $1
  local total=0 pid ticks
  for pid in $(pgrep -f -- "$1" || true); do
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + ticks))
  done
  python3 -c "print(round($total / $(getconf CLK_TCK), 1))"
}

echo "| round | $a_name: job s (rows/s) | $b_name: job s (rows/s) | load average before |"
echo "| ---: | ---: | ---: | ---: |"
a_all=() b_all=()
for round in $(seq 1 "$rounds"); do
  line="| $round"
  for side in a b; do
    p=$port; [ "$side" = b ] && p=$((port + 1))
    export CARRARA_SERVER=http://127.0.0.1:$p CARRARA_TOKEN; CARRARA_TOKEN=$(cat "$work/home-$side/admin-token")
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    server_before=$(cpu_seconds "carrara-server.jar up --home $work/home-$side ")
    workers_before=$(cpu_seconds "$work/home-$side/python/run")
    ./carrara batch predict --instance "${instance[$side]}" --query "SELECT * FROM health.breast_cancer_big" \
      --output health.breast_cancer_big_scored --execution-date 2026-12-06 --json > "$work/batch-$side.json"
    seconds=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r=r.get("result", r); assert r["rowsScored"]==int(sys.argv[2]), r; print(r["elapsedMillis"]/1000)' "$work/batch-$side.json" "$rows")
    server_cpu=$(python3 -c "print(round($(cpu_seconds "carrara-server.jar up --home $work/home-$side ") - $server_before, 1))")
    workers_cpu=$(python3 -c "print(round($(cpu_seconds "$work/home-$side/python/run") - $workers_before, 1))")
    log "round $round, $side: $seconds s (CPU: server JVM $server_cpu s, Python workers $workers_cpu s)"
    line="$line | $seconds s ($(python3 -c "print(f'{$rows/$seconds:,.0f}')"); CPU JVM $server_cpu s, Python $workers_cpu s)"
    if [ "$side" = a ]; then a_all+=("$seconds"); else b_all+=("$seconds"); fi
  done
  echo "$line | $load |"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
ma=$(median "${a_all[@]}") mb=$(median "${b_all[@]}")
echo "| median | $ma s | $mb s | B ÷ A time: $(python3 -c "print(f'{$mb/$ma:.2f}')") |"
