#!/usr/bin/env bash
# Runs ScaleBench (allib truncated_svd over a grid of shapes, k, spectra, worker counts and backends, against the
# single-process LAPACK reference, randomized_svd and MLlib computeSVD), building first when anything changed
# (bin/env.sh's build_if_needed, which bin/alchemist-server uses too, so the MPI cells start without building).
# Arguments go to ScaleBench, e.g. --quick, --shapes 200000x1000 --ks 200 --spectra decaying --workers 2
# --backends embedded --no-mllib; see benchmarks/README.md.
#
# Environment:
#   JAVA_HOME             JDK 25 to build and run with (bin/env.sh finds it)
#   BENCH_HEAP            this JVM's heap, pre-touched (default 16g; 2g with --quick): the LAPACK reference holds the
#                         matrix here, the embedded workers hold it again (after the reference's copy is dropped), and
#                         Spark caches it for MLlib. The MPI ranks' heaps are their own (ScaleBench sizes them per
#                         matrix) and must fit beside this one: for MPI cells alone a smaller BENCH_HEAP leaves room.
#   OPENBLAS_NUM_THREADS  OpenBLAS's threads at start-up (default: every core). ScaleBench then sets them per phase
#                         (openblas_set_num_threads): every core for the reference, cores / W for W embedded workers,
#                         1 while MLlib runs; MPI ranks get cores / W each through bin/alchemist-server.
#   BENCH_JVM_OPTS        extra JVM options
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$root/bin/env.sh"
setup_env
build_if_needed
heap=16g
for arg in "$@"; do
    [[ "$arg" == --quick ]] && heap=2g
done
heap="${BENCH_HEAP:-$heap}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-$(nproc)}"
echo "run-scale-bench.sh: heap $heap (pre-touched), OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS at start-up, $(nproc) cores" >&2
# Spark's jars (as spark-submit would give them) and ours; Spark logs through log4j, so no slf4j-simple.
cp="$(ls "$here"/target/alchemist-benchmarks-*.jar | grep -v -- -tests.jar | head -n 1)"
for jar in "$here"/target/lib/*.jar; do
    [[ "$jar" == */slf4j-simple-* ]] || cp="$cp:$jar"
done
cp="$cp:$SPARK_JARS/*"
cd "$root"
# -Xms = -Xmx with AlwaysPreTouch: the heap is faulted in once at start-up, not inside timed phases.
# ALCHEMIST_JVM_OPTS: the opens Spark needs and --enable-native-access (openblas_set_num_threads), from the root pom.
exec "$JAVA_HOME/bin/java" -Xms"$heap" -Xmx"$heap" -XX:+AlwaysPreTouch "${ALCHEMIST_JVM_OPTS[@]}" \
    -Dspark.log.level=WARN ${BENCH_JVM_OPTS:-} -cp "$cp" \
    alchemist.benchmarks.ScaleBench --library-dir "$root/allib/target" --server-script "$root/bin/alchemist-server" "$@"
