#!/usr/bin/env bash
# The main job: `pulumi up` for one stack (environment).
#
#   scripts/up.sh [stack] [extra pulumi up arguments...]     stack defaults to "dev"
#   scripts/up.sh [stack] --offline                           force the offline preview
#
# With the Pulumi CLI (logged in to a backend) and an Azure CLI login (`az login`, or azure/login in GitHub
# Actions), this runs `pulumi up` for the stack with the security baseline, the policy pack in infra/policy
# (`--policy-pack infra/policy`: any violation stops the update). Without them it prints an offline preview
# instead: the program is evaluated for the stack with mocked providers and dummy secrets, and the planned
# topology, dependency graph, dependency levels and the policy pack's results are printed. Nothing in Azure is
# touched by the offline preview.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

STACK="dev"
if [[ $# -gt 0 && "$1" != -* ]]; then
  STACK="$1"
  shift
fi
OFFLINE=0
PULUMI_ARGS=()
for arg in "$@"; do
  if [[ "$arg" == "--offline" ]]; then OFFLINE=1; else PULUMI_ARGS+=("$arg"); fi
done

if [[ ! -f "Pulumi.${STACK}.yaml" ]]; then
  echo "No stack file Pulumi.${STACK}.yaml. Stacks in this repository:" >&2
  ls Pulumi.*.yaml 2>/dev/null | sed -E 's/^Pulumi\.(.*)\.yaml$/  \1/' >&2
  exit 2
fi

ensure_node
ensure_node_modules

# The code deployment inside `pulumi up` uses the Azure CLI, so a logged-in `az` is what counts (in GitHub
# Actions, azure/login provides it; the azure-native provider and the hub link can use the same session).
have_azure_login() {
  command -v az >/dev/null 2>&1 && az account show --only-show-errors >/dev/null 2>&1
}

have_pulumi() {
  command -v pulumi >/dev/null 2>&1 && pulumi whoami --non-interactive >/dev/null 2>&1
}

if [[ $OFFLINE -eq 0 ]] && have_pulumi && have_azure_login; then
  echo "==> pulumi up --stack ${STACK} --policy-pack infra/policy"
  exec pulumi up --stack "$STACK" --policy-pack infra/policy "${PULUMI_ARGS[@]}"
fi

if [[ $OFFLINE -eq 0 ]]; then
  missing=()
  have_pulumi || missing+=("a logged-in Pulumi CLI")
  have_azure_login || missing+=("an Azure CLI login (az login)")
  what="${missing[0]}"; [[ ${#missing[@]} -gt 1 ]] && what="${missing[0]} and ${missing[1]}"
  echo "==> ${what} not found: printing the OFFLINE PREVIEW of stack '${STACK}'."
  echo "    Nothing is deployed; secrets are dummy values. Install the Pulumi CLI and log in to Azure to deploy."
fi
compile_if_changed
exec node build/infra/tools/preview/offline-preview.js --stack "$STACK"
