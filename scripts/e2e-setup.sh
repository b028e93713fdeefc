#!/usr/bin/env bash
# Installs what the end-to-end suite (scripts/e2e.mjs) needs, on a clean Debian 12 machine that
# reaches only the npm registry and Debian's packages. Idempotent and quick when already done.
#   - Debian packages, only when missing: chromium (driven by playwright-core), and
#     libkrb5-dev pkg-config build-essential python3 (code-server's native modules).
#   - node@24.21.0 and code-server@4.139.1 from npm, pinned: code-server bundles VS Code 1.139.1
#     and refuses older Node; the suite uses its internal test hooks, so the version is pinned.
# Cache folder: $BLOCKSMITH_E2E_CACHE, default <repo>/.e2e (gitignored). Writes
# <cache>/paths.json ({ node, codeServer, serverMain, chromium }) for scripts/e2e.mjs.
set -euo pipefail

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
APT_PACKAGES=(chromium libkrb5-dev pkg-config build-essential python3)

repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${BLOCKSMITH_E2E_CACHE:-$repo/.e2e}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
t0=$(date +%s)

say() { echo "e2e-setup: $*"; }
elapsed() { echo "$(($(date +%s) - $1))s"; }

install_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "Debian packages present (${APT_PACKAGES[*]})"
    return
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "e2e-setup: missing Debian packages: ${missing[*]}" >&2
      echo "e2e-setup: install them as root: apt-get install -y ${missing[*]}" >&2
      echo "e2e-setup: (not root and no password-less sudo, so this script cannot)" >&2
      exit 1
    fi
  fi
  local t=$(date +%s)
  say "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
  say "Debian packages installed in $(elapsed "$t")"
}

# npm_install <dir> <package@version> [node]: a private npm project in <dir>, so npm never climbs
# up to the repository's package.json. A stamp file marks a completed install. With [node], npm's
# own CLI runs on that Node: npm puts the directory of the Node running it first on the PATH of
# install scripts, so a system npm (Node 20) would make code-server's postinstall see Node 20.
npm_install() {
  local dir="$1" spec="$2" stamp="$1/.installed-${2//[@\/]/_}"
  local npm_cmd=(npm)
  if [ -n "${3:-}" ]; then
    npm_cmd=("$3" "$(readlink -f "$(command -v npm)")")
  fi
  if [ -f "$stamp" ]; then
    say "$spec present ($dir)"
    return
  fi
  local t=$(date +%s)
  rm -rf "$dir"
  mkdir -p "$dir"
  echo '{ "name": "blocksmith-e2e-cache", "private": true }' >"$dir/package.json"
  say "installing $spec into $dir"
  # `npm run test:e2e` exports npm's own variables, and an inner npm reads them as its config:
  # npm_config_user_agent would tell code-server's postinstall the outer Node's version. Drop
  # them all but nodedir.
  (cd "$dir" && for v in $(compgen -e | grep -E '^(npm_|NODE$)'); do
    [ "$v" = npm_config_nodedir ] || unset "$v"
  done && "${npm_cmd[@]}" install --prefix "$dir" --save-exact --no-audit --no-fund \
    --loglevel=error "$spec" >"$dir/npm-install.log" 2>&1) || {
    echo "e2e-setup: npm install $spec failed; the log's tail ($dir/npm-install.log):" >&2
    tail -n 40 "$dir/npm-install.log" >&2
    exit 1
  }
  touch "$stamp"
  say "$spec installed in $(elapsed "$t")"
}

install_apt

npm_install "$cache/node" "node@$NODE_VERSION"
node_bin="$(find "$cache/node/node_modules" -path '*/node-linux-*/bin/node' -type f | head -n 1)"
if [ -z "$node_bin" ] || ! "$node_bin" --version | grep -q "v$NODE_VERSION"; then
  echo "e2e-setup: no working node v$NODE_VERSION under $cache/node (delete it and rerun)" >&2
  exit 1
fi
node_root="$(dirname "$(dirname "$node_bin")")"

# code-server's native modules compile against this Node: it goes first on PATH and node-gyp
# takes its headers (a user npmrc may point nodedir at the system Node's).
export PATH="$node_root/bin:$PATH"
export npm_config_nodedir="$node_root"
npm_install "$cache/code-server" "code-server@$CODE_SERVER_VERSION" "$node_bin"
cs_root="$cache/code-server/node_modules/code-server"
for f in out/node/entry.js lib/vscode/out/server-main.js; do
  if [ ! -f "$cs_root/$f" ]; then
    echo "e2e-setup: $cs_root/$f is missing: the code-server install is broken;" \
      "delete $cache/code-server and rerun" >&2
    exit 1
  fi
done

chromium_bin="$(command -v chromium || true)"
if [ -z "$chromium_bin" ]; then
  echo "e2e-setup: chromium is not on PATH after install (expected /usr/bin/chromium)" >&2
  exit 1
fi

cat >"$cache/paths.json.tmp" <<EOF
{
  "node": "$node_bin",
  "codeServer": "$cs_root/out/node/entry.js",
  "serverMain": "$cs_root/lib/vscode/out/server-main.js",
  "chromium": "$chromium_bin"
}
EOF
mv "$cache/paths.json.tmp" "$cache/paths.json"
say "ready in $(elapsed "$t0"): node $("$node_bin" --version), code-server $CODE_SERVER_VERSION," \
  "$("$chromium_bin" --version 2>/dev/null | head -n 1)"
