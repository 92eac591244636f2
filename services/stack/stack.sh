#!/usr/bin/env bash
# Project-private Redis, PostgreSQL and VictoriaMetrics on 127.0.0.1 for development and tests.
#
#   stack.sh up      start whatever is not running (idempotent), wait until each answers
#   stack.sh down    stop the servers this stack dir started
#   stack.sh status  one line per server; exits non-zero if any is down
#   stack.sh env     print REDIS_URL / DATABASE_URL / TSDB_URL for the local servers
#
# Ports, versions and credentials come from versions.env. Data, logs and pid files live under
# $STEWARD_STACK_DIR (default <repo>/.stack). REDIS_URL, DATABASE_URL or TSDB_URL in the
# environment mark that server as external: it is neither started nor stopped here.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/../.." && pwd)
# shellcheck source=versions.env
source "$script_dir/versions.env"

stack_dir=${STEWARD_STACK_DIR:-$repo_root/.stack}
timeout_s=${STEWARD_STACK_TIMEOUT:-30}
host=127.0.0.1

redis_dir=$stack_dir/redis
redis_pidfile=$redis_dir/redis.pid
redis_log=$redis_dir/redis.log

vm_dir=$stack_dir/victoriametrics
vm_pidfile=$vm_dir/victoria-metrics.pid
vm_log=$vm_dir/victoria-metrics.log
vm_bin=/usr/bin/victoria-metrics

pg_bin=/usr/lib/postgresql/$POSTGRES_VERSION/bin
pg_os_user=postgres

log() { printf '[stack] %s\n' "$*"; }
fail() {
  printf '[stack] ERROR: %s\n' "$*" >&2
  exit 1
}

# Hides the password part of a URL so status output can be pasted into issues.
redact() { sed -E 's#(//[^:/@]+):[^@]*@#\1:***@#' <<<"$1"; }

show_log_tail() {
  local file=$1
  if [[ -f $file ]]; then
    printf '[stack] last lines of %s:\n' "$file" >&2
    tail -n 25 "$file" | sed 's/^/    /' >&2
  else
    printf '[stack] (no log file at %s)\n' "$file" >&2
  fi
}

# PID of the process listening on 127.0.0.1:PORT, or empty. Used to recognise servers that
# answer on our port but were started from another stack dir (e.g. another clone of the repo).
port_pid() {
  local port=$1
  command -v ss >/dev/null 2>&1 || return 0
  ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2 || true
}

port_open() { (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null; }

# Alive means running, not a zombie: a killed daemon's parent is PID 1, which may take a while
# to reap it, and until then kill -0 and /proc still see it.
pid_alive() {
  local pid=$1 stat
  [[ -n $pid ]] || return 1
  { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != [ZX] ]]
}

comm_is() {
  local pid=$1 want=$2 comm
  { read -r comm <"/proc/$pid/comm"; } 2>/dev/null || return 1
  [[ $comm == "$want"* ]]
}

# A pid file is only trusted while its process is alive and is the expected program: pids are
# reused after a crash or reboot, and a stale file must not make us signal a stranger.
# (/proc/PID/comm is cut at 15 characters, hence prefixes such as "victoria-metri".)
live_pid() {
  local pidfile=$1 comm=$2 pid
  [[ -s $pidfile ]] || return 1
  pid=$(head -n1 "$pidfile" | tr -dc '0-9')
  pid_alive "$pid" && comm_is "$pid" "$comm" || return 1
  printf '%s' "$pid"
}

# wait_until WHAT LOGFILE PIDFILE CHECK...: PIDFILE may be '' when there is no process of ours
# to watch; when there is, its death ends the wait at once instead of after the timeout.
wait_until() {
  local what=$1 logfile=$2 pidfile=$3 pid=
  shift 3
  local deadline=$((SECONDS + timeout_s))
  until "$@" >/dev/null 2>&1; do
    if [[ -n $pidfile && -s $pidfile ]]; then
      pid=$(head -n1 "$pidfile" | tr -dc '0-9')
    fi
    if [[ -n $pid ]] && ! pid_alive "$pid"; then
      show_log_tail "$logfile"
      fail "$what exited during start-up (pid $pid)"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail "$logfile"
      fail "$what did not become ready within ${timeout_s}s (STEWARD_STACK_TIMEOUT)"
    fi
    sleep 0.2
  done
}

