# Installs and starts the services the tests talk to, each on loopback only, and exports where they are:
#   APPROVALS_TEST_RABBITMQ  host:port of a RabbitMQ broker (user guest/guest)
#   APPROVALS_TEST_POSTGRES  an Npgsql connection string of a role allowed to create databases
#   APPROVALS_TEST_CHROMIUM  the Chromium the browser tests drive
# Sourced by tests/run.sh. Needs root (apt-get), as CI and the developer machines have.

services_dir=${APPROVALS_SERVICES_DIR:-/tmp/approvals-test-services}
# Preferred ports, below the kernel's ephemeral range (32768 and up by default) so that no outgoing connection of
# another program can hold them; each is moved to the next unused port when something already uses it.
pg_port=${APPROVALS_TEST_PG_PORT:-25432}
rabbit_port=${APPROVALS_TEST_RABBIT_PORT:-25672}
rabbit_dist_port=${APPROVALS_TEST_RABBIT_DIST_PORT:-26672}

# True when no socket on this machine uses local TCP port $1 (listening or connected).
port_unused() {
  if command -v ss >/dev/null 2>&1; then
    [ -z "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]
  else
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# Prints the first unused port from $1 on, skipping the ports named after it (already given to another service).
unused_port() {
  local p=$1 taken
  shift
  for _ in $(seq 1 500); do
    taken=0
    for t in "$@"; do [ "$p" = "$t" ] && taken=1; done
    if [ $taken -eq 0 ] && port_unused "$p"; then echo "$p"; return 0; fi
    p=$((p + 1))
  done
  echo "no unused port from $1 on" >&2
  return 1
}

services_install() {
  local missing=()
  command -v rabbitmq-server >/dev/null 2>&1 || missing+=(rabbitmq-server)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  export APPROVALS_TEST_CHROMIUM=/usr/bin/chromium
  node_tools_install
}

# The npm tools the API tests run (OpenAPI linter, openapi-typescript, tsc), at the exact versions of
# tests/node/package-lock.json; installed again only when the lock file changed.
node_tools_install() {
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../node" && pwd)"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "Installing the npm tools of tests/node ..."
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { echo "npm ci in tests/node failed"; return 1; }
  fi
}

services_start() {
  mkdir -p "$services_dir"
  rabbit_start && postgres_start
}

services_stop() {
  rabbit_stop
  postgres_stop
}

rabbit_env() {
  export RABBITMQ_NODENAME=approvals-test-$rabbit_port@localhost
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT=$rabbit_port
  export RABBITMQ_DIST_PORT=$rabbit_dist_port
  export ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export RABBITMQ_MNESIA_BASE=$services_dir/rabbit/mnesia
  export RABBITMQ_LOG_BASE=$services_dir/rabbit/log
  export RABBITMQ_PID_FILE=$services_dir/rabbit/rabbit.pid
  export RABBITMQ_ENABLED_PLUGINS_FILE=$services_dir/rabbit/enabled_plugins
}

# Starts the broker; when it does not come up (a port taken between the check and the start), tries twice more on
# the next unused ports before giving up.
rabbit_start() {
  local attempt
  for attempt in 1 2 3; do
    rabbit_port=$(unused_port "$rabbit_port" "$pg_port") || return 1
    rabbit_dist_port=$(unused_port "$rabbit_dist_port" "$pg_port" "$rabbit_port") || return 1
    rabbit_start_once && return 0
    echo "RabbitMQ did not start (attempt $attempt, ports $rabbit_port/$rabbit_dist_port); its output:"
    tail -n 30 "$services_dir/rabbit/server.out" "$RABBITMQ_LOG_BASE"/*.log 2>/dev/null
    rabbit_kill
    rabbit_port=$((rabbit_port + 1)); rabbit_dist_port=$((rabbit_dist_port + 1))
  done
  return 1
}

rabbit_start_once() {
  rabbit_env
  rabbitmqctl -q stop >/dev/null 2>&1 || true
  rm -rf "$services_dir/rabbit"
  mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  echo "[]." > "$RABBITMQ_ENABLED_PLUGINS_FILE"
  chown -R rabbitmq:rabbitmq "$services_dir/rabbit" 2>/dev/null || true
  # The foreground server as the rabbitmq user, in the background: Debian's wrapper does not pass our
  # environment through, and this form keeps the broker on our private port and folders.
  (cd "$services_dir/rabbit" && runuser -u rabbitmq -- /usr/lib/rabbitmq/bin/rabbitmq-server \
    >"$services_dir/rabbit/server.out" 2>&1 &)
  # Up to 90 s for the node; a broker that already stopped (its Erlang VM printed "Kernel pid terminated") fails at once.
  local waited=0
  until rabbitmqctl -q wait --timeout 3 "$RABBITMQ_PID_FILE" >/dev/null 2>&1; do
    grep -q "Kernel pid terminated" "$services_dir/rabbit/server.out" 2>/dev/null && return 1
    waited=$((waited + 3))
    [ $waited -ge 90 ] && return 1
  done
  export APPROVALS_TEST_RABBITMQ="127.0.0.1:$rabbit_port"
  echo "RabbitMQ is up on $APPROVALS_TEST_RABBITMQ"
}

# Stops whatever is left of a broker that failed to start under this node name.
rabbit_kill() {
  rabbitmqctl -q stop >/dev/null 2>&1 || true
  pkill -u rabbitmq -f "approvals-test-$rabbit_port@" >/dev/null 2>&1 || true
}

rabbit_stop() {
  [ -n "${APPROVALS_TEST_RABBITMQ:-}" ] || return 0
  rabbit_env
  rabbitmqctl -q shutdown >/dev/null 2>&1 || rabbitmqctl -q stop >/dev/null 2>&1 || true
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }

postgres_start() {
  local bin data=$services_dir/pg/data
  bin=$(pg_bin)
  pg_port=$(unused_port "$pg_port" "$rabbit_port" "$rabbit_dist_port") || return 1
  [ -f "$services_dir/pg/data/postmaster.pid" ] && runuser -u postgres -- "$bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1
  rm -rf "$services_dir/pg"
  install -d -o postgres -g postgres "$services_dir/pg"
  runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null || return 1
  runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$services_dir/pg/log" \
    -o "-k $services_dir/pg -h 127.0.0.1 -p $pg_port -c fsync=on -c max_connections=300" -w start >/dev/null || {
    echo "PostgreSQL did not start; its log:"; tail -n 30 "$services_dir/pg/log"; return 1; }
  runuser -u postgres -- psql -q -h "$services_dir/pg" -p "$pg_port" -U postgres \
    -c "CREATE ROLE approvals LOGIN PASSWORD 'approvals' CREATEDB;" >/dev/null || return 1
  export APPROVALS_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=approvals;Password=approvals;Database=postgres"
  echo "PostgreSQL is up on 127.0.0.1:$pg_port"
}

postgres_stop() {
  [ -d "$services_dir/pg/data" ] || return 0
  runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$services_dir/pg/data" -m fast -w stop >/dev/null 2>&1 || true
}
