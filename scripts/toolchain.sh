#!/bin/sh
# Runs a command with the project's toolchain on PATH: sh scripts/toolchain.sh <command> [args...]
set -eu
YP_ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$YP_ROOT/scripts/setup.sh"
exec "$@"
