#!/usr/bin/env bash
# Mutation testing (see docs/testing.md): how many deliberate bugs the tests catch.
#   scripts/mutation.sh [dotnet|infra|all] [--mutate GLOB]... [--concurrency N]
#     dotnet   the function app (Stryker.NET, tests/AcsPush.Functions.Tests/stryker-config.yaml), against Azurite
#     infra    the Pulumi program's own logic (StrykerJS, stryker.config.mjs)
#     all      both (the default)
#   --mutate GLOB      only these files (repeatable): for dotnet relative to functions-app/ ('**/PushDispatcher.cs'),
#                      for infra relative to the repository ('infra/lib/validators.ts'); the floors are not checked
#   --concurrency N    parallel test runs (default 2, from the configs)
# Reports (HTML and JSON) go to reports/mutation/{dotnet,infra}/; the per-file tables are printed at the end and
# written to reports/mutation/summary.md. Exits 1 when a full run scores under its floor. Not part of scripts/test.sh.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/azurite.sh
source scripts/lib/azurite.sh
make_log_dir
on_exit azurite_stop
trap 'exit 130' INT TERM

DOTNET_FLOOR=80
INFRA_FLOOR=90
OUT=reports/mutation

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }
fail() { echo "mutation.sh: $*" >&2; exit 64; }

SUITE=all
MUTATE=()
CONCURRENCY=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    dotnet|infra|all) SUITE="$1"; shift ;;
    --mutate) [[ -n "${2-}" ]] || fail "--mutate takes a glob, for example --mutate '**/PushDispatcher.cs'"; MUTATE+=("$2"); shift 2 ;;
    --concurrency) [[ "${2-}" =~ ^[1-9][0-9]?$ ]] || fail "--concurrency takes a number from 1 to 99, for example --concurrency 2"
      CONCURRENCY=(--concurrency "$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) fail "unknown argument '$1'; expected dotnet, infra or all, --mutate GLOB, --concurrency N (see --help)" ;;
  esac
done

ensure_node
ensure_node_modules
compile_if_changed
rm -rf "$OUT/summary.md"
mkdir -p "$OUT"
STATUS=0

# Prints the table of one suite's report and checks its floor (a full run only).
table() {
  local title="$1" floor="$2" report="$3" args=()
  [[ ${#MUTATE[@]} -eq 0 ]] && args=(--floor "$floor")
  node build/infra/tools/mutation-table.js --title "$title" --root "$PWD" "${args[@]}" "$report" | tee -a "$OUT/summary.md" || STATUS=1
}

run_dotnet() {
  step "Function app: Stryker.NET (tests without the Fuzz and Fault categories)"
  dotnet tool restore >/dev/null
  azurite_start "$LOG_DIR/azurite.log"
  local args=(--output "$PWD/$OUT/dotnet" "${CONCURRENCY[@]}" --reporter html --reporter json) pattern started=$SECONDS
  # The progress bar redraws one line, which a log (CI) never shows: one dot per mutant there instead.
  if [[ -t 1 ]]; then args+=(--reporter progress); else args+=(--reporter dots); fi
  for pattern in "${MUTATE[@]+"${MUTATE[@]}"}"; do args+=(--mutate "$pattern"); done
  rm -rf "$OUT/dotnet"
  (cd tests/AcsPush.Functions.Tests && dotnet stryker "${args[@]}")
  azurite_stop
  DOTNET_SECONDS=$((SECONDS - started))
}

run_infra() {
  step "Pulumi program logic: StrykerJS"
  local args=("${CONCURRENCY[@]}") pattern started=$SECONDS
  [[ ${#MUTATE[@]} -gt 0 ]] && args+=(--mutate "$(IFS=,; echo "${MUTATE[*]}")")
  rm -rf "$OUT/infra"
  npx stryker run stryker.config.mjs "${args[@]}"
  INFRA_SECONDS=$((SECONDS - started))
}

[[ "$SUITE" == infra ]] || run_dotnet
[[ "$SUITE" == dotnet ]] || run_infra

if [[ "$SUITE" != infra ]]; then
  table "Function app (Stryker.NET), $((DOTNET_SECONDS / 60)) min $((DOTNET_SECONDS % 60)) s" "$DOTNET_FLOOR" "$OUT/dotnet/reports/mutation-report.json"
fi
if [[ "$SUITE" != dotnet ]]; then
  table "Pulumi program logic (StrykerJS), $((INFRA_SECONDS / 60)) min $((INFRA_SECONDS % 60)) s" "$INFRA_FLOOR" "$OUT/infra/mutation-report.json"
fi
echo "Reports: $OUT/ (HTML and JSON); tables: $OUT/summary.md"
exit "$STATUS"
