#!/usr/bin/env bash
# Builds the images docker-compose.yml runs, from what is on this machine (no registry needed):
#
#   cube/debian:local   a Debian minbase root file system (debootstrap from the mirror this machine's apt uses for
#                       the suite, or CUBE_DEBIAN_MIRROR), docker-imported
#   cube/jre:local      cube/debian:local + a jlink runtime of the local JDK (JDK_HOME, default: a JDK 21+ in /usr/lib/jvm)
#   cube/kafka:local    cube/jre:local + the Kafka broker jars from Maven Central (infra/images/kafka/pom.xml),
#                       configured like apache/kafka by KAFKA_* environment variables
#   cube/manager:local  infra/images/manager/Dockerfile on cube/jre:local, with cli/target/cube.jar and cli/target/lib/
#   cube/worker:local   infra/images/worker/Dockerfile on cube/jre:local, likewise
#
#   infra/images/build-compose-images.sh          all five (the Cube jars must be built: mvn -pl cli -am package)
#   infra/images/build-compose-images.sh --base   only the Debian, JRE and Kafka images (no Cube jars needed)
#
# Each image carries the label dev.cube.inputs-sha256, a hash of everything it is built from
# (recipe, Dockerfile, jars, JDK release, base image id); an image whose inputs did not change is
# not rebuilt, so running this every time costs a few seconds.
# Then: KAFKA_IMAGE=cube/kafka:local JRE_IMAGE=cube/jre:local CUBE_MANAGER_IMAGE=cube/manager:local \
#       CUBE_WORKER_IMAGE=cube/worker:local docker-compose up      (see docs/ci.md)
set -euo pipefail

IMAGES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$IMAGES_DIR/../.." && pwd)"
readonly IMAGES_DIR ROOT
readonly HASH_LABEL="dev.cube.inputs-sha256"
readonly DEBIAN_SUITE="${CUBE_DEBIAN_SUITE:-bookworm}"
readonly JRE_MODULES="java.se,jdk.unsupported,jdk.management,jdk.management.agent,jdk.management.jfr,jdk.jfr,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.zipfs,jdk.naming.dns,jdk.net,jdk.jcmd,jdk.localedata,jdk.charsets,jdk.security.auth,jdk.security.jgss,jdk.httpserver"
readonly DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

export DOCKER_BUILDKIT=0   # the engine is 20.10 and the CLI may lack buildx: the classic builder

log() {
    echo "build-compose-images: $*"
}

fail() {
    echo "build-compose-images: $*" >&2
    exit 1
}

current_hash() {
    docker image inspect --format "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$1" 2>/dev/null || true
}

image_id() {
    docker image inspect --format '{{.Id}}' "$1"
}

up_to_date() {
    local tag="$1" hash="$2"
    if [[ "$(current_hash "$tag")" == "$hash" ]]; then
        log "$tag is up to date (inputs ${hash:0:12})"
        return 0
    fi
    return 1
}

sha() {
    sha256sum | cut -d' ' -f1
}

# docker build, quiet unless it fails
build() {
    local tag="$1" hash="$2"
    shift 2
    local output
    if ! output=$(docker build --quiet --label "$HASH_LABEL=$hash" --tag "$tag" "$@" 2>&1); then
        echo "$output" >&2
        fail "building $tag failed"
    fi
    log "built $tag (inputs ${hash:0:12})"
}

