#!/usr/bin/env bash
# Replays a trace of the journal's storage operations against the real LittleFS, configured as nanoFramework's
# ESP32 images configure the I: drive, and counts block erases (per day, per block, lifetime). A measurement, not a
# test: it needs a littlefs source tree, which is not part of this repository and is not fetched by this script.
#
# Usage: bench/flashwear/littlefs-replay.sh LITTLEFS_DIR TRACE [replay options]
#   LITTLEFS_DIR  a littlefs checkout at tag v2.11.2, the version inside esp_littlefs v1.20.3/v1.20.4, the newest
#                 esp_littlefs when nf-interpreter moved to ESP-IDF 5.5.3 (see docs/firmware.md, "Flash wear"):
#                   git clone --branch v2.11.2 --depth 1 https://github.com/littlefs-project/littlefs /tmp/littlefs
#   TRACE         from the flash-wear bench, for example
#                   dotnet bench/year/bin/Release/net10.0/year-bench.dll flash-wear --trace /tmp/ev.trace --load ev --days 60
#                 (bash bench/flashwear/run.sh builds it; --load idle|ev|heatpump|battery|7kw|100kw, --ic ade7953|atm90e32)
#   options       --blocks N (default 512: the 2 MiB I: drive of an 8 MB ESP32, which the journal needs; 64 for the
#                 256 KiB of a 4 MB ESP32, too small for the journal's full retention; 128 for 512 KiB),
#                 --block-cycles N (512), --steady-from DAY (1), --cycles N (100000), --root-file NAME:BYTES, --dir NAME
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if [ $# -lt 2 ]; then
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi

littlefs="$1"
trace="$2"
shift 2

if [ ! -f "$littlefs/lfs.c" ] || [ ! -f "$littlefs/lfs.h" ] || [ ! -f "$littlefs/lfs_util.c" ]; then
    echo "littlefs-replay: no littlefs sources (lfs.c, lfs.h, lfs_util.c) in '$littlefs'." >&2
    echo "Get the version nanoFramework's ESP32 images use (not committed here):" >&2
    echo "  git clone --branch v2.11.2 --depth 1 https://github.com/littlefs-project/littlefs /tmp/littlefs" >&2
    exit 2
fi

if [ ! -f "$trace" ]; then
    echo "littlefs-replay: no trace '$trace'. Record one with" >&2
    echo "  bash bench/flashwear/run.sh --trace $trace --load ev --days 60" >&2
    exit 2
fi

version="$(grep -m1 -E '^#define LFS_VERSION ' "$littlefs/lfs.h" | awk '{print $3}')"
if [ "$version" != "0x0002000b" ]; then
    echo "littlefs-replay: warning: $littlefs is littlefs $version, not v2.11 (0x0002000b); figures may differ from the device's." >&2
fi

# Built fresh each time (a few seconds) into a scratch directory, never into the repository. LFS_NO_DEBUG/WARN
# silence littlefs's own logging; asserts stay on, as in esp_littlefs (CONFIG_LITTLEFS_ASSERTS=y).
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
gcc -std=gnu99 -O2 -Wall -Wextra -Werror=implicit-function-declaration \
    -DLFS_NO_DEBUG -DLFS_NO_WARN -DLFS_NO_TRACE \
    -I"$littlefs" \
    "$here/littlefs-replay/replay.c" "$littlefs/lfs.c" "$littlefs/lfs_util.c" \
    -o "$build/replay"
"$build/replay" "$@" "$trace"
