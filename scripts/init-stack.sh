#!/usr/bin/env bash
# Sets a stack up for its first deployment: pulumi login and stack init when needed, the app's identifiers and
# push credentials written with `pulumi config set` (the private keys read from their files and stored as
# secrets), then the whole stack configuration checked with the program's own rules.
#
#   scripts/init-stack.sh <stack> [options]        e.g. scripts/init-stack.sh dev
#   scripts/init-stack.sh --help                   every option
#
# Without flags it asks for each value on a terminal. The logic lives in infra/tools/init-stack/.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

if [[ $# -eq 0 ]]; then
  echo "Name the stack to set up, e.g. scripts/init-stack.sh dev (scripts/init-stack.sh --help for every option)." >&2
  exit 2
fi

ensure_node >&2
ensure_node_modules
compile_if_changed build/infra/tools/init-stack/init-stack.js >&2
exec node build/infra/tools/init-stack/init-stack.js "$@"