select_jdk() {
    local candidate
    for candidate in "${JDK_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/*21*; do
        if [[ -n "$candidate" && -x "$candidate/bin/jlink" ]] \
            && "$candidate/bin/java" -XshowSettings:properties -version 2>&1 | grep -Eq 'java.specification.version = (2[1-9]|[3-9][0-9])'; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# The mirror this machine's apt takes $1 (a suite) from: the first "deb" source that serves it, in
# /etc/apt/sources.list, then /etc/apt/sources.list.d/*.list (one-line format), then *.sources (deb822).
apt_mirror() {
    local suite="$1" file found=""
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -r "$file" && -z "$found" ]] || continue
        found=$(awk -v suite="$suite" '
            $1 == "deb" {
                i = 2
                if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
                if ($(i + 1) == suite) { print $i; exit }
            }' "$file")
    done
    for file in /etc/apt/sources.list.d/*.sources; do
        [[ -r "$file" && -z "$found" ]] || continue
        found=$(awk -v suite="$suite" '
            function flush() {
                if (!done && types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris != "") {
                    split(uris, u, " "); print u[1]; done = 1
                }
                types = ""; suites = ""; uris = ""
            }
            { gsub(/[ \t]+/, " ") }
            /^ ?#/ { next }
            /^ ?$/ { flush(); next }
            /^Types:/ { sub(/^Types: ?/, ""); types = $0; next }
            /^URIs:/ { sub(/^URIs: ?/, ""); uris = $0; next }
            /^Suites:/ { sub(/^Suites: ?/, ""); suites = $0; next }
            END { flush() }' "$file")
    done
    echo "$found"
}

debian_image() {
    local tag=cube/debian:local
    # The recipe is all there is to hash: a new recipe (suite, variant, trimming) means a new image.
    local recipe="debootstrap --variant=minbase $DEBIAN_SUITE; trim v1"
    local hash
    hash=$(echo "$recipe" | sha)
    up_to_date "$tag" "$hash" && return 0

    if ! command -v debootstrap >/dev/null; then
        [[ $EUID -eq 0 ]] || fail "debootstrap is missing and we are not root: apt-get install -y debootstrap"
        log "installing debootstrap with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null
        apt-get install -y -q debootstrap >/dev/null
    fi
    [[ $EUID -eq 0 ]] || fail "debootstrap needs root"

    local mirror="${CUBE_DEBIAN_MIRROR:-}"
    [[ -n "$mirror" ]] || mirror=$(apt_mirror "$DEBIAN_SUITE")
    [[ -n "$mirror" ]] || fail "none of this machine's apt sources serves $DEBIAN_SUITE: set CUBE_DEBIAN_MIRROR to a Debian mirror's URL"

    local work="$WORK/debian"
    mkdir -p "$work"
    log "debootstrap $DEBIAN_SUITE (minbase) from $mirror"
    if ! debootstrap --variant=minbase "$DEBIAN_SUITE" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
        tail -n 30 "$work/debootstrap.log" >&2
        fail "debootstrap failed"
    fi
    rm -rf "$work/rootfs"/var/cache/apt/archives/*.deb "$work/rootfs"/var/lib/apt/lists/* \
        "$work/rootfs"/usr/share/doc/* "$work/rootfs"/usr/share/man/* "$work/rootfs"/usr/share/info/*
    tar -C "$work/rootfs" --numeric-owner -c . \
        | docker import --change "LABEL $HASH_LABEL=$hash" --change 'CMD ["/bin/bash"]' - "$tag" >/dev/null
    rm -rf "$work"
    log "imported $tag (inputs ${hash:0:12})"
}

jre_image() {
    local tag=cube/jre:local jdk hash
    jdk=$(select_jdk) || fail "no JDK 21 or newer with jlink found: set JDK_HOME"
    hash=$({ cat "$IMAGES_DIR/jre/Dockerfile" "$jdk/release"; echo "$JRE_MODULES"; image_id cube/debian:local; } | sha)
    up_to_date "$tag" "$hash" && return 0

    local context="$WORK/jre"
    mkdir -p "$context"
    log "jlink $jdk -> $tag"
    "$jdk/bin/jlink" --add-modules "$JRE_MODULES" --strip-debug --no-man-pages --no-header-files \
        --compress=zip-6 --output "$context/jre"
    cp "$IMAGES_DIR/jre/Dockerfile" "$context/Dockerfile"
    build "$tag" "$hash" "$context"
}

kafka_libs() {
    local out="$1" pom="$IMAGES_DIR/kafka/pom.xml"
    command -v mvn >/dev/null || fail "mvn is needed to collect the Kafka jars"
    local args=(-B -q -f "$pom" "$DEPENDENCY_PLUGIN:copy-dependencies" -DincludeScope=runtime "-DoutputDirectory=$out")
    # Offline first (the jars are usually in ~/.m2 already), then from Maven Central.
    mvn -o "${args[@]}" >/dev/null 2>&1 || mvn "${args[@]}" >/dev/null || fail "cannot collect the Kafka jars with $pom"
}

kafka_image() {
    local tag=cube/kafka:local context="$WORK/kafka" hash
    mkdir -p "$context"
    kafka_libs "$context/libs"
    hash=$({ cat "$IMAGES_DIR/kafka/Dockerfile" "$IMAGES_DIR/kafka/run" "$IMAGES_DIR/kafka/logback.xml";
             (cd "$context/libs" && sha256sum -- *.jar); image_id cube/jre:local; } | sha)
    up_to_date "$tag" "$hash" && return 0
    cp "$IMAGES_DIR/kafka/Dockerfile" "$IMAGES_DIR/kafka/run" "$IMAGES_DIR/kafka/logback.xml" "$context/"
    build "$tag" "$hash" --build-arg JRE_IMAGE=cube/jre:local "$context"
}

# cube_image <tag> <dir>: built from the repository root (see .dockerignore) like compose does
cube_image() {
    local tag="$1" dockerfile="$IMAGES_DIR/$2/Dockerfile" hash
    [[ -f "$ROOT/cli/target/cube.jar" && -d "$ROOT/cli/target/lib" ]] \
        || fail "no cli/target/cube.jar: build Cube first (mvn -pl cli -am package -DskipTests)"
    hash=$({ cat "$IMAGES_DIR/$2"/* "$ROOT/.dockerignore"; (cd "$ROOT/cli/target" && sha256sum cube.jar lib/*); image_id cube/jre:local; } | sha)
    up_to_date "$tag" "$hash" && return 0
    build "$tag" "$hash" --build-arg JRE_IMAGE=cube/jre:local -f "$dockerfile" "$ROOT"
}

main() {
    local base_only=0
    case "${1:-}" in
        --base) base_only=1 ;;
        "") ;;
        *) fail "usage: $0 [--base]" ;;
    esac
    docker version >/dev/null 2>&1 || fail "no Docker engine answers: run infra/scripts/docker-engine.sh or set DOCKER_HOST"
    local start=$SECONDS
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
    debian_image
    jre_image
    kafka_image
    if ((base_only == 0)); then
        cube_image cube/manager:local manager
        cube_image cube/worker:local worker
    fi
    log "done in $((SECONDS - start)) s"
}

main "$@"
