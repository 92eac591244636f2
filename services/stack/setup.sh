#!/usr/bin/env bash
# Idempotent "install everything" step run first by `npm test` and `npm run demo`:
# Debian packages for the real servers, node_modules matching package-lock.json, then the
# local server stack. Does no work (and finishes in well under 3 s) when all is in place.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/../.." && pwd)
# shellcheck source=versions.env
source "$script_dir/versions.env"

say() { printf '[setup] %s\n' "$*"; }
die() {
  printf '[setup] ERROR: %s\n' "$*" >&2
  exit 1
}

# postgresql-N rather than the `postgresql` metapackage: stack.sh runs the binaries of exactly
# that major version from /usr/lib/postgresql/N/bin, whatever the distribution's default is.
packages=(
  redis-server
  redis-tools
  "postgresql-${POSTGRES_VERSION}"
  victoria-metrics
  mosquitto
  mosquitto-clients
  curl
  ca-certificates
  # The browser tests drive Debian's Chromium through playwright-core (never a downloaded
  # browser); the CJK fonts make the Chinese labels render in it and in the screenshots.
  chromium
  fonts-noto-cjk
  # pdftoppm and pdftotext: the report tests render PDF pages to check them.
  poppler-utils
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ $status != 'install ok installed' ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} > 0)); then
  as_root=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to install: ${missing[*]}"
    as_root=(sudo -n)
  fi
  say "installing Debian packages: ${missing[*]}"
  # Package lists are only refreshed when something is missing, so a ready machine stays offline.
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  say "Debian packages installed"
else
  say "Debian packages present"
fi

lockfile="$repo_root/package-lock.json"
stamp="$repo_root/node_modules/.steward-install-stamp"
[[ -f $lockfile ]] || die "missing $lockfile"
lock_sum=$(sha256sum "$lockfile" | cut -d' ' -f1)
# True when npm ci refused the lockfile only because it lacks optional packages of other
# platforms (lines like "Missing: @biomejs/cli-darwin-arm64@ from lock file", with no version).
# The registry reachable here does not serve those packages, so npm cannot write them into any
# lockfile, and npm ci then rejects it. A real mismatch (a dependency added or changed without
# updating the lockfile) names a version or says "Invalid:", and still fails.
only_missing_platform_packages() {
  local log=$1 problems unversioned
  grep -q 'code EUSAGE' "$log" || return 1
  problems=$(grep -cE '^npm error (Missing|Invalid):' "$log" || true)
  unversioned=$(grep -cE '^npm error Missing: \S+@ from lock file$' "$log" || true)
  ((unversioned > 0 && unversioned == problems))
}

if [[ -f $stamp && $(<"$stamp") == "$lock_sum" ]]; then
  say "node_modules matches package-lock.json"
else
  say "running npm ci"
  npm_log=$(mktemp)
  trap 'rm -f "$npm_log"' EXIT
  if (cd "$repo_root" && npm ci --no-audit --no-fund) >"$npm_log" 2>&1; then
    tail -n 1 "$npm_log"
  elif only_missing_platform_packages "$npm_log"; then
    say "npm ci rejected package-lock.json only for other platforms' optional packages that this"
    say "registry does not serve; installing the locked versions with npm install --no-save instead"
    # --no-save: installs exactly what the lockfile pins and never rewrites it.
    (cd "$repo_root" && npm install --no-save --no-audit --no-fund) || die "npm install failed"
  else
    cat "$npm_log" >&2
    die "npm ci failed (see above)"
  fi
  # Written only after a successful install, so an interrupted one is retried next time.
  printf '%s\n' "$lock_sum" >"$stamp"
  say "node_modules installed"
fi

# The dashboards are built when their sources (or the locked packages) changed since the last build.
dashboards_stamp="$repo_root/dashboards/dist/.steward-build-stamp"
dashboards_sum=$(
  cd "$repo_root" &&
    find dashboards/src dashboards/index.html dashboards/vite.config.ts services/api/schemas.ts \
      services/api/site-schemas.ts services/live/messages.ts package-lock.json -type f -print0 |
    sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
)
if [[ -f $dashboards_stamp && $(<"$dashboards_stamp") == "$dashboards_sum" ]]; then
  say "dashboards built"
else
  say "building the dashboards"
  (cd "$repo_root" && npm run -s build:dashboards) || die "the dashboards build failed"
  printf '%s\n' "$dashboards_sum" >"$dashboards_stamp"
  say "dashboards built into dashboards/dist"
fi

bash "$script_dir/stack.sh" up
