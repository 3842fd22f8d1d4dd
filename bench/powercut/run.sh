#!/usr/bin/env bash
# Ten thousand power cuts through the virtual meter; prints cuts, torn writes, periods journaled and the worst
# energy a cut took away against the stated window. Usage: bench/powercut/run.sh [cuts]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet run -c Release --project bench/powercut -- "${1:-10000}"
