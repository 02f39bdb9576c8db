#!/usr/bin/env bash
# Runs the transfer benchmark (alchemist.benchmarks.TransferBench) with the JVM flags it needs, building the
# project first if the jars are missing. Arguments go to TransferBench, e.g. --quick, --rows N, --repeats N.
#
# Environment:
#   JAVA_HOME         JDK to run and build with (default /usr/lib/jvm/temurin-25-jdk-amd64)
#   BENCH_HEAP        heap size, also pre-touched (default 8g, the 2 GB matrix lives on the embedded workers;
#                     1g with --quick)
#   BENCH_JVM_OPTS    extra JVM options, e.g. "-XX:StartFlightRecording=duration=60s,filename=/tmp/x.jfr"
#   MAVEN_ARGS        extra Maven options for the build, e.g. -o when offline
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
jar="$(ls "$here"/target/alchemist-benchmarks-*.jar 2>/dev/null | head -n 1 || true)"
if [[ -z "$jar" || ! -d "$here/target/lib" ]]; then
    echo "building the benchmarks (mvn package, tests skipped) ..." >&2
    (cd "$root" && mvn -B -q ${MAVEN_ARGS:-} -pl benchmarks -am package -DskipTests)
    jar="$(ls "$here"/target/alchemist-benchmarks-*.jar | head -n 1)"
fi

heap=8g
for arg in "$@"; do
    [[ "$arg" == --quick ]] && heap=1g
done
heap="${BENCH_HEAP:-$heap}"
# -Xms = -Xmx with AlwaysPreTouch: the heap is faulted in once at start-up, so the workers' first 2 GB of
# matrix storage does not pay first-touch page faults inside the timed send (costly on some VMs).
exec "$JAVA_HOME/bin/java" -Xms"$heap" -Xmx"$heap" -XX:+AlwaysPreTouch \
    -Dio.netty.tryReflectionSetAccessible=true \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
    ${BENCH_JVM_OPTS:-} \
    -cp "$jar:$here/target/lib/*" alchemist.benchmarks.TransferBench "$@"
