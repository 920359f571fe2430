#!/usr/bin/env bash
# Cube's benchmark, in one command: builds the bench module (and what it needs), then runs every
# scenario and prints the table; the JSON report lands in bench/target/bench-report.json, and with
# --docs in docs/benchmarks/<date>.json too (<date>-<scenarios>.json for a run of some scenarios).
#
#   bench/run.sh                      full sizes (1M events, 100k tasks on 1k hollow workers, 200 containers, 20k reads)
#   bench/run.sh --small              a smoke run in about a minute
#   bench/run.sh --scenarios placement --tasks 1000000 --hollow-workers 10000     the stretch
#   bench/run.sh --scenarios replay   cube replay's core over a log of 1M events (--events N), beside a raw consumer
#   bench/run.sh --help               every option
#
# Needs a JDK 21+ and Maven; the containers scenario needs a Docker engine and the local image
# cube/busybox:local (infra/scripts/docker-engine.sh and infra/images/build-local-images.sh).
# Environment: BENCH_HEAP (default 4g), BENCH_SKIP_BUILD=1 to run the last build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly JAR="$ROOT/bench/target/cube-bench.jar"

fail() {
    echo "bench: $*" >&2
    exit 1
}

java_major() {
    local release="$1/release" version
    [[ -x "$1/bin/java" ]] || return 1
    if [[ -f "$release" ]]; then
        version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)"/\1/p' "$release")
    else
        version=$("$1/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
    fi
    [[ -n "$version" ]] || return 1
    echo "${version%%[.+-]*}"
}

select_java_home() {
    local candidate major
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/*21*; do
        if [[ -n "$candidate" ]] && major=$(java_major "$candidate") && ((major >= 21)) && [[ -x "$candidate/bin/javac" ]]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

JAVA_HOME=$(select_java_home) || fail "no JDK 21 or newer found: set JAVA_HOME"
export JAVA_HOME

for arg in "$@"; do
    if [[ "$arg" == "-h" || "$arg" == "--help" ]]; then
        BENCH_SKIP_BUILD=${BENCH_SKIP_BUILD:-$([[ -f "$JAR" ]] && echo 1 || echo 0)}
    fi
done

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    echo "bench: building (mvn -B -q -DskipTests -pl bench -am install)..." >&2
    (cd "$ROOT" && mvn -B -q -DskipTests -pl bench -am install) || fail "the build failed"
fi
[[ -f "$JAR" ]] || fail "no $JAR: the build did not produce it"

cd "$ROOT"
# BENCH_JAVA_OPTS: more JVM options, e.g. a flight recording:
#   BENCH_JAVA_OPTS='-XX:StartFlightRecording=filename=bench/target/bench.jfr,settings=profile' bench/run.sh ...
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" -Xmx"${BENCH_HEAP:-4g}" ${BENCH_JAVA_OPTS:-} \
    --enable-native-access=ALL-UNNAMED -XX:+EnableDynamicAgentLoading \
    -Dlogback.configurationFile=bench-logback.xml -Dcube.root="$ROOT" \
    -jar "$JAR" "$@"