wait_pid_exit() {
  local pid=$1 seconds=$2
  local deadline=$((SECONDS + seconds))
  while pid_alive "$pid"; do
    ((SECONDS >= deadline)) && return 1
    sleep 0.2
  done
}

stop_pid() {
  local name=$1 pid=$2
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_pid_exit "$pid" "$timeout_s"; then
    log "$name (pid $pid) ignored SIGTERM for ${timeout_s}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_pid_exit "$pid" 5 || fail "could not stop $name (pid $pid)"
  fi
}

# status_line NAME ADDRESS STATE [OUR_PID] [PORT_PID]: a server that answers on our port without
# a pid file of ours was started from another stack dir (another clone) and is only borrowed.
status_line() {
  local name=$1 address=$2 state=$3 ours=${4:-} listener=${5:-} detail=-
  if [[ $state == up ]]; then
    if [[ -n $ours ]]; then
      detail="pid $ours"
    else
      detail="pid ${listener:-?} (not started from $stack_dir)"
    fi
  fi
  printf '%-16s %-22s %-9s %s\n' "$name" "$address" "$state" "$detail"
}

# ---------------------------------------------------------------- Redis

redis_ping() { [[ $(redis-cli -h "$host" -p "$STACK_REDIS_PORT" ping 2>/dev/null) == PONG ]]; }

redis_up() {
  local pid
  if [[ -n ${REDIS_URL:-} ]]; then
    log "redis: external ($(redact "$REDIS_URL")), not started"
    return
  fi
  if pid=$(live_pid "$redis_pidfile" redis-server); then
    # Ours and alive; it may still be loading, so wait rather than start a second one.
    wait_until "redis" "$redis_log" "$redis_pidfile" redis_ping
    log "redis: already up on $host:$STACK_REDIS_PORT (pid $pid)"
    return
  fi
  rm -f "$redis_pidfile"
  if port_open "$STACK_REDIS_PORT"; then
    if redis_ping; then
      log "redis: $host:$STACK_REDIS_PORT is already served by pid $(port_pid "$STACK_REDIS_PORT") not started from $stack_dir; using it"
      return
    fi
    fail "port $STACK_REDIS_PORT is taken by something that is not Redis (pid $(port_pid "$STACK_REDIS_PORT"))"
  fi
  command -v redis-server >/dev/null || fail "redis-server is not installed (run services/stack/setup.sh)"
  mkdir -p "$redis_dir"
  # No RDB snapshots and no AOF: the dev stack may lose Redis state on restart, which is a
  # case the design must survive anyway (SLA timers are rebuilt from PostgreSQL). noeviction is
  # what BullMQ requires so queued jobs are never silently dropped.
  redis-server --port "$STACK_REDIS_PORT" --bind "$host" --protected-mode yes \
    --dir "$redis_dir" --daemonize yes --pidfile "$redis_pidfile" --logfile "$redis_log" \
    --save '' --appendonly no --maxmemory-policy noeviction 9>&- ||
    {
      show_log_tail "$redis_log"
      fail "redis-server failed to start"
    }
  wait_until "redis" "$redis_log" "$redis_pidfile" redis_ping
  log "redis: up on $host:$STACK_REDIS_PORT (pid $(live_pid "$redis_pidfile" redis-server || echo '?'))"
}

redis_down() {
  local pid
  if [[ -n ${REDIS_URL:-} ]]; then
    log "redis: external, left alone"
    return
  fi
  if ! pid=$(live_pid "$redis_pidfile" redis-server); then
    rm -f "$redis_pidfile"
    log "redis: not running from $stack_dir"
    return
  fi
  # SHUTDOWN lets Redis close clients cleanly; SIGTERM is the fallback if it does not answer.
  redis-cli -h "$host" -p "$STACK_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  wait_pid_exit "$pid" 10 || stop_pid redis "$pid"
  rm -f "$redis_pidfile"
  log "redis: stopped (was pid $pid)"
}

redis_status() {
  if [[ -n ${REDIS_URL:-} ]]; then
    status_line redis "$(redact "$REDIS_URL")" external
    return 0
  fi
  redis_ping || {
    status_line redis "$host:$STACK_REDIS_PORT" down
    return 1
  }
  status_line redis "$host:$STACK_REDIS_PORT" up "$(live_pid "$redis_pidfile" redis-server)" \
    "$(port_pid "$STACK_REDIS_PORT")"
}

# ---------------------------------------------------------------- PostgreSQL

