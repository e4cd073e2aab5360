#!/usr/bin/env bash
# Benchmarks the Event Grid webhook pipeline (see docs/benchmark.md). Each measurement is one command:
#   scripts/benchmark.sh                          this checkout's function app, the headline condition, 3 runs
#   scripts/benchmark.sh --app-rev 7d85ed8        the same harness against the function app of a commit
#   scripts/benchmark.sh --app ../other-checkout  the same against another checkout (or its functions-app/)
#   scripts/benchmark.sh --runtime-env DOTNET_TieredPGO=0 --out /tmp/pgo-off.md
# Options of this script (every other option goes to the benchmark program; see docs/benchmark.md):
#   --runs N              separate runs, each a new process with a new Azurite (default 3)
#   --app DIR             measure the function app of another checkout
#   --app-rev REV         measure the function app of a commit of this repository (extracted into .cache/)
#   --ready-to-run        publish the benchmark ReadyToRun instead of a plain Release build
#   --runtime-env N=V     a runtime setting for the measured process only (repeatable)
#   --out FILE            the Markdown results (default: benchmarks/results.md)
#   --help                this text
# Paths given to --app and --out are relative to where the script was started; common.sh moves to the root.
CALLER_DIR="$PWD"
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/azurite.sh
source scripts/lib/azurite.sh
make_log_dir
on_exit azurite_stop
trap 'exit 130' INT TERM
ROOT="$PWD"

fail() { echo "benchmark.sh: $*" >&2; exit 64; }

usage() {
  # The comment block at the top of this file, without its leading '# '.
  sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' scripts/benchmark.sh
  echo "The benchmark program's own options (--batches, --hub-latency-ms, --store-latency-ms, ...) are in docs/benchmark.md."
}

ORIGINAL_ARGS=("$@")
RUNS=3
APP_DIR="$ROOT/functions-app"
LABEL=worktree
READY_TO_RUN=false
RUNTIME_ENV=()
OUT=benchmarks/results.md
PASS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --help|-h) usage; exit 0 ;;
    --runs) [[ "${2-}" =~ ^[1-9][0-9]?$ ]] || fail "--runs takes a number from 1 to 99, for example --runs 3"; RUNS="$2"; shift 2 ;;
    --app)
      [[ -n "${2-}" ]] || fail "--app takes a checkout folder, for example --app ../acs-push-before"
      APP_DIR="$(cd "$CALLER_DIR" && cd "$2" 2>/dev/null && pwd)" || fail "--app: '$2' is not a folder"
      [[ -f "$APP_DIR/AcsPush.Functions.csproj" ]] || APP_DIR="$APP_DIR/functions-app"
      [[ -f "$APP_DIR/AcsPush.Functions.csproj" ]] || fail "--app: no functions-app/AcsPush.Functions.csproj under '$2'"
      LABEL="app-$(printf '%s' "$APP_DIR" | sha256sum | cut -c1-12)"
      shift 2 ;;
    --app-rev)
      SHA="$(git rev-parse --verify --quiet "${2-}^{commit}")" || fail "--app-rev: '${2-}' is not a commit of this repository, for example --app-rev 7d85ed8"
      EXTRACTED="$ROOT/.cache/benchmark-apps/$SHA"
      if [[ ! -f "$EXTRACTED/functions-app/AcsPush.Functions.csproj" ]]; then
        mkdir -p "$EXTRACTED"
        # The function app and the build files around it, as they were at that commit.
        mapfile -t PATHS < <(git ls-tree --name-only "$SHA" | grep -E '^(functions-app|Directory\.Build\.props|Directory\.Packages\.props|global\.json|nuget\.config|NuGet\.Config)$')
        git archive --format=tar "$SHA" -- "${PATHS[@]}" | tar -x -C "$EXTRACTED"
      fi
      APP_DIR="$EXTRACTED/functions-app"
      LABEL="rev-${SHA:0:12}"
      shift 2 ;;
    --ready-to-run) READY_TO_RUN=true; shift ;;
    --runtime-env)
      [[ "${2-}" =~ ^[A-Za-z_][A-Za-z0-9_]*=.*$ ]] || fail "--runtime-env takes NAME=VALUE, for example --runtime-env DOTNET_TieredPGO=0"
      RUNTIME_ENV+=("$2"); shift 2 ;;
    --out) [[ -n "${2-}" ]] || fail "--out takes a file name"; OUT="$2"; [[ "$OUT" == /* ]] || OUT="$CALLER_DIR/$OUT"; shift 2 ;;
    --json|--store-pid|--stand-ins|--tables) fail "$1 is set by this script (it starts Azurite for each run); run the program itself for another store" ;;
    *) PASS+=("$1"); shift ;;
  esac
done

ensure_node
BUILD="$ROOT/.cache/benchmark/$LABEL$([[ "$READY_TO_RUN" == true ]] && echo -r2r || true)"
step "Building the stand-ins and the benchmark against $APP_DIR (Release$([[ "$READY_TO_RUN" == true ]] && echo ', ReadyToRun' || true))"
dotnet build benchmarks/AcsPush.Benchmarks.StandIns/AcsPush.Benchmarks.StandIns.csproj -c Release --nologo -v quiet -clp:ErrorsOnly \
  -o "$ROOT/.cache/benchmark/stand-ins"
HARNESS=benchmarks/AcsPush.Functions.Benchmarks/AcsPush.Functions.Benchmarks.csproj
if [[ "$READY_TO_RUN" == true ]]; then
  dotnet publish "$HARNESS" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -p:AcsPushAppDir="$APP_DIR/" --nologo -v quiet -clp:ErrorsOnly -o "$BUILD"
else
  dotnet build "$HARNESS" -c Release -p:AcsPushAppDir="$APP_DIR/" --nologo -v quiet -clp:ErrorsOnly -o "$BUILD"
fi

for run in $(seq 1 "$RUNS"); do
  step "Run $run of $RUNS (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
  azurite_start "$LOG_DIR/azurite-$run.log"
  env ${RUNTIME_ENV[@]+"${RUNTIME_ENV[@]}"} dotnet "$BUILD/AcsPush.Functions.Benchmarks.dll" "${PASS[@]+"${PASS[@]}"}" \
    --store-pid "$AZURITE_PID" --stand-ins "$ROOT/.cache/benchmark/stand-ins/AcsPush.Benchmarks.StandIns.dll" \
    --json "$LOG_DIR/run-$run.json"
  azurite_stop
  echo "load average after run $run: $(cut -d' ' -f1-3 /proc/loadavg)"
done

step "Summary of $RUNS runs"
COMMAND="scripts/benchmark.sh"
for arg in "${ORIGINAL_ARGS[@]+"${ORIGINAL_ARGS[@]}"}"; do COMMAND+=" $arg"; done
dotnet "$BUILD/AcsPush.Functions.Benchmarks.dll" report --out "$OUT" --command "$COMMAND" $(for run in $(seq 1 "$RUNS"); do echo "$LOG_DIR/run-$run.json"; done)
