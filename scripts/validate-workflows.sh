#!/usr/bin/env bash
# Validates every GitHub Actions workflow in .github/workflows against the workflow schema, offline
# (@action-validator/cli). Prints one line per file and fails if any file is invalid or none is found.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

VALIDATOR="node_modules/.bin/action-validator"
if [[ ! -x "$VALIDATOR" ]]; then
  echo "action-validator is not installed; run npm ci first." >&2
  exit 2
fi

shopt -s nullglob
files=(.github/workflows/*.yml .github/workflows/*.yaml)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "No workflow files in .github/workflows." >&2
  exit 1
fi

failed=0
for file in "${files[@]}"; do
  if output=$("$VALIDATOR" "$file" 2>&1); then
    echo "ok      $file"
  else
    echo "INVALID $file"
    printf '%s\n' "$output" | sed 's/^/        /'
    failed=$((failed + 1))
  fi
done

echo "${#files[@]} workflow files checked, ${failed} invalid"
[[ $failed -eq 0 ]]
