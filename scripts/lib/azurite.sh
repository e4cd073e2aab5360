# Sourced by scripts/test.sh and scripts/benchmark.sh: Azurite's Table service on a free loopback port.
#   azurite_start <log file>   starts it, waits until it accepts connections, exports
#                              ACSPUSH_TEST_TABLES_CONNECTION and sets AZURITE_PID / AZURITE_PORT
#   azurite_stop               stops it (safe to call when it never started)
# The emulator runs in memory with telemetry off: nothing it does leaves this machine.

AZURITE_PID=""
AZURITE_PORT=""

azurite_start() {
  local log="$1"
  AZURITE_PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')
  # The package's bin directly (not npx), so that AZURITE_PID is the emulator itself.
  node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$AZURITE_PORT" --inMemoryPersistence \
    --skipApiVersionCheck --disableProductStyleUrl --disableTelemetry --silent >"$log" 2>&1 &
  AZURITE_PID=$!
  local _
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$AZURITE_PORT") 2>/dev/null; then break; fi
    sleep 0.2
  done
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$AZURITE_PORT") 2>/dev/null; then
    echo "Azurite did not start; its log:" >&2
    cat "$log" >&2
    return 1
  fi
  # The well-known Azurite development account (public and documented; not a secret).
  export ACSPUSH_TEST_TABLES_CONNECTION="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:${AZURITE_PORT}/devstoreaccount1;"
  echo "Azurite Table service on 127.0.0.1:${AZURITE_PORT}"
}

azurite_stop() {
  if [[ -n "$AZURITE_PID" ]] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    kill "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
  fi
  AZURITE_PID=""
}
