#!/usr/bin/env bash
# End-to-end batch scoring through a running server and the CLI: generate N synthetic trips rows
# as CSV, import them, score them with the golden trips logistic regression pipeline, score the
# same date again, and export the result; prints each step's wall time. Run from the repository
# root after `mvn -B -DskipTests package -pl carrara-server,carrara-cli -am`:
#   bash carrara-bench/scripts/batch-e2e.sh [ROWS] [PORT]
set -euo pipefail
rows=${1:-1000000}
port=${2:-18181}
work=$(mktemp -d "${TMPDIR:-/tmp}/carrara-batch-e2e.XXXXXX")
export CARRARA_SKIP_BUILD=1
cli() { ./carrara --server "http://127.0.0.1:$port" --token "$(cat "$work/home/admin-token")" "$@"; }
now() { date +%s.%N; }
step() { # name, command...
  local name=$1; shift
  local start; start=$(now)
  "$@" > "$work/$name.out"
  printf '%-18s %8.2f s\n' "$name" "$(echo "$(now) - $start" | bc)"
}

python3 - "$rows" "$work/trips.csv" <<'PY'
import random, sys
rows, path = int(sys.argv[1]), sys.argv[2]
random.seed(7)
cities = ["new_york", "chicago", "boston", "seattle", "san_francisco", "los_angeles", "dallas", "houston", "denver", "phoenix"]
with open(path, "w") as f:
    f.write("id,city,vendor,payment,passengers,hour,distance,duration,airport,ds\n")
    for i in range(rows):
        distance = random.uniform(0.3, 25.0)
        f.write(f"{i},{random.choice(cities)},{random.choice(['cmt', 'vts'])},{random.choice(['app', 'card', 'cash'])},"
                f"{random.randint(1, 6)},{random.randint(0, 23)},{distance:.4f},{distance * random.uniform(2.0, 4.0):.4f},"
                f"{str(random.random() < 0.1).lower()},2026-11-01\n")
PY
echo "rows: $rows ($(du -h "$work/trips.csv" | cut -f1) of CSV)"

./carrara up --home "$work/home" --port "$port" > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 1; done

golden=carrara-pipeline/src/test/resources/golden/spark-4.1.0/trips-logistic-regression
cli project create bench > /dev/null
cli model create bench/trips > /dev/null
id=$(cli instance upload bench/trips "$golden/model" --format spark-pipeline)
query="SELECT * FROM bench.trips WHERE ds = '2026-11-01'"
step import      cli table import "$work/trips.csv" --table bench.trips --schema-infer
step predict     cli batch predict --instance "$id" --query "$query" --output bench.predictions --execution-date 2026-11-01
step predict-again cli batch predict --instance "$id" --query "$query" --output bench.predictions --execution-date 2026-11-01
step export      cli table export bench.predictions --output "$work/predictions.jsonl"
grep -E "rows_(read|scored|failed|written)|elapsed" "$work/predict-again.out"
echo "exported: $(wc -l < "$work/predictions.jsonl") rows"
