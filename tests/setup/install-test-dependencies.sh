#!/usr/bin/env bash
# Installs the Debian packages the tests use, only those missing. Needs root (or sudo) the first time.
set -euo pipefail

packages=()
# need <command> <package>: the package is installed unless the command is found, on the PATH or in the sbin
# directories (daemons such as chronyd and mosquitto live in /usr/sbin, not on an ordinary user's PATH).
need() {
  command -v "$1" >/dev/null 2>&1 && return
  for dir in /usr/sbin /sbin /usr/local/sbin; do
    [ -x "$dir/$1" ] && return
  done
  packages+=("$2")
}
# need_postgres: Debian keeps the PostgreSQL server programs in /usr/lib/postgresql/<version>/bin, off the PATH
# (psql on the PATH comes from postgresql-client alone), so look for initdb there.
need_postgres() {
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && return
  packages+=(postgresql)
}

# chronyd as a loopback NTP server for the SNTP client test (tests/Firmware.Tests/Clock/ChronySntpTests.cs).
need chronyd chrony
# The real-broker tests (docs/protocol.md) start Debian's mosquitto and watch it with mosquitto_sub.
need mosquitto mosquitto
need mosquitto_sub mosquitto-clients
need openssl openssl
# The collector's store tests run a private PostgreSQL cluster (tests/TestServers/PostgresServer.cs); as root it
# runs as the postgres user the package creates, through runuser (util-linux).
need_postgres
need runuser util-linux
# The bench accuracy tool's tests: an RS-485 line made of a socat pseudo-terminal pair, and Debian's mbpoll as an
# independent Modbus master (tests/Bench.Tests/ModbusLinkTests.cs).
need socat socat
need mbpoll mbpoll
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
