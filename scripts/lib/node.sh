# Sourced by every script that runs Node: makes `node` (and npm/npx, which run on it) Node.js 22 or newer.
# Where the machine's Node is older, it puts a pinned Node.js 24 first on PATH for this script and its
# children (the Pulumi CLI included): the npm registry's `node` package, pinned by node-runtime/package-lock.json
# and installed once into .cache/ in this checkout. Nothing is fetched when the local Node is recent enough,
# and nothing outside this checkout changes.

NODE_MIN_MAJOR=22

node_major() {
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

ensure_node() {
  local root major found pinned dir
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  major="$(node_major)"
  found="$(node --version 2>/dev/null || echo "no Node.js")"
  if [[ "$major" -ge "$NODE_MIN_MAJOR" ]]; then
    return 0
  fi
  pinned="$(sed -n 's/.*"node": *"\([0-9.]*\)".*/\1/p' "$root/scripts/lib/node-runtime/package.json" | head -1)"
  dir="$root/.cache/node-$pinned"
  if [[ ! -x "$dir/node_modules/node/bin/node" ]]; then
    mkdir -p "$dir"
    cp "$root/scripts/lib/node-runtime/package.json" "$root/scripts/lib/node-runtime/package-lock.json" "$dir/"
    if ! npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >"$dir/install.log" 2>&1 \
      || [[ ! -x "$dir/node_modules/node/bin/node" ]]; then
      echo "Could not install Node.js $pinned from the npm registry (log: $dir/install.log)." >&2
      echo "Install Node.js ${NODE_MIN_MAJOR} or newer (24 LTS recommended) and run this again." >&2
      return 1
    fi
  fi
  export PATH="$dir/node_modules/node/bin:$PATH"
  echo "==> ${found} is older than Node.js ${NODE_MIN_MAJOR}: using Node.js $(node --version) from the npm registry's node package (cached in .cache/node-$pinned)"
}
