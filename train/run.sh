#!/usr/bin/env bash
# Runs apprentice.train.TrainMain from a packaged build (./mvnw -q -B -o -pl train -am package -DskipTests).
# DJL stays offline and untracked; libtorch unpacks once under ~/.cache/apprentice/djl.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export OPT_OUT_TRACKING=true
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$HOME/.cache/apprentice/djl}"
exec java ${JAVA_OPTS:--Xmx6g} -Dai.djl.offline=true -cp "$here/target/classes:$here/target/lib/*" apprentice.train.TrainMain "$@"
