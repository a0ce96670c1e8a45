#!/usr/bin/env bash
# Runs the nine bank services natively (no Docker), each a JVM with the Pyroscope agent attached
# through JAVA_TOOL_OPTIONS.
#
#   stack/native.sh start | stop | status
#
# Environment:
#   PYROSCOPE_URL      Pyroscope server the agents upload to (default http://127.0.0.1:4040)
#   OPTIMIZED          true|false: run the fixed code paths (default false)
#   AGENT              on|off: attach the Pyroscope agent (default on; off = overhead baseline)
#   WALL               on|off: add wall-clock sampling next to CPU (default off; costs CPU)
#   PYROSCOPE_UPLOAD_INTERVAL  agent upload interval (default 10s; agent accepts ms/us/s only)
#   PYROSCOPE_PROFILING_INTERVAL  CPU (and wall) sampling interval (default 2ms)
#   PYROSCOPE_PROFILER_ALLOC   bytes allocated per allocation sample (default 64k)
#   PYROSCOPE_LABELS   extra static labels k=v,... (optimized=<OPTIMIZED> is always added)
#   HEAP               -Xmx per JVM (default 256m)
#   PORT_OFFSET        added to every port, for a second stack beside the first (default 0); its
#                      services call each other on the offset ports, its PID files and logs are in
#                      stack/.run-<offset>
#   HEALTH_TIMEOUT     seconds to wait for every /health (default 180)
# Logs and PID files: stack/.run/<service>.log, stack/.run/<service>.pid
set -euo pipefail

STACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT_OFFSET="${PORT_OFFSET:-0}"
if [[ ! "$PORT_OFFSET" =~ ^[0-9]{1,5}$ ]] || ((10#$PORT_OFFSET > 57000)); then
  echo "native.sh: PORT_OFFSET must be a number from 0 to 57000, got '$PORT_OFFSET'" >&2
  exit 1
fi
PORT_OFFSET=$((10#$PORT_OFFSET))
RUN_DIR="$STACK_DIR/.run"
((PORT_OFFSET == 0)) || RUN_DIR="$STACK_DIR/.run-$PORT_OFFSET"
JAR="$STACK_DIR/target/bank-services.jar"
AGENT_JAR="$STACK_DIR/target/agents/pyroscope.jar"

# name:port:URL variable, the fixed contract with the load plan, the gate and the services' wiring
# (the gateway reaches the others through their *_URL variables).
SERVICE_TABLE=(
  bank-api-gateway:8080:GATEWAY_URL
  bank-order-service:8081:ORDER_URL
  bank-payment-service:8082:PAYMENT_URL
  bank-fraud-detection-service:8083:FRAUD_URL
  bank-account-service:8084:ACCOUNT_URL
  bank-loan-service:8085:LOAN_URL
  bank-notification-service:8086:NOTIFICATION_URL
  bank-stream-processing-service:8087:STREAM_URL
  bank-faas-runtime:8088:FAAS_URL
)
# name:port with PORT_OFFSET applied, and every service's URL for every JVM
SERVICES=()
WIRING=()
for row in "${SERVICE_TABLE[@]}"; do
  IFS=: read -r row_name row_port row_url_var <<<"$row"
  SERVICES+=("$row_name:$((row_port + PORT_OFFSET))")
  WIRING+=("$row_url_var=http://127.0.0.1:$((row_port + PORT_OFFSET))")
done
unset row row_name row_port row_url_var

PYROSCOPE_URL="${PYROSCOPE_URL:-http://127.0.0.1:4040}"
OPTIMIZED="${OPTIMIZED:-false}"
AGENT="${AGENT:-on}"
WALL="${WALL:-off}"
UPLOAD_INTERVAL="${PYROSCOPE_UPLOAD_INTERVAL:-10s}"
# Dense sampling: a service that gets a few requests per second still yields hundreds of samples
# per gate run (docs/accuracy.md: the detection limit goes with 1/sqrt(samples)).
PROFILING_INTERVAL="${PYROSCOPE_PROFILING_INTERVAL:-2ms}"
ALLOC_INTERVAL="${PYROSCOPE_PROFILER_ALLOC:-64k}"
HEAP="${HEAP:-256m}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-180}"
STOP_TIMEOUT=30

die() { echo "native.sh: $*" >&2; exit 1; }

validate() {
  [[ "$OPTIMIZED" == true || "$OPTIMIZED" == false ]] || die "OPTIMIZED must be true or false, got '$OPTIMIZED'"
  [[ "$AGENT" == on || "$AGENT" == off ]] || die "AGENT must be on or off, got '$AGENT'"
  [[ "$WALL" == on || "$WALL" == off ]] || die "WALL must be on or off, got '$WALL'"
  [[ "$HEAP" =~ ^[0-9]+[mMgG]$ ]] || die "HEAP must look like 256m, got '$HEAP'"
  [[ "$HEALTH_TIMEOUT" =~ ^[0-9]+$ ]] || die "HEALTH_TIMEOUT must be a number of seconds"
  [[ "$UPLOAD_INTERVAL" =~ ^[0-9]+(ms|us|s)$ ]] || die "PYROSCOPE_UPLOAD_INTERVAL must be like 10s (ms, us or s)"
  [[ "$PROFILING_INTERVAL" =~ ^[0-9]+(ms|us)$ ]] || die "PYROSCOPE_PROFILING_INTERVAL must be like 2ms (ms or us), got '$PROFILING_INTERVAL'"
  [[ "$ALLOC_INTERVAL" =~ ^[0-9]+[kKmM]?$ ]] || die "PYROSCOPE_PROFILER_ALLOC must be like 64k, got '$ALLOC_INTERVAL'"
  [[ "$PYROSCOPE_URL" =~ ^https?://[^[:space:]]+$ ]] || die "PYROSCOPE_URL must be an http(s) URL, got '$PYROSCOPE_URL'"
  # JAVA_TOOL_OPTIONS is split on whitespace, so the agent path must not contain any.
  [[ "$AGENT_JAR" != *[[:space:]]* ]] || die "the stack directory path must not contain whitespace: $STACK_DIR"
}

pid_file() { echo "$RUN_DIR/$1.pid"; }

# Prints the PID if the tracked process is alive and is one of our service JVMs.
tracked_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(<"$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against PID reuse: the process must be running our jar.
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *bank-services.jar* ]] || return 1
  echo "$pid"
}

# During start only: the PID this script just started is alive, not a zombie (it may not have
# exec'd java yet; seconds old, so it cannot have been reused).
started_alive() {
  local file pid state
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(<"$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # /proc/PID/stat: pid (comm) state ...; comm is nohup, env or java here, without spaces
  read -r _ _ state _ <"/proc/$pid/stat" 2>/dev/null || return 1
  [[ "$state" != Z ]]
}

# A failed start leaves nothing running, including a JVM still in exec.
abort_start() {
  local entry name pid
  local -a starting=()
  for entry in "${SERVICES[@]}"; do
    name="${entry%%:*}"
    if ! tracked_pid "$name" >/dev/null && started_alive "$name"; then
      starting+=("$(<"$(pid_file "$name")")")
    fi
  done
  cmd_stop >&2
  for pid in ${starting[@]+"${starting[@]}"}; do
    kill -KILL "$pid" 2>/dev/null || true
    echo "killed PID $pid, still starting" >&2
  done
  exit 1
}

healthy() {
  curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$1/health" 2>/dev/null
}

port_in_use() {
  # bash's /dev/tcp connect succeeds only if something listens there.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

build_if_missing() {
  if [[ ! -f "$JAR" || ! -f "$AGENT_JAR" ]]; then
    echo "building $JAR and the agent with Maven..."
    mvn -q -f "$STACK_DIR/pom.xml" -DskipTests package
  fi
  [[ -f "$JAR" ]] || die "build did not produce $JAR"
  [[ -f "$AGENT_JAR" ]] || die "build did not produce $AGENT_JAR"
}

start_one() {
  local name="$1" port="$2" log="$RUN_DIR/$1.log"
  local labels="optimized=$OPTIMIZED${PYROSCOPE_LABELS:+,$PYROSCOPE_LABELS}"
  local -a agent_env=(PYROSCOPE_AGENT_ENABLED=false)
  if [[ "$AGENT" == on ]]; then
    agent_env=(
      "JAVA_TOOL_OPTIONS=-javaagent:$AGENT_JAR"
      "PYROSCOPE_AGENT_ENABLED=true"
      "PYROSCOPE_APPLICATION_NAME=$name"
      "PYROSCOPE_SERVER_ADDRESS=$PYROSCOPE_URL"
      "PYROSCOPE_UPLOAD_INTERVAL=$UPLOAD_INTERVAL"
      "PYROSCOPE_FORMAT=jfr"
      "PYROSCOPE_PROFILER_EVENT=itimer"
      "PYROSCOPE_PROFILING_INTERVAL=$PROFILING_INTERVAL"
      "PYROSCOPE_PROFILER_ALLOC=$ALLOC_INTERVAL"
      "PYROSCOPE_PROFILER_LOCK=10ms"
      "PYROSCOPE_LABELS=$labels"
    )
    if [[ "$WALL" == on ]]; then
      # Same interval as PYROSCOPE_PROFILING_INTERVAL: the server scales both by one sample rate.
      agent_env+=("PYROSCOPE_AP_EXTRA_ARGUMENTS=wall=$PROFILING_INTERVAL")
    fi
  fi
  # env(1) execs java, so $! is the JVM's own PID.
  nohup env -u JAVA_TOOL_OPTIONS \
    "SERVICE_NAME=$name" "HTTP_PORT=$port" "OPTIMIZED=$OPTIMIZED" "${WIRING[@]}" "${agent_env[@]}" \
    java "-Xmx$HEAP" -XX:+ExitOnOutOfMemoryError -jar "$JAR" >"$log" 2>&1 </dev/null &
  echo $! >"$(pid_file "$name")"
}

cmd_start() {
  validate
  mkdir -p "$RUN_DIR"
  local entry name port
  for entry in "${SERVICES[@]}"; do
    name="${entry%%:*}"
    port="${entry##*:}"
    if tracked_pid "$name" >/dev/null; then
      die "$name is already running (PID $(tracked_pid "$name")); run '$0 stop' first"
    fi
    if port_in_use "$port"; then
      die "port $port (for $name) is already in use by another process"
    fi
  done
  build_if_missing
  for entry in "${SERVICES[@]}"; do
    start_one "${entry%%:*}" "${entry##*:}"
  done
  echo "started ${#SERVICES[@]} services (OPTIMIZED=$OPTIMIZED, AGENT=$AGENT, WALL=$WALL, PYROSCOPE_URL=$PYROSCOPE_URL); waiting for /health..."

  local deadline=$((SECONDS + HEALTH_TIMEOUT)) pending
  while true; do
    pending=()
    for entry in "${SERVICES[@]}"; do
      name="${entry%%:*}"
      port="${entry##*:}"
      if ! tracked_pid "$name" >/dev/null; then
        # still alive: nohup and env exec into java, and /proc/PID/cmdline reads empty mid-exec
        if started_alive "$name"; then
          pending+=("$name")
          continue
        fi
        echo "native.sh: $name exited during startup; last log lines:" >&2
        tail -n 20 "$RUN_DIR/$name.log" >&2 || true
        abort_start
      fi
      healthy "$port" || pending+=("$name")
    done
    ((${#pending[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      echo "native.sh: timed out after ${HEALTH_TIMEOUT}s waiting for: ${pending[*]}" >&2
      abort_start
    fi
    sleep 1
  done
  echo "all ${#SERVICES[@]} services healthy"
}

cmd_stop() {
  local entry name pid
  local -a pids=()
  for entry in "${SERVICES[@]}"; do
    name="${entry%%:*}"
    if pid="$(tracked_pid "$name")"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  local deadline=$((SECONDS + STOP_TIMEOUT)) alive
  while true; do
    alive=()
    for pid in ${pids[@]+"${pids[@]}"}; do
      kill -0 "$pid" 2>/dev/null && alive+=("$pid")
    done
    ((${#alive[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      echo "native.sh: forcing stop of PIDs ${alive[*]}" >&2
      kill -KILL "${alive[@]}" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.5
  done
  for entry in "${SERVICES[@]}"; do
    rm -f "$(pid_file "${entry%%:*}")"
  done
  echo "stopped ${#pids[@]} service process(es)"
}

cmd_status() {
  local entry name port pid state all_healthy=0
  printf '%-32s %-6s %-8s %s\n' SERVICE PORT PID STATE
  for entry in "${SERVICES[@]}"; do
    name="${entry%%:*}"
    port="${entry##*:}"
    if pid="$(tracked_pid "$name")"; then
      if healthy "$port"; then state=healthy; else state=starting; all_healthy=3; fi
    else
      pid=-
      state=stopped
      all_healthy=3
    fi
    printf '%-32s %-6s %-8s %s\n' "$name" "$port" "$pid" "$state"
  done
  return "$all_healthy"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
