# Sourced first by every script in scripts/: the preamble they share.
#   - strict mode, and the repository root as the working directory;
#   - step "<title>": prints a section header;
#   - make_log_dir: sets LOG_DIR to a temporary folder, removed on exit;
#   - on_exit <function>: runs the function when the script exits (before LOG_DIR is removed);
#   - ensure_node (lib/node.sh): Node.js 22 or newer first on PATH;
#   - ensure_node_modules: npm ci when node_modules is missing or older than package-lock.json (progress on stderr);
#   - compile_if_changed [output...]: the TypeScript build, skipped when nothing under infra/ changed since the last one
#     and the program (and every output named) is there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=node.sh
source scripts/lib/node.sh

step() { printf '\n==> %s\n' "$*"; }

EXIT_HOOKS=()
LOG_DIR=""
on_exit() { EXIT_HOOKS+=("$1"); }
run_exit_hooks() {
  local hook
  for hook in "${EXIT_HOOKS[@]+"${EXIT_HOOKS[@]}"}"; do "$hook"; done
  if [[ -n "$LOG_DIR" ]]; then rm -rf "$LOG_DIR"; fi
}
trap run_exit_hooks EXIT

make_log_dir() { LOG_DIR="$(mktemp -d)"; }

ensure_node_modules() {
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    step "Installing Node packages (npm ci, from package-lock.json)" >&2
    npm ci --no-audit --no-fund >&2
  fi
}

# The build is current when its stamp is newer than everything under infra/ and the files that configure the
# compiler, and the program it produced is there (with the outputs the caller names). The stamp is taken before tsc starts and kept only when tsc
# succeeds, so a file saved during a build, or a build that failed, means the next call compiles again.
# (Not tsc --incremental: it does not emit again an output that was deleted.)
compile_if_changed() {
  local stamp=build/.compiled output current=true
  for output in build/infra/index.js build/infra/tools/preview/offline-preview.js "$@"; do
    [[ -f "$output" ]] || current=false
  done
  if [[ "$current" == true && -f "$stamp" ]] \
    && [[ -z "$(find infra tsconfig.json package.json package-lock.json -newer "$stamp" -print -quit)" ]]; then
    return 0
  fi
  mkdir -p build
  touch "$stamp.next"
  rm -f "$stamp"
  npx tsc -p tsconfig.json
  mv "$stamp.next" "$stamp"
}
