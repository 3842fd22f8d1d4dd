#!/usr/bin/env bash
# The operational stream of a fleet (5,000 meters by default, each the meter's own OperationalStream with its stagger
# offset) through Debian's mosquitto in real time: messages per second as a subscriber receives them, staggered and,
# for contrast, with every meter on the same offset; then what building and signing one message costs on this host,
# beside .NET's HMAC, and the work it is on the ESP32. Starts its own mosquitto on a free loopback port. About five
# minutes. A benchmark, never run by tests. Usage: bench/operational/run.sh [--meters N] [--interval S] [--seconds S]
# [--connections K] [--signing-only]
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tests/setup/install-test-dependencies.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build bench/operational/OperationalBench.csproj -c Release -nologo -clp:ErrorsOnly -v:q
exec dotnet bench/operational/bin/Release/net10.0/operational-bench.dll "$@"
