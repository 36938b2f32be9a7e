#!/usr/bin/env bash
# Runs apprentice.train.TrainMain from a packaged build (./mvnw -q -B -o -pl train -am package -DskipTests).
# DJL stays offline and untracked; libtorch unpacks once under ~/.cache/apprentice/djl.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export OPT_OUT_TRACKING=true
# one OpenMP thread unless set: with two, libtorch 2.7.1's CPU backward returned NaN gradients far more often here
# (docs/training.md), and on a shared 2-core machine one thread per job is also faster
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$HOME/.cache/apprentice/djl}"
exec java ${JAVA_OPTS:--Xmx6g} -Dai.djl.offline=true -cp "$here/target/classes:$here/target/lib/*" apprentice.train.TrainMain "$@"
