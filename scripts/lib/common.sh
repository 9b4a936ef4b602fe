# Shared by scripts/roost-up and scripts/test. Source it; do not run it.

roost_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

say() { printf '==> %s\n' "$*"; }

# Installs the packages named in the given list files that are not installed yet.
install_missing_packages() {
  local missing=() package
  while read -r package; do
    [ -n "$package" ] || continue
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$package")
  done < <(grep -hv '^#' "$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]}" >&2
    echo "install them as root (apt-get install ${missing[*]}) or run this script as root" >&2
    return 1
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# configure_build DIR BUILD_TYPE [cmake args...]: configures once, re-uses afterwards.
configure_build() {
  local dir=$1 type=$2
  shift 2
  cmake -S "$roost_root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
}

build_jobs() { nproc 2>/dev/null || echo 2; }

# node and npm run the Bluesky test peer (tests/peers/bluesky-pds: node >= 18.7, measured
# with node 20). Installed from Debian when absent; an existing node (e.g. NodeSource's,
# which bundles npm) is left alone.
require_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "node and npm are missing: apt-get install nodejs npm libnode-dev" >&2
    return 1
  fi
  say "installing nodejs and npm"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm libnode-dev >/dev/null
}

# Builds the web UI into web/dist: `npm ci` only when package-lock.json changed since the
# last install (tarballs come from npm's cache; metadata is revalidated, as the lock file
# records no download addresses), then type-check and bundle.
build_web() {
  local web="$roost_root/web" stamp="$roost_root/web/node_modules/.roost-lock-sha256" lock_hash
  require_node || return 1
  lock_hash=$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
    say "installing the web UI's packages (npm ci)"
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    echo "$lock_hash" >"$stamp"
  fi
  say "building the web UI (web/dist)"
  (cd "$web" && npm run --silent build >/dev/null) || return 1
}
