#!/usr/bin/env bash
# Runs SvdVsMllib (Alchemist's truncated SVD against MLlib computeSVD in one Spark local[2] application),
# building first if the jars are missing. Arguments go to SvdVsMllib, e.g. --quick, --sizes 20000x1000,
# --repeats 1, --mpi-connection-file F (a server started with bin/alchemist-server --mpi).
#
# Environment:
#   JAVA_HOME         JDK to run and build with (default /usr/lib/jvm/temurin-25-jdk-amd64)
#   BENCH_HEAP        heap size, pre-touched (default 16g: a 200,000 x 1,000 matrix is 1.6 GB, cached by Spark
#                     and held again by the embedded workers; 2g with --quick)
#   BENCH_JVM_OPTS    extra JVM options
#   MAVEN_ARGS        extra Maven options for the build, e.g. -o when offline
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if ! ls "$here"/target/alchemist-benchmarks-*.jar >/dev/null 2>&1 || [[ ! -d "$root/examples/target/spark/jars" ]] \
    || ! ls "$root"/allib/target/alchemist-allib-*.jar >/dev/null 2>&1; then
    echo "building (mvn package, tests skipped) ..." >&2
    (cd "$root" && mvn -B -q ${MAVEN_ARGS:-} -pl benchmarks -am package -DskipTests)
fi
heap=16g
for ((i = 1; i <= $#; i++)); do
    case "${!i}" in
        --quick) heap=2g ;;
    esac
done
heap="${BENCH_HEAP:-$heap}"
# No OPENBLAS_NUM_THREADS: the embedded server runs OpenBLAS at one thread per call while it runs and gives
# each worker cores / workers threads of its own.
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# Spark's jars (as spark-submit would give them) and ours; Spark logs through log4j, so no slf4j-simple.
cp="$(ls "$here"/target/alchemist-benchmarks-*.jar | head -n 1)"
for jar in "$here"/target/lib/*.jar; do
    [[ "$jar" == */slf4j-simple-* ]] || cp="$cp:$jar"
done
cp="$cp:$root/examples/target/spark/jars/*"
opens="$(sed -n 's:.*<alchemist.opens>\(.*\)</alchemist.opens>.*:\1:p' "$root/pom.xml")"
cd "$root"
# -Xms = -Xmx with AlwaysPreTouch: the heap is faulted in once at start-up, not inside timed phases.
exec "$JAVA_HOME/bin/java" -Xms"$heap" -Xmx"$heap" -XX:+AlwaysPreTouch $opens -Dspark.log.level=WARN \
    ${BENCH_JVM_OPTS:-} -cp "$cp" alchemist.benchmarks.SvdVsMllib --library-dir "$root/allib/target" "$@"
