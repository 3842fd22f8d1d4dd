#!/usr/bin/env bash
# A simulated year at one-second ticks through the whole meter application (emulated IC, journal on counted in-memory
# flash, loopback MQTT, daily ECDSA-signed acknowledgements): ticks per second, bytes allocated per steady-state tick,
# periods closed (17,520 in 2027), energy metered against the emulator's true energy, flash and MQTT use per day.
# About three minutes per IC on a laptop. Usage: bench/year/run.sh [--days N] [--start yyyy-MM-dd] [--ic ade7953|atm90e32|both]
# [--operational S | --compare-operational] (the operational stream every S s; or off, 60 s, 1 s and off again side by side)
# (bench/year/run.sh --days 2 is the quick instance; --start 2028-01-01 --days 366 gives the leap year's 17,568 periods).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build bench/year/YearBench.csproj -c Release -nologo -clp:ErrorsOnly -v:q
dotnet bench/year/bin/Release/net10.0/year-bench.dll year "$@"
