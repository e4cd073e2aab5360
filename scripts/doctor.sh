#!/usr/bin/env bash
# Checks a deployed stack against what it should be: the hub link, both hubs' push credentials, the Event
# Grid subscriptions, the webhook's handshake, dead-lettered events and the alerts. One line per check: `ok`,
# or a finding with its fix and runbook section (docs/operations.md).
#
#   scripts/doctor.sh <stack>                      outputs from `pulumi stack output --json`
#   scripts/doctor.sh <stack> --outputs <file|->   outputs from a file (or standard input) holding that JSON
#
# Needs an Azure sign-in (`az login`, or a service principal's AZURE_* variables) that may read the stack's
# resources, list the hubs' credentials and read the dead-letter container (docs/operations.md).
# Exit status: 0 every check passed, 1 findings, 2 the doctor could not run.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

if [[ $# -lt 1 ]]; then
  echo "Usage: scripts/doctor.sh <stack> [--outputs <file.json>|-]" >&2
  exit 2
fi

ensure_node >&2
ensure_node_modules
compile_if_changed build/infra/tools/doctor/doctor.js >&2
exec node build/infra/tools/doctor/doctor.js "$@"
