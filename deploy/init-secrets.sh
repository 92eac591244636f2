#!/usr/bin/env bash
# Makes the secrets docker-compose.yml reads, once: random passwords in deploy/secrets/ (or
# $STEWARD_SECRETS_DIR), and the folder for the secrets the site configuration names
# (file:/run/steward/site-secrets/<name>). Existing files are kept, so it is safe to run again.
#
# The folder is 0700 (only its owner reads it on the host); the files are 0644 because each is
# bind-mounted alone into containers whose processes run as other users (PostgreSQL, Grafana,
# the steward image's `node`), and the folder around them is not part of those mounts.
set -euo pipefail

dir="${STEWARD_SECRETS_DIR:-$(dirname "$0")/secrets}"
mkdir -p "$dir/site"
chmod 0700 "$dir"
chmod 0755 "$dir/site"

make_secret() {
  local file="$dir/$1"
  if [[ -s "$file" ]]; then
    echo "kept    $file"
    return
  fi
  # 32 characters of [A-Za-z0-9]: safe in URLs, shells and YAML alike.
  local secret
  secret="$(openssl rand -base64 48 | tr -dc 'A-Za-z0-9')"
  (umask 077 && printf '%s' "${secret:0:32}" >"$file")
  chmod 0644 "$file"
  echo "created $file"
}

make_secret postgres_password
make_secret grafana_admin_password
make_secret metrics_token

cat <<INFO
Site secrets (webhook secrets of vendors, site-broker and OPC UA passwords) go into $dir/site/,
one file per secret (e.g. printf '%s' "\$SECRET" > $dir/site/webhook-antu-lifts; chmod 0644),
named in the site configuration as file:/run/steward/site-secrets/<file>.
INFO
