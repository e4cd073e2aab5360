#!/usr/bin/env bash
# Benchmarks the Event Grid webhook pipeline (see docs/benchmark.md):
#   builds in Release, starts Azurite's Table service on a free loopback port (stopped on exit),
#   runs benchmarks/AcsPush.Functions.Benchmarks and writes benchmarks/results.md.
# Flags are passed through, for example:
#   scripts/benchmark.sh --batches 1,100,5000 --hub-latency-ms 0,20 --iterations 3 --schema both
# Without --out the results go to benchmarks/results.md.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/azurite.sh
source scripts/lib/azurite.sh
make_log_dir
on_exit azurite_stop
trap 'exit 130' INT TERM
ensure_node

ARGS=("$@")
if [[ ! " ${ARGS[*]-} " =~ " --out " ]]; then
  ARGS+=(--out benchmarks/results.md)
fi

step "Building the benchmark (Release)"
dotnet build benchmarks/AcsPush.Functions.Benchmarks/AcsPush.Functions.Benchmarks.csproj -c Release --nologo -v quiet -clp:ErrorsOnly

step "Starting Azurite (Table service) on loopback"
azurite_start "$LOG_DIR/azurite.log"

# The emulator's own process, whose CPU time the benchmark reports.
STORE_PID="$AZURITE_PID"
if [[ ! " ${ARGS[*]} " =~ " --store-pid " ]]; then
  ARGS+=(--store-pid "$STORE_PID")
fi

step "Running the benchmark"
dotnet benchmarks/AcsPush.Functions.Benchmarks/bin/Release/net10.0/AcsPush.Functions.Benchmarks.dll "${ARGS[@]}"
