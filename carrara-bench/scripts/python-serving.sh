#!/usr/bin/env bash
# Issue 12's benchmark of a Python model (examples/breast-cancer: a scikit-learn scaler + logistic
# regression on 30 measurements), side by side in one run:
#   1. floor:   the model's predict of one row inside one Python process (carrara-bench/python/floor.py,
#               run with the model's own environment interpreter), p50/p99 over --calls calls; beside it
#               the worker's own Python path for one row (Arrow IPC in and out, no socket);
#   2. Carrara: REST /api/v1/deployments/NAME/predict and OIP gRPC ModelInfer, one row a request, with
#               the Java open-loop generator (PythonServingBenchmark) at --rates;
#   3. FastAPI: an MLflow-style /invocations server around the same model (carrara-bench/python/
#               fastapi_server.py, one uvicorn worker, a venv of its own) with the same generator;
#   4. deploy to first prediction: with the environment cached, and with an empty python.environments
#               folder (a fresh build), timed from the deploy call (REST) to the first 200 prediction;
#   5. batch:   rows/s of `carrara batch predict` (Spark local[2]) over --batch-rows rows (the CSV's 569
#               repeated) against the model's predict over the same rows in one Python process (predict
#               alone, and with the CSV read and a Parquet write around it).
# After the fixed-rate runs the generator also runs each target closed loop, 1 request in flight
# (each target's unloaded per-request time and its throughput at that concurrency).
# Prints markdown to stdout (and to --out FILE); progress goes to stderr.
#
#   carrara-bench/scripts/python-serving.sh [options]
#     --port P             the Carrara server's port (default 18431; P+1 FastAPI, P+2 the fresh-build server)
#     --envs DIR           the cached environments folder (default /work/main/target/python-envs)
#     --rates LIST         default 200,500,1000
#     --warmup S --measure S   per run (default 5 and 15)
#     --calls N            floor calls (default 20000)
#     --batch-rows N       default 1000000; 0 skips the batch part
#     --cold-starts N      cached-environment deploys to time (default 3)
#     --skip-fresh         do not time the fresh environment build
#     --workers N          python.workersPerInstance of the Carrara server (default 1)
#     --combine-rows N     python.combineRows of the Carrara server (default 64; 1: every request a call of its own)
#     --out FILE           also write the markdown here
#     --keep               keep the work folder
# Build first (never mvn install): mvn -B -q -o -pl carrara-server,carrara-cli,carrara-bench -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

port=18431 envs=/work/main/target/python-envs rates=200,500,1000 warmup=5 measure=15 calls=20000
batch_rows=1000000 cold_starts=3 skip_fresh=0 out_file="" keep=0 workers=1 combine_rows=64
while [ $# -gt 0 ]; do
  case $1 in
    --help|-h) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    --port) port=$2; shift ;;
    --envs) envs=$2; shift ;;
    --rates) rates=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --measure) measure=$2; shift ;;
    --calls) calls=$2; shift ;;
    --batch-rows) batch_rows=$2; shift ;;
    --cold-starts) cold_starts=$2; shift ;;
    --skip-fresh) skip_fresh=1 ;;
    --workers) workers=$2; shift ;;
    --combine-rows) combine_rows=$2; shift ;;
    --out) out_file=$2; shift ;;
    --keep) keep=1 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for jar in carrara-server/target/carrara-server.jar carrara-cli/target/carrara-cli.jar carrara-bench/target/carrara-bench.jar; do
  [ -f "$jar" ] || { echo "$jar is missing; build first (see --help)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/carrara-python-serving.XXXXXX")
