#!/usr/bin/env bash
# Builds the local images Cube's tests and examples run (no registry is reachable here).
#
#   cube/busybox:local  from infra/images/busybox/Dockerfile plus a static /bin/busybox
#
# An image is rebuilt only when it is missing or its Dockerfile changed: each image carries
# the label dev.cube.dockerfile-sha256 with the hash of the Dockerfile it was built from.
set -euo pipefail

IMAGES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly IMAGES_DIR
readonly HASH_LABEL="dev.cube.dockerfile-sha256"
readonly BUSYBOX="/bin/busybox"

# The engine is 20.10 and the CLI may lack buildx: use the classic builder explicitly.
export DOCKER_BUILDKIT=0

fail() {
    echo "build-local-images: $*" >&2
    exit 1
}

is_static_busybox() {
    [[ -x "$BUSYBOX" ]] && ! ldd "$BUSYBOX" >/dev/null 2>&1
}

ensure_static_busybox() {
    is_static_busybox && return 0
    [[ $EUID -eq 0 ]] || fail "no static $BUSYBOX and we are not root: apt-get install -y busybox-static"
    echo "build-local-images: installing busybox-static with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q busybox-static >/dev/null
    is_static_busybox || fail "$BUSYBOX is still not a static binary after installing busybox-static"
}

current_hash() {
    docker image inspect --format "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$1" 2>/dev/null || true
}

# build_image <tag> <dir> <file to copy into the context>...
build_image() {
    local tag="$1" dir="$2"
    shift 2
    local dockerfile="$dir/Dockerfile" hash context
    hash=$(sha256sum "$dockerfile" | cut -d' ' -f1)

    if [[ "$(current_hash "$tag")" == "$hash" ]]; then
        echo "build-local-images: $tag is up to date (Dockerfile ${hash:0:12})"
        return 0
    fi

    context=$(mktemp -d)
    # shellcheck disable=SC2064 # expand now: the trap must remove this very directory
    trap "rm -rf '$context'" RETURN
    cp "$dockerfile" "$context/Dockerfile"
    local file
    for file in "$@"; do
        cp "$file" "$context/"
    done

    echo "build-local-images: building $tag from $dockerfile"
    local log
    if ! log=$(docker build --quiet --label "$HASH_LABEL=$hash" --tag "$tag" "$context" 2>&1); then
        echo "$log" >&2
        fail "building $tag failed"
    fi
    echo "build-local-images: built $tag (Dockerfile ${hash:0:12})"
}

main() {
    docker version >/dev/null 2>&1 || fail "no Docker engine answers: run infra/scripts/docker-engine.sh or set DOCKER_HOST"
    ensure_static_busybox
    build_image cube/busybox:local "$IMAGES_DIR/busybox" "$BUSYBOX"
}

main "$@"
