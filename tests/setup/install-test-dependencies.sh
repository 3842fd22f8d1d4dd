#!/usr/bin/env bash
# Installs the Debian packages the tests use, only those missing. Needs root (or sudo) the first time.
set -euo pipefail

packages=()
# Debian puts the broker in /usr/sbin, which is not on every user's PATH.
need() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || packages+=("$2"); }

# The real-broker tests (docs/protocol.md) start Debian's mosquitto and watch it with mosquitto_sub.
need mosquitto mosquitto
need mosquitto_sub mosquitto-clients
need openssl openssl
# The documented shell recipes (docs/protocol.md, docs/records.md) use xxd.
need xxd xxd

if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing test dependencies: ${packages[*]}"
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq --no-install-recommends "${packages[@]}"
