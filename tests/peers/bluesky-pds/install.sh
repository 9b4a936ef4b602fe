#!/usr/bin/env bash
# Installs the test PDS's node packages next to this script, exactly as package-lock.json
# pins them. Idempotent: a stamp holding the lock file's hash (and node's version, since
# better-sqlite3 is a native module built for one node ABI) skips the work when nothing
# changed. Parallel callers (scripts/test starts this in the background while ctest's
# fixture may call it too) serialise on a flock, so the second one waits and then finds
# the stamp.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

exec 9>"$here/.install.lock"
flock 9

want="$(sha256sum package-lock.json | cut -d' ' -f1) node-$(node --version)"
stamp="$here/node_modules/.roost-install-stamp"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi

started=$(date +%s)
rm -f "$stamp"
# Whether npm runs install scripts depends on its version and configuration; better-sqlite3
# is the only package here that needs one, so scripts are off and its native binding is
# built explicitly. --build-from-source skips prebuild-install, which would try to download
# from github.com. Node's headers come from the system package when it has them (node-gyp
# would otherwise download them from nodejs.org).
npm ci --ignore-scripts --no-audit --no-fund
if [[ -z "${npm_config_nodedir:-}" && -f /usr/include/node/common.gypi ]]; then
  export npm_config_nodedir=/usr
fi
npm rebuild better-sqlite3 --foreground-scripts --build-from-source
node -e "require('better-sqlite3')(':memory:').close()"
echo "$want" >"$stamp"
echo "bluesky-pds: installed in $(($(date +%s) - started)) s"
