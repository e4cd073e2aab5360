#!/usr/bin/env bash
# Installs everything from a fresh clone and runs every test suite:
#   1. npm ci + TypeScript build, GitHub workflow validation, Pulumi program tests (mocked providers)
#   2. dotnet restore + the function app's xunit tests, against Azurite (started here, stopped on exit)
# Prints one closing line with the totals of both suites.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/azurite.sh
source scripts/lib/azurite.sh
make_log_dir
on_exit azurite_stop

ensure_node
step "Installing Node packages (npm ci, from package-lock.json) on Node.js $(node --version)"
npm ci --no-audit --no-fund

step "Restoring .NET packages"
dotnet restore InfraStack.sln --nologo

step "Compiling the Pulumi program and its tests (into a clean build/)"
# A clean build: compiled copies of tests that no longer exist must not run.
rm -rf build
npx tsc -p tsconfig.json

step "Validating GitHub workflow files"
bash scripts/validate-workflows.sh

step "Pulumi program tests (mocked providers)"
set +e
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$LOG_DIR/infra.tap" "build/tests/infra/**/*.test.js"
INFRA_RC=$?
set -e
INFRA_PASS=$(grep -E '^# pass ' "$LOG_DIR/infra.tap" | awk '{print $3}' | tail -1)
INFRA_FAIL=$(grep -E '^# fail ' "$LOG_DIR/infra.tap" | awk '{print $3}' | tail -1)

step "Starting Azurite (Table service) on loopback"
azurite_start "$LOG_DIR/azurite.log"

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
