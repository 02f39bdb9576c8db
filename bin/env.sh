# Sourced by the bin/ scripts: finds JDK 25 and Maven, installs what is missing when it can, and knows
# how to build the project. Everything it needs on a fresh Debian machine is listed here.

ALCHEMIST_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Debian packages the tests and the demo need (apt-get installs them when run as root); the Python client
# and its tests run on Debian's python3 with these numpy, h5py and pytest.
ALCHEMIST_DEBS=(maven libopenblas0-pthread openmpi-bin libopenmpi-dev python3-numpy python3-h5py python3-pytest)

die() { echo "alchemist: $*" >&2; exit 1; }

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p'; }

find_jdk25() {
  local c
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk /usr/lib/jvm/java-25-openjdk-amd64; do
    if [ -n "$c" ] && [ -x "$c/bin/java" ] && [ "$(java_major "$c")" -ge 25 ] 2>/dev/null; then
      echo "$c"; return 0
    fi
  done
  return 1
}

install_debs() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "alchemist: installing Debian packages: ${missing[*]}" >&2
    (apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${missing[@]}" >/dev/null; }) \
      || die "apt-get could not install ${missing[*]}"
  else
    die "missing Debian packages: ${missing[*]}. Fix: sudo apt-get install -y ${missing[*]}"
  fi
}

setup_env() {
  install_debs "${ALCHEMIST_DEBS[@]}"
  JAVA_HOME="$(find_jdk25)" || die "JDK 25 not found. Fix: install Temurin 25 (it is expected at /usr/lib/jvm/temurin-25-jdk-amd64) or set JAVA_HOME to a JDK 25."
  export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
  command -v mvn >/dev/null || die "Maven not found. Fix: sudo apt-get install -y maven"
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
}

# A module's own jar (not the examples' application jar for spark-submit nor a test jar), or nothing before
# a build.
module_jar() {
  ls "$ALCHEMIST_HOME/$1"/target/alchemist-"$1"-*.jar 2>/dev/null | grep -vE -- '-(spark|tests)\.jar$' | head -n 1
}

# The application jar for spark-submit and spark-shell: our modules and jhdf (Spark brings the rest).
spark_app_jar() {
  ls "$ALCHEMIST_HOME"/examples/target/alchemist-examples-*-spark.jar 2>/dev/null | head -n 1
}

# Spark's jars, as a Spark distribution's jars/ folder holds them (the build copies them there).
SPARK_JARS="$ALCHEMIST_HOME/examples/target/spark/jars"

# Builds the jars (without tests) when one is missing or a source or pom changed since the last build here
# (Maven leaves an unchanged jar's time alone, so the build's own stamp file says when it last ran).
build_if_needed() {
  local stale=0 m stamp="$ALCHEMIST_HOME/target/build-stamp"
  [ -f "$stamp" ] || stale=1
  for m in protocol server allib connector mpi examples benchmarks; do
    if [ -z "$(module_jar "$m")" ] || { [ -f "$stamp" ] && [ -n "$(find "$ALCHEMIST_HOME/$m/src/main" "$ALCHEMIST_HOME/$m/pom.xml" "$ALCHEMIST_HOME/pom.xml" -newer "$stamp" -type f 2>/dev/null | head -n 1)" ]; }; then
      stale=1
    fi
  done
  if [ -z "$(spark_app_jar)" ] || [ ! -d "$SPARK_JARS" ]; then
    stale=1
  fi
  if [ "$stale" -eq 1 ]; then
    echo "alchemist: building (mvn package -DskipTests) ..." >&2
    mkdir -p "$ALCHEMIST_HOME/target" && touch "$stamp.new"
    (cd "$ALCHEMIST_HOME" && mvn -B -q package -DskipTests >&2) || die "the build failed"
    mv "$stamp.new" "$stamp"
  fi
}

# The classpath of a module: its jar and its runtime dependencies (copied to target/lib at package time).
module_classpath() {
  echo "$(module_jar "$1"):$ALCHEMIST_HOME/$1/target/lib/*"
}

# JVM options every Alchemist JVM gets: the opens that Spark's launcher passes (Netty needs some of them too),
# read from the root pom, where the tests get them, so that there is one list.
read -r -a ALCHEMIST_JVM_OPTS <<< "$(sed -n 's:.*<alchemist.opens>\(.*\)</alchemist.opens>.*:\1:p' "$ALCHEMIST_HOME/pom.xml")"