export CARRARA_SKIP_BUILD=1 CARRARA_PYTHON_ENVIRONMENTS=$envs
export CARRARA_SERVER=http://127.0.0.1:$port
fastapi_port=$((port + 1)) fresh_port=$((port + 2))
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$keep" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
report=$work/report.md
md() { printf '%s\n' "$*" >> "$report"; }
log() { echo "[$(date +%T)] $*" >&2; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
wait_http() { # url seconds
  local i
  for i in $(seq 1 $(( $2 * 10 ))); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "no answer from $1 after $2 s" >&2; return 1
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg | sed 's# # / #g'; }
others() { # other busy processes than ours, for the machine note
  ps -eo pid,pcpu,etime,args --sort=-pcpu | awk 'NR>1 && $2>5.0' | grep -v -e "$work" -e PythonServingBenchmark -e 'ps -eo' \
    | head -5 | cut -c1-160 | sed 's/^/    /' || true
}

# ---- the model, trained with its own environment
home=$work/breast_cancer
cp -r examples/breast-cancer/home "$home"
log "environment (cached in $envs unless its hash is new)"
py=$(./carrara python env "$home")
"$py" examples/breast-cancer/train.py --data examples/breast-cancer/breast_cancer.csv --home "$home" >/dev/null
"$py" -c 'import pandas, sys; pandas.read_csv(sys.argv[1]).drop(columns="diagnosis").to_json(sys.argv[2], orient="records", lines=True)' \
  examples/breast-cancer/breast_cancer.csv "$work/rows.jsonl"

md "## Python models (issue 12), run of $(date -u +%Y-%m-%dT%H:%M:%SZ)"
md ""
md "- machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB, $(java -version 2>&1 | head -1), Python $("$py" -c 'import platform; print(platform.python_version())'); load average at start: $(loadavg)"
md "- busy processes at start (other engineers' builds and CI share this machine):"
md "$(others)"
md ""

# ---- 1. floor
log "floor: $calls one-row predict calls in one process"
floor=$("$py" carrara-bench/python/floor.py single --home "$home" --rows "$work/rows.jsonl" --calls "$calls")
read -r floor_p50 floor_p99 frame_p50 frame_p99 < <(python3 -c 'import json,sys; f=json.loads(sys.argv[1]); print(f["predict"]["p50_ms"], f["predict"]["p99_ms"], f["dataframe_and_predict"]["p50_ms"], f["dataframe_and_predict"]["p99_ms"])' "$floor")
md "### Floor: predict of one row in one Python process ($calls calls)"
md ""
md "| what is timed | p50 | p99 |"
md "| --- | ---: | ---: |"
md "| \`model.predict(df)\` on a prebuilt one-row DataFrame | $(printf '%.3f' "$floor_p50") ms | $(printf '%.3f' "$floor_p99") ms |"
md "| \`pd.DataFrame([row])\` then \`model.predict\` | $(printf '%.3f' "$frame_p50") ms | $(printf '%.3f' "$frame_p99") ms |"
worker=$("$py" carrara-bench/python/floor.py worker --home "$home" --rows "$work/rows.jsonl" --calls "$calls")
read -r worker_p50 worker_p99 < <(python3 -c 'import json,sys; f=json.loads(sys.argv[1])["worker_predict"]; print(f["p50_ms"], f["p99_ms"])' "$worker")
md "| carrara's worker path without its socket: Arrow IPC bytes → \`Predictor.predict\` (decode, predict, encode) → bytes | $(printf '%.3f' "$worker_p50") ms | $(printf '%.3f' "$worker_p99") ms |"
md ""

# ---- servers
log "starting Carrara on $port"
./carrara up --home "$work/home" --port "$port" --set python.environments="$envs" --set spark.master='local[2]' \
  --set python.workersPerInstance="$workers" --set python.combineRows="$combine_rows" > "$work/server.log" 2>&1 &
pids+=($!)
log "FastAPI venv"
python3 -m venv "$work/fastapi-venv"
PIP_RETRIES=0 PIP_TIMEOUT=5 "$work/fastapi-venv/bin/pip" install -q -r "$home/requirements.txt" fastapi uvicorn pyarrow pyyaml 2>/dev/null
fastapi_versions=$("$work/fastapi-venv/bin/python" -c 'import fastapi, uvicorn, starlette; print(f"fastapi {fastapi.__version__}, uvicorn {uvicorn.__version__}, starlette {starlette.__version__}")')
wait_http "$CARRARA_SERVER/api/v1/health" 120
# The server's admin token, for the CLI, curl and the load generator.
export CARRARA_TOKEN; CARRARA_TOKEN=$(cat "$work/home/admin-token")
./carrara project create health >/dev/null
./carrara model create health/breast_cancer >/dev/null

deploy_to_first() { # base-url deployment instance [token] → ms from the deploy call to the first 200 prediction
  local base=$1 name=$2 instance=$3 token=${4:-$CARRARA_TOKEN} start status
  local one; one="{\"rows\": [$(head -1 "$work/rows.jsonl")]}"
  start=$(now_ms)
  status=$(curl -s -o "$work/deploy-$name.json" -w '%{http_code}' "$base/api/v1/deployments" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $token" \
    -d "{\"name\": \"$name\", \"instance\": \"$instance\"}")
  case $status in 200|201) ;; *) echo "deploy $name answered $status: $(cat "$work/deploy-$name.json")" >&2; return 1 ;; esac
  local deployed; deployed=$(now_ms)
  until curl -sf -o /dev/null "$base/api/v1/deployments/$name/predict" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $token" -d "$one"; do sleep 0.01; done
  echo "$(( $(now_ms) - start )) $(( deployed - start ))"
}

