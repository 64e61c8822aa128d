# Sourced by .ci/run: make sure each local service the tests use is up, starting it if not.
# The commands are the machine's own (see the env notes); each waits until the service answers.

# Up to 180 s: RabbitMQ alone can take a minute to boot on a loaded CI machine; the deadline only
# tells a service that will not come up from a slow one.
wait_for() {
  local what=$1 tries=180
  shift
  until "$@" >/dev/null 2>&1; do
    tries=$((tries - 1))
    if [ "$tries" -le 0 ]; then
      echo "ci: $what did not come up" >&2
      return 1
    fi
    sleep 1
  done
  echo "ci: $what is up"
}

port_open() {
  python3 - "$1" "$2" <<'PY'
import socket, sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()
PY
}

ensure_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "ci: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
  wait_for PostgreSQL pg_isready -q -h 127.0.0.1 -p 5432
}

ensure_rabbitmq() {
  if ! port_open 127.0.0.1 5672; then
    echo "ci: starting RabbitMQ"
    rabbitmq-server -detached || true
  fi
  wait_for RabbitMQ port_open 127.0.0.1 5672
}

ensure_redis() {
  if ! port_open 127.0.0.1 6379; then
    echo "ci: starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  fi
  wait_for Redis port_open 127.0.0.1 6379
}

ensure_postgres_database() {
  local name=$1
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1 \
    || createdb -h 127.0.0.1 -U postgres "$name"
}
