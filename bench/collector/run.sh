#!/usr/bin/env bash
# A fleet's half-hour boundary through Debian's mosquitto into the collector: every meter (5,000 by default, each
# with its own P-256 key and records built by the meter's OcmfRecordBuilder) publishes its period record and status
# at once; one collector instance, then two in one shared-subscription group on the same store, verify, store and
# acknowledge them (supervision on), after two unmeasured boundaries that bring them to steady state. Prints records
# per second from the first publish to the last record stored, beside this machine's ECDSA P-256 verification rate
# (openssl speed and a .NET loop, one thread) and where the time goes inside the collector. Starts its own mosquitto
# on a free loopback port and stops it at exit. A few minutes on a 2-core machine; a benchmark, never run by tests.
# Usage: bench/collector/run.sh [--meters N[,N...] | --quick] [--supervision M[,M...]] [--connections K] [--batch B]
#   [--postgres ["Host=...;Username=..."] | --no-postgres] [--no-profile] [--one-instance]
# (--quick is 1,000 meters; --postgres without a connection string starts a throwaway server when PostgreSQL is installed.)
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tests/setup/install-test-dependencies.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build bench/collector/CollectorBench.csproj -c Release -nologo -clp:ErrorsOnly -v:q
# exec: an interrupt reaches the benchmark itself, which then stops the servers it started.
exec dotnet bench/collector/bin/Release/net10.0/collector-bench.dll "$@"
