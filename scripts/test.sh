#!/usr/bin/env bash
# Installs everything from a fresh clone and runs every test suite:
#   1. npm ci + TypeScript build, GitHub workflow validation, Pulumi program tests (mocked providers)
#   2. dotnet restore + the function app's xunit tests, against Azurite (started here, stopped on exit)
# Prints one closing line with the totals of both suites.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
LOG_DIR="$(mktemp -d)"
AZURITE_PID=""

cleanup() {
  if [[ -n "$AZURITE_PID" ]] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    kill "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
  fi
  rm -rf "$LOG_DIR"
}
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*"; }

step "Installing Node packages (npm ci, from package-lock.json)"
npm ci --no-audit --no-fund

step "Restoring .NET packages"
dotnet restore InfraStack.sln --nologo

step "Compiling the Pulumi program and its tests"
npx tsc -p tsconfig.json

step "Validating GitHub workflow files"
bash scripts/validate-workflows.sh

step "Pulumi program tests (mocked providers)"
set +e
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$LOG_DIR/infra.tap" build/tests/infra
INFRA_RC=$?
set -e
INFRA_PASS=$(grep -E '^# pass ' "$LOG_DIR/infra.tap" | awk '{print $3}' | tail -1)
INFRA_FAIL=$(grep -E '^# fail ' "$LOG_DIR/infra.tap" | awk '{print $3}' | tail -1)

step "Starting Azurite (Table service) on loopback"
AZURITE_PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')
node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$AZURITE_PORT" --inMemoryPersistence \
  --skipApiVersionCheck --disableProductStyleUrl --disableTelemetry --silent >"$LOG_DIR/azurite.log" 2>&1 &
AZURITE_PID=$!
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

step ".NET tests (function app)"
set +e
dotnet test InfraStack.sln --no-restore --nologo --logger "trx;LogFileName=results.trx" \
  --results-directory "$LOG_DIR/dotnet" 2>&1 | tee "$LOG_DIR/dotnet.log"
DOTNET_RC=${PIPESTATUS[0]}
set -e
read -r DOTNET_PASS DOTNET_FAIL < <(node -e '
  const fs = require("fs"), path = require("path");
  let pass = 0, fail = 0;
  const walk = d => { for (const f of fs.existsSync(d) ? fs.readdirSync(d) : []) {
    const p = path.join(d, f);
    if (fs.statSync(p).isDirectory()) walk(p);
    else if (p.endsWith(".trx")) {
      const m = /<Counters[^>]*\bpassed="(\d+)"[^>]*\bfailed="(\d+)"/.exec(fs.readFileSync(p, "utf8"));
      if (m) { pass += +m[1]; fail += +m[2]; }
    } } };
  walk(process.argv[1]); console.log(pass, fail);' "$LOG_DIR/dotnet")

echo
echo "infra (Pulumi mocks): ${INFRA_PASS:-0} passed, ${INFRA_FAIL:-0} failed"
echo "dotnet (function app): ${DOTNET_PASS} passed, ${DOTNET_FAIL} failed"
TOTAL_PASS=$(( ${INFRA_PASS:-0} + DOTNET_PASS ))
TOTAL_FAIL=$(( ${INFRA_FAIL:-0} + DOTNET_FAIL ))
if [[ $INFRA_RC -ne 0 || $DOTNET_RC -ne 0 ]] && [[ $TOTAL_FAIL -eq 0 ]]; then
  TOTAL_FAIL=1  # a suite failed without a countable test failure (build error, crash)
fi
echo "total: ${TOTAL_PASS} passed, ${TOTAL_FAIL} failed"
[[ $INFRA_RC -eq 0 && $DOTNET_RC -eq 0 ]]
