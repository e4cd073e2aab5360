#!/usr/bin/env bash
# Benchmarks the Event Grid webhook pipeline (see docs/benchmark.md):
#   builds in Release, starts Azurite's Table service on a free loopback port (stopped on exit),
#   runs benchmarks/AcsPush.Functions.Benchmarks and writes benchmarks/results.md.
# Flags are passed through, for example:
#   scripts/benchmark.sh --batches 1,100,5000 --hub-latency-ms 0,20 --iterations 3 --schema both
# Without --out the results go to benchmarks/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_DIR="$(mktemp -d)"
AZURITE_PID=""

cleanup() {
  if [[ -n "$AZURITE_PID" ]] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    # npx starts node as a child: stop the whole process group it leads.
    kill -- "-$AZURITE_PID" 2>/dev/null || kill "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
  fi
  rm -rf "$LOG_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n==> %s\n' "$*"; }

ARGS=("$@")
if [[ ! " ${ARGS[*]-} " =~ " --out " ]]; then
  ARGS+=(--out benchmarks/results.md)
fi

step "Building the benchmark (Release)"
dotnet build benchmarks/AcsPush.Functions.Benchmarks/AcsPush.Functions.Benchmarks.csproj -c Release --nologo -v quiet -clp:ErrorsOnly

step "Starting Azurite (Table service) on loopback"
AZURITE_PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')
set -m
npx azurite-table --tableHost 127.0.0.1 --tablePort "$AZURITE_PORT" --inMemoryPersistence \
  --skipApiVersionCheck --disableProductStyleUrl --disableTelemetry --silent >"$LOG_DIR/azurite.log" 2>&1 &
AZURITE_PID=$!
set +m
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$AZURITE_PORT") 2>/dev/null; then break; fi
  sleep 0.2
done
if ! (exec 3<>"/dev/tcp/127.0.0.1/$AZURITE_PORT") 2>/dev/null; then
  echo "Azurite did not start; its log:" >&2; cat "$LOG_DIR/azurite.log" >&2; exit 1
fi
# The well-known Azurite development account (public, documented; not a secret).
export ACSPUSH_TEST_TABLES_CONNECTION="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:${AZURITE_PORT}/devstoreaccount1;"
echo "Azurite Table service on 127.0.0.1:${AZURITE_PORT}"

# npm exec -> sh -> node: the last descendant is the emulator itself, whose CPU time the benchmark reports.
STORE_PID="$AZURITE_PID"
while CHILD=$(pgrep -P "$STORE_PID" | head -1) && [[ -n "$CHILD" ]]; do STORE_PID="$CHILD"; done
if [[ ! " ${ARGS[*]} " =~ " --store-pid " ]]; then
  ARGS+=(--store-pid "$STORE_PID")
fi

step "Running the benchmark"
dotnet benchmarks/AcsPush.Functions.Benchmarks/bin/Release/net10.0/AcsPush.Functions.Benchmarks.dll "${ARGS[@]}"
