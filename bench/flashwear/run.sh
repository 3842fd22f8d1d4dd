#!/usr/bin/env bash
# The journal's flash wear: writes, bytes and 4 KB blocks per day at idle, an EV-charger, heat-pump and battery day,
# 7 kW and 100 kW continuous (counted while the whole application runs), the pessimistic model's lifetime of a 512 KB
# LittleFS partition at 100,000 erase cycles, retention from the journal format, and the energy at risk in a power
# cut. About fifteen seconds. The real LittleFS's erases: record a trace here, replay it with littlefs-replay.sh.
# Usage: bench/flashwear/run.sh [--days N] [--ic ade7953|atm90e32|both] [--checkpoint-min S]
#        bench/flashwear/run.sh --trace FILE --load idle|ev|heatpump|battery|7kw|100kw [--ic ...] [--days N] [--checkpoint-min S]
#   (N simulated days per case, the first one warm-up; default 3; S overrides the 15 s checkpoint floor)
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build bench/year/YearBench.csproj -c Release -nologo -clp:ErrorsOnly -v:q
dotnet bench/year/bin/Release/net10.0/year-bench.dll flash-wear "$@"