# PostgreSQL refuses to run as root, so it runs as the Debian `postgres` OS user, which must be
# able to reach its data folder. When the repo sits where that user cannot traverse (e.g. under
# a 0700 home directory), the cluster goes to /var/lib/steward-stack/<hash of the stack dir>.
pg_home=
pg_data=
pg_log=
pg_sock=

pg_locate() {
  local pointer=$stack_dir/postgres.location
  [[ -n $pg_home ]] && return
  mkdir -p "$stack_dir"
  if runuser -u "$pg_os_user" -- test -x "$stack_dir" 2>/dev/null; then
    pg_home=$stack_dir/postgres
    rm -f "$pointer"
  else
    pg_home=/var/lib/steward-stack/$(printf '%s' "$stack_dir" | sha256sum | cut -c1-12)/pg
    printf '%s\n' "$pg_home" >"$pointer"
  fi
  pg_data=$pg_home/data
  pg_log=$pg_home/postgres.log
  # Sockets live beside the data, not in /var/run/postgresql, so they never clash with the
  # Debian `main` cluster; Unix socket paths are limited to ~107 bytes, hence the fallback.
  pg_sock=$pg_data
  if ((${#pg_sock} > 90)); then
    pg_sock=/tmp/steward-pg-$(printf '%s' "$stack_dir" | sha256sum | cut -c1-12)
  fi
}

# cd / first: the caller's directory may be unreadable to the postgres user.
as_pg() { (cd / && runuser -u "$pg_os_user" -- "$@"); }

pg_ready() { "$pg_bin/pg_isready" -q -h "$host" -p "$STACK_POSTGRES_PORT" -t 2; }

pg_running_pid() {
  local pid
  [[ -s $pg_data/postmaster.pid ]] || return 1
  pid=$(head -n1 "$pg_data/postmaster.pid" | tr -dc '0-9')
  pid_alive "$pid" && comm_is "$pid" postgres || return 1
  printf '%s' "$pid"
}

pg_login_works() {
  PGPASSWORD=$STACK_PG_PASSWORD PGCONNECT_TIMEOUT=3 "$pg_bin/psql" -X -q -h "$host" -p "$STACK_POSTGRES_PORT" \
    -U "$STACK_PG_USER" -d "$STACK_PG_DB" -tAc 'select 1' >/dev/null 2>&1
}

pg_init() {
  [[ -x $pg_bin/initdb ]] || fail "PostgreSQL $POSTGRES_VERSION is not installed (run services/stack/setup.sh)"
  mkdir -p "$pg_home"
  chown "$pg_os_user:" "$pg_home"
  chmod 0700 "$pg_home"
  if [[ ! -s $pg_data/PG_VERSION ]]; then
    log "postgres: initdb in $pg_data"
    rm -rf "$pg_data"
    # Peer auth on the private socket for the bootstrap below; passwords over TCP for everyone.
    as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
      --encoding=UTF8 --no-locale >"$pg_home/initdb.log" 2>&1 ||
      {
        show_log_tail "$pg_home/initdb.log"
        fail "initdb failed"
      }
    printf "\ninclude_if_exists = 'steward-stack.conf'\n" >>"$pg_data/postgresql.conf"
  fi
  # Rewritten on every start so edits to versions.env take effect without a new initdb.
  cat >"$pg_data/steward-stack.conf" <<EOF
# Written by services/stack/stack.sh on every start; edit versions.env instead.
listen_addresses = '$host'
port = $STACK_POSTGRES_PORT
unix_socket_directories = '$pg_sock'
# Integration tests use one database per test file, in parallel.
max_connections = 200
EOF
  chown "$pg_os_user:" "$pg_data/steward-stack.conf"
  if [[ $pg_sock != "$pg_data" ]]; then
    mkdir -p "$pg_sock"
    chown "$pg_os_user:" "$pg_sock"
    chmod 0700 "$pg_sock"
  fi
}

pg_bootstrap_role() {
  # psql variables (:'x') quote the values; \gexec runs each CREATE/ALTER only when needed.
  as_pg "$pg_bin/psql" -X -q -h "$pg_sock" -p "$STACK_POSTGRES_PORT" -d postgres -v ON_ERROR_STOP=1 \
    -v user="$STACK_PG_USER" -v pass="$STACK_PG_PASSWORD" -v db="$STACK_PG_DB" >/dev/null <<'SQL'
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', :'user', :'pass')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
SELECT format('ALTER ROLE %I LOGIN CREATEDB PASSWORD %L', :'user', :'pass') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user')
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
}

pg_up() {
  local pid old_pid deadline
  if [[ -n ${DATABASE_URL:-} ]]; then
    log "postgres: external ($(redact "$DATABASE_URL")), not started"
    return
  fi
  pg_locate
  if [[ $pg_home != "$stack_dir"/* ]]; then
    log "postgres: the '$pg_os_user' OS user cannot reach $stack_dir, so its data lives in $pg_home"
  fi
  if pid=$(pg_running_pid) && pg_ready; then
    log "postgres: already up on $host:$STACK_POSTGRES_PORT (pid $pid, data $pg_data)"
    return
  fi
  if [[ -z ${pid:-} && -e $pg_data/postmaster.pid ]]; then
    old_pid=$(head -n1 "$pg_data/postmaster.pid" | tr -dc '0-9')
    # PostgreSQL's own lock check counts an unreaped zombie as a running postmaster, so a
    # restart right after a crash must wait for PID 1 to reap it (seconds, here).
    if [[ -n $old_pid && -e /proc/$old_pid ]] && comm_is "$old_pid" postgres; then
      log "postgres: waiting for the crashed postmaster (pid $old_pid) to be reaped"
      deadline=$((SECONDS + timeout_s))
      while [[ -e /proc/$old_pid ]] && ((SECONDS < deadline)); do sleep 0.2; done
    fi
    log "postgres: removing stale postmaster.pid"
    rm -f "$pg_data/postmaster.pid"
  fi
  if [[ -z ${pid:-} ]] && port_open "$STACK_POSTGRES_PORT"; then
    if pg_ready && pg_login_works; then
      log "postgres: $host:$STACK_POSTGRES_PORT is already served by pid $(port_pid "$STACK_POSTGRES_PORT") not started from $stack_dir; using it"
      return
    fi
    fail "port $STACK_POSTGRES_PORT is taken (pid $(port_pid "$STACK_POSTGRES_PORT")) by something the '$STACK_PG_USER' role cannot log in to"
  fi
  if [[ -z ${pid:-} ]]; then
    pg_init
    # -w waits for the postmaster to report ready; the timeout bounds a stuck recovery.
    as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_log" -w -t "$timeout_s" start >/dev/null 9>&- ||
      {
        show_log_tail "$pg_log"
        fail "PostgreSQL failed to start"
      }
  fi
  wait_until "postgres" "$pg_log" "" pg_ready
  pg_bootstrap_role || {
    show_log_tail "$pg_log"
    fail "could not create role/database '$STACK_PG_USER'/'$STACK_PG_DB'"
  }
  log "postgres: up on $host:$STACK_POSTGRES_PORT (pid $(pg_running_pid || echo '?'), data $pg_data)"
}

pg_down() {
  local pid
  if [[ -n ${DATABASE_URL:-} ]]; then
    log "postgres: external, left alone"
    return
  fi
  pg_locate
  if ! pid=$(pg_running_pid); then
    log "postgres: not running from $pg_data"
    return
  fi
  as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w -t "$timeout_s" stop >/dev/null ||
    stop_pid postgres "$pid"
  log "postgres: stopped (was pid $pid)"
}

pg_status() {
  if [[ -n ${DATABASE_URL:-} ]]; then
    status_line postgres "$(redact "$DATABASE_URL")" external
    return 0
  fi
  pg_locate
  pg_ready || {
    status_line postgres "$host:$STACK_POSTGRES_PORT" down
    return 1
  }
  status_line postgres "$host:$STACK_POSTGRES_PORT" up "$(pg_running_pid)" "$(port_pid "$STACK_POSTGRES_PORT")"
}

# ---------------------------------------------------------------- VictoriaMetrics

vm_health() { [[ $(curl -fsS --max-time 2 "http://$host:$STACK_TSDB_PORT/health" 2>/dev/null) == OK ]]; }

vm_up() {
  local pid
  if [[ -n ${TSDB_URL:-} ]]; then
    log "victoriametrics: external ($(redact "$TSDB_URL")), not started"
    return
  fi
  if pid=$(live_pid "$vm_pidfile" victoria-metri); then
    # Ours and alive; it may still be opening its storage, so wait rather than start another.
    wait_until "victoriametrics" "$vm_log" "$vm_pidfile" vm_health
    log "victoriametrics: already up on $host:$STACK_TSDB_PORT (pid $pid)"
    return
  fi
  rm -f "$vm_pidfile"
  if port_open "$STACK_TSDB_PORT"; then
    if vm_health; then
      log "victoriametrics: $host:$STACK_TSDB_PORT is already served by pid $(port_pid "$STACK_TSDB_PORT") not started from $stack_dir; using it"
      return
    fi
    fail "port $STACK_TSDB_PORT is taken by something that is not VictoriaMetrics (pid $(port_pid "$STACK_TSDB_PORT"))"
  fi
  [[ -x $vm_bin ]] || fail "$vm_bin is not installed (run services/stack/setup.sh)"
  mkdir -p "$vm_dir"
  # setsid detaches it from the caller's session so a Ctrl-C or a test runner tearing down its
  # process group does not take the server with it; `exec` keeps the recorded pid the server's.
  # -dedup.minScrapeInterval collapses samples with identical timestamps, which makes replays
  # of the gateway's spool idempotent (a design requirement).
  # shellcheck disable=SC2016 # expanded by the inner bash, on purpose
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$vm_pidfile" \
    "$vm_bin" \
    "-httpListenAddr=$host:$STACK_TSDB_PORT" \
    "-storageDataPath=$vm_dir/data" \
    "-retentionPeriod=$TSDB_RETENTION" \
    "-dedup.minScrapeInterval=$TSDB_DEDUP_INTERVAL" \
    -loggerOutput=stderr \
    </dev/null >>"$vm_log" 2>&1 9>&- &
  wait_until "victoriametrics" "$vm_log" "$vm_pidfile" vm_health
  log "victoriametrics: up on $host:$STACK_TSDB_PORT (pid $(live_pid "$vm_pidfile" victoria-metri || echo '?'))"
}

vm_down() {
  local pid
  if [[ -n ${TSDB_URL:-} ]]; then
    log "victoriametrics: external, left alone"
    return
  fi
  if ! pid=$(live_pid "$vm_pidfile" victoria-metri); then
    rm -f "$vm_pidfile"
    log "victoriametrics: not running from $stack_dir"
    return
  fi
  # SIGTERM makes VictoriaMetrics flush in-memory rows to disk before exiting.
  stop_pid victoriametrics "$pid"
  rm -f "$vm_pidfile"
  log "victoriametrics: stopped (was pid $pid)"
}

vm_status() {
  if [[ -n ${TSDB_URL:-} ]]; then
    status_line victoriametrics "$(redact "$TSDB_URL")" external
    return 0
  fi
  vm_health || {
    status_line victoriametrics "$host:$STACK_TSDB_PORT" down
    return 1
  }
  status_line victoriametrics "$host:$STACK_TSDB_PORT" up "$(live_pid "$vm_pidfile" victoria-metri)" \
    "$(port_pid "$STACK_TSDB_PORT")"
}

# ---------------------------------------------------------------- commands

# Serialises concurrent `up`/`down` (e.g. two test runs starting at once) on one stack dir.
# Every server is started with fd 9 closed (`9>&-`): a daemon inheriting it would hold the lock
# for its whole life and block the next `down`.
take_lock() {
  mkdir -p "$stack_dir"
  exec 9>"$stack_dir/stack.lock"
  flock -w $((timeout_s * 3)) 9 || fail "another stack.sh holds $stack_dir/stack.lock"
}

cmd=${1:-}
case $cmd in
up)
  take_lock
  redis_up
  pg_up
  vm_up
  ;;
down)
  take_lock
  vm_down
  pg_down
  redis_down
  ;;
status)
  rc=0
  redis_status || rc=1
  pg_status || rc=1
  vm_status || rc=1
  exit "$rc"
  ;;
env)
  printf 'REDIS_URL=%s\n' "${REDIS_URL:-redis://$host:$STACK_REDIS_PORT}"
  printf 'DATABASE_URL=%s\n' \
    "${DATABASE_URL:-postgres://$STACK_PG_USER:$STACK_PG_PASSWORD@$host:$STACK_POSTGRES_PORT/$STACK_PG_DB}"
  printf 'TSDB_URL=%s\n' "${TSDB_URL:-http://$host:$STACK_TSDB_PORT}"
  ;;
*)
  printf 'usage: %s up|down|status|env\n' "$0" >&2
  exit 2
  ;;
esac
