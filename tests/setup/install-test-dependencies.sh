#!/usr/bin/env bash
# Installs the Debian packages the tests use, only those missing. Needs root (or sudo) the first time.
set -euo pipefail

packages=()
need() { command -v "$1" >/dev/null 2>&1 || packages+=("$2"); }

# (filled in as the test suites start real servers)

if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing test dependencies: ${packages[*]}"
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq --no-install-recommends "${packages[@]}"
