#!/usr/bin/env bash
# Makes sure a Docker engine answers, reusing one if it can.
#
#   1. If DOCKER_HOST is set, that engine must answer: it is used, or the script fails.
#   2. Otherwise an engine answering on the default socket is reused.
#   3. Otherwise (as root) docker.io is installed if dockerd is missing, and one dockerd is
#      started on the default socket with Cube's own data root, then awaited for up to 60 s.
#
# Only one dockerd can run on a machine, so a second one is never started: a dockerd that
# is already running (but not answering yet) is waited for instead. Safe to run repeatedly
# and concurrently (a lock serialises the start).
set -euo pipefail

readonly SOCKET="/var/run/docker.sock"
readonly DATA_ROOT="/var/lib/cube-docker"
readonly PID_FILE="/var/run/cube-dockerd.pid"
readonly LOG_FILE="/var/log/cube-dockerd.log"
readonly LOCK_FILE="/var/run/cube-dockerd.lock"
readonly WAIT_SECONDS=60

fail() {
    echo "docker-engine: $*" >&2
    exit 1
}

# Prints the engine's version if the engine at $1 (a DOCKER_HOST value) answers.
engine_version() {
    command -v docker >/dev/null 2>&1 || return 1
    DOCKER_HOST="$1" timeout 10 docker version --format '{{.Server.Version}}' 2>/dev/null
}

wait_for_engine() {
    local host="$1" deadline=$((SECONDS + WAIT_SECONDS)) version
    while ((SECONDS < deadline)); do
        if version=$(engine_version "$host"); then
            echo "$version"
            return 0
        fi
        sleep 1
    done
    return 1
}

running_dockerd_pid() {
    pgrep -x dockerd | head -n 1 || true
}

install_docker() {
    [[ $EUID -eq 0 ]] || fail "dockerd is not installed and we are not root: install docker.io or set DOCKER_HOST to a running engine"
    echo "docker-engine: installing docker.io with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q docker.io >/dev/null
}

start_dockerd() {
    mkdir -p "$DATA_ROOT" "$(dirname "$LOG_FILE")"
    echo "docker-engine: starting dockerd (data root $DATA_ROOT, log $LOG_FILE)"
    setsid dockerd --data-root "$DATA_ROOT" -H "unix://$SOCKET" --pidfile "$PID_FILE" \
        </dev/null >>"$LOG_FILE" 2>&1 9>&- &
}

main() {
    local version

    if [[ -n "${DOCKER_HOST:-}" ]]; then
        version=$(engine_version "$DOCKER_HOST") \
            || fail "no Docker engine answers at DOCKER_HOST=$DOCKER_HOST (unset it to use or start the default engine)"
        echo "docker-engine: reusing Docker $version at $DOCKER_HOST"
        return 0
    fi

    if version=$(engine_version "unix://$SOCKET"); then
        echo "docker-engine: reusing Docker $version at unix://$SOCKET"
        return 0
    fi

    [[ $EUID -eq 0 ]] || fail "no Docker engine answers at unix://$SOCKET and only root can start one: run this script as root or set DOCKER_HOST"
    command -v dockerd >/dev/null 2>&1 || install_docker
    command -v docker >/dev/null 2>&1 || fail "the docker CLI is missing: apt-get install -y docker.io"

    # One starter at a time; whoever comes second finds the engine starting or running.
    exec 9>"$LOCK_FILE"
    flock -w $((WAIT_SECONDS * 2)) 9 || fail "another docker-engine.sh holds $LOCK_FILE for too long"

    local pid
    pid=$(running_dockerd_pid)
    if [[ -n "$pid" ]]; then
        echo "docker-engine: dockerd is already running (pid $pid); waiting for it to answer"
    else
        start_dockerd
    fi

    version=$(wait_for_engine "unix://$SOCKET") || {
        pid=$(running_dockerd_pid)
        if [[ -n "$pid" ]]; then
            fail "dockerd (pid $pid: $(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null)) does not answer at unix://$SOCKET after ${WAIT_SECONDS}s; if it listens elsewhere, set DOCKER_HOST to its socket (see $LOG_FILE)"
        fi
        fail "dockerd did not start within ${WAIT_SECONDS}s; see $LOG_FILE"
    }
    echo "docker-engine: Docker $version answers at unix://$SOCKET"
}

main "$@"