# ---- 4a. deploy to first prediction, environment cached (each a new instance, so new workers)
md "### Deploy to first prediction"
md ""
md "Timed from the \`POST /api/v1/deployments\` call (curl) to the first 200 answer of \`POST …/predict\` (polled every 10 ms; the deploy call itself returns once the workers have loaded the model and passed its validation rows). Each is a new instance of the same folder, so each starts its own worker."
md ""
md "| environment | run | deploy call | deploy to first prediction |"
md "| --- | ---: | ---: | ---: |"
for i in $(seq 1 "$cold_starts"); do
  id=$(./carrara instance upload health/breast_cancer "$home" --format python 2>/dev/null)
  read -r total call < <(deploy_to_first "$CARRARA_SERVER" "breast-cancer-cold-$i" "$id")
  log "cached environment, deploy $i: $total ms"
  md "| cached | $i | $call ms | $total ms |"
  main_id=$id
done
curl -sf -o /dev/null "$CARRARA_SERVER/api/v1/deployments" -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $CARRARA_TOKEN" -d "{\"name\": \"breast-cancer\", \"instance\": \"$main_id\"}"

# ---- 4b. fresh environment build: a second server on an empty environments folder
if [ "$skip_fresh" = 0 ]; then
  log "fresh build: server on $fresh_port with an empty python.environments"
  mkdir -p "$work/empty-envs"
  ./carrara up --home "$work/fresh-home" --port "$fresh_port" --set python.environments="$work/empty-envs" > "$work/fresh-server.log" 2>&1 &
  fresh_pid=$!
  pids+=($fresh_pid)
  wait_http "http://127.0.0.1:$fresh_port/api/v1/health" 120
  fresh_token=$(cat "$work/fresh-home/admin-token")
  CARRARA_SERVER=http://127.0.0.1:$fresh_port CARRARA_TOKEN=$fresh_token ./carrara project create health >/dev/null
  CARRARA_SERVER=http://127.0.0.1:$fresh_port CARRARA_TOKEN=$fresh_token ./carrara model create health/breast_cancer >/dev/null
  fid=$(CARRARA_SERVER=http://127.0.0.1:$fresh_port CARRARA_TOKEN=$fresh_token ./carrara instance upload health/breast_cancer "$home" --format python 2>/dev/null)
  read -r total call < <(deploy_to_first "http://127.0.0.1:$fresh_port" breast-cancer "$fid" "$fresh_token")
  log "fresh environment: $total ms"
  md "| fresh build (empty folder; pip from the local index) | 1 | $call ms | $total ms |"
  kill "$fresh_pid"; wait "$fresh_pid" 2>/dev/null || true
fi
md ""

# ---- 2 and 3. latency at fixed rates
log "starting FastAPI on $fastapi_port"
fastapi_start=$(now_ms)
(cd carrara-bench/python && PYTHONPATH="$root/python/src" exec "$work/fastapi-venv/bin/python" fastapi_server.py --home "$home" --port "$fastapi_port") > "$work/fastapi.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$fastapi_port/ping" 60
log "FastAPI up after $(( $(now_ms) - fastapi_start )) ms"
md "### One row a request at fixed rates: Carrara (REST, OIP gRPC) and FastAPI, same generator"
md ""
md "- Carrara: \`./carrara up --home TMP --port $port --set python.environments=$envs --set spark.master=local[2]\`, deployment \`breast-cancer\`, python.workersPerInstance $workers, python.combineRows $combine_rows"
md "- FastAPI: carrara-bench/python/fastapi_server.py ($fastapi_versions; one uvicorn worker; async handler, dataframe_split → DataFrame → predict → records), started to /ping in $(( $(now_ms) - fastapi_start )) ms"
md "- generator: \`java -cp carrara-bench/target/carrara-bench.jar io.carrara.bench.server.PythonServingBenchmark\` on the same machine (it shares the 2 cores with both servers); per rate the three targets run one after the other"
md ""
log "load: rates $rates, ${warmup}s + ${measure}s each"
java -cp carrara-bench/target/carrara-bench.jar io.carrara.bench.server.PythonServingBenchmark --url "$CARRARA_SERVER" \
  --deployment breast-cancer --rows "$work/rows.jsonl" --fastapi-url "http://127.0.0.1:$fastapi_port" --rates "$rates" \
  --warmup "$warmup" --measure "$measure" --floor-p50-ms "$floor_p50" --floor-p99-ms "$floor_p99" >> "$report"
md "- busy processes after the load runs:"
md "$(others)"
md ""
fastapi_pid=${pids[-1]}
kill "$fastapi_pid" 2>/dev/null || true

# ---- 5. batch
if [ "$batch_rows" -gt 0 ]; then
  log "batch: $batch_rows rows"
  "$py" - "$batch_rows" examples/breast-cancer/breast_cancer.csv "$work/batch.csv" <<'PY'
import sys, pandas as pd
n, source, target = int(sys.argv[1]), sys.argv[2], sys.argv[3]
data = pd.read_csv(source)
repeated = pd.concat([data] * (n // len(data) + 1), ignore_index=True).iloc[:n]
repeated.to_csv(target, index=False)
PY
  start=$(now_ms)
  ./carrara table import "$work/batch.csv" --table health.breast_cancer_big --schema-infer > "$work/import.out"
  import_ms=$(( $(now_ms) - start ))
  start=$(now_ms)
  ./carrara batch predict --instance "$main_id" --query "SELECT * FROM health.breast_cancer_big" --output health.breast_cancer_big_scored \
    --execution-date 2026-12-06 --json > "$work/batch.json"
  batch_ms=$(( $(now_ms) - start ))
  cp "$work/batch.json" "$work/batch-job.json"
  read -r job_rows job_seconds < <(python3 - "$work/batch.json" <<'PY'
import json, sys
from datetime import datetime
job = json.load(open(sys.argv[1]))
def find(node, *names):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in names:
                return value
            found = find(value, *names)
            if found is not None:
                return found
    return None
rows = find(job, "rowsScored", "rows_scored")
seconds = find(job, "elapsedSeconds", "elapsed_seconds")
if seconds is None:
    millis = find(job, "elapsedMillis", "elapsed_millis")
    seconds = millis / 1000 if millis is not None else None
if seconds is None:
    started, finished = find(job, "startedAt", "started"), find(job, "finishedAt", "finished")
    if started and finished:
        parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
        seconds = (parse(finished) - parse(started)).total_seconds()
print(rows if rows is not None else "?", seconds if seconds is not None else "?")
PY
)
  log "batch predict: $batch_ms ms wall, job $job_seconds s, $job_rows rows"
  pyjson=$("$py" carrara-bench/python/floor.py batch --home "$home" --csv "$work/batch.csv" --chunk 10000 --all-at-once --with-io "$work/batch-scored.parquet")
  log "single process: $pyjson"
  read -r chunked_rps all_rps chunked_s all_s io_rps io_s < <(python3 -c 'import json,sys; f=json.loads(sys.argv[1]); print(round(f["chunked_rows_per_s"]), round(f["all_at_once_rows_per_s"]), f["chunked_seconds"], f["all_at_once_seconds"], round(f["with_io_rows_per_s"]), f["with_io_seconds"])' "$pyjson")
  md "### Batch: $batch_rows rows (the CSV's 569 repeated)"
  md ""
  md "| what | time | rows/s |"
  md "| --- | ---: | ---: |"
  md "| \`carrara table import --schema-infer\` (CSV, $(du -h "$work/batch.csv" | cut -f1)) | $(( import_ms / 1000 )).$(( import_ms % 1000 / 100 )) s wall | $(( batch_rows * 1000 / import_ms )) |"
  if [ "$job_seconds" != "?" ]; then
    md "| \`carrara batch predict\` on local[2], the job's own elapsed ($job_rows rows scored) | $job_seconds s | $(python3 -c "print(f'{$batch_rows/$job_seconds:,.0f}')") |"
  fi
  md "| \`carrara batch predict\`, wall time of the CLI command | $(( batch_ms / 1000 )).$(( batch_ms % 1000 / 100 )) s | $(python3 -c "print(f'{$batch_rows*1000/$batch_ms:,.0f}')") |"
  md "| one Python process, \`predict\` in 10,000-row chunks (CSV read not timed) | $(printf '%.2f' "$chunked_s") s | $(python3 -c "print(f'{$chunked_rps:,}')") |"
  md "| one Python process, \`predict\` of all rows in one call | $(printf '%.2f' "$all_s") s | $(python3 -c "print(f'{$all_rps:,}')") |"
  md "| one Python process, read the CSV + \`predict\` in 10,000-row chunks + write inputs and outputs to Parquet | $(printf '%.2f' "$io_s") s | $(python3 -c "print(f'{$io_rps:,}')") |"
  md ""
  md "- Carrara (job elapsed) ÷ one process (10,000-row chunks): $(python3 -c "
js='$job_seconds'
print('?' if js == '?' else f'{$batch_rows/float(js)/$chunked_rps:.3g}×')") against the target ≥ 1.5×"
  md "- Carrara (job elapsed) ÷ one process with the CSV read and the Parquet write: $(python3 -c "
js='$job_seconds'
print('?' if js == '?' else f'{$batch_rows/float(js)/$io_rps:.3g}×')")"
  md "- the job's JSON: \`$(python3 -c "import json; print(json.dumps(json.load(open('$work/batch-job.json')).get('result')))")\`"
  md "- load average after the batch part: $(loadavg)"
  md ""
fi

md "Busy processes at the end:"
md "$(others)"
cat "$report"
[ -z "$out_file" ] || cp "$report" "$out_file"
