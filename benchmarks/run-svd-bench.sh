#!/usr/bin/env bash
# Runs SvdBench (allib truncated_svd on an embedded server against single-process LAPACK and the DSYRK bound),
# building first if the jars are missing. Arguments go to SvdBench, e.g. --quick, --rows N, --workers N.
# The embedded server sets OpenBLAS to one thread per call while it runs (each worker gets cores / workers
# threads of its own); the single-process reference runs after it, with OpenBLAS's default (all cores, or
# OPENBLAS_NUM_THREADS if set).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if ! ls "$here"/target/alchemist-benchmarks-*.jar >/dev/null 2>&1 || ! ls "$root"/allib/target/alchemist-allib-*.jar >/dev/null 2>&1; then
    (cd "$root" && mvn -B -q ${MAVEN_ARGS:-} package -DskipTests)
fi
heap="${BENCH_HEAP:-12g}"
exec "$JAVA_HOME/bin/java" -Xms"$heap" -Xmx"$heap" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    --enable-native-access=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
    -cp "$(ls "$here"/target/alchemist-benchmarks-*.jar | head -n 1):$here/target/lib/*" \
    alchemist.benchmarks.SvdBench --library-dir "$root/allib/target" "$@"
