#!/bin/bash
# The worker's entry point: it starts as root only to find who may use the Docker engine's socket, then
# runs the worker as uid 10001 (CUBE_WORKER_UID) with that group, no capabilities and no-new-privileges.
# Holding the socket is still root on the engine's host (docs/security.md): what this takes away is
# root inside this container, not the engine's power.
set -euo pipefail
uid=${CUBE_WORKER_UID:-10001}
if [ "$(id -u)" != 0 ] || [ "$uid" = 0 ]; then
  exec "$@"
fi
groups=10001
socket=${CUBE_DOCKER_HOST:-${DOCKER_HOST:-unix:///var/run/docker.sock}}
socket=${socket#unix://}
if [ -S "$socket" ]; then
  groups="$groups,$(stat -c %g "$socket")"
fi
export HOME=/var/lib/cube
exec setpriv --reuid="$uid" --regid=10001 --groups="$groups" --inh-caps=-all --bounding-set=-all --no-new-privs -- "$@"
