#!/usr/bin/env bash
# Compiles every device project's portable sources (each .nfproj and the .projitems lists it imports: metrology,
# hardware, firmware core, the NFUnitTest shared tests) with the SDK's own csc, -nostdlib -noconfig, against the REAL
# nanoFramework mscorlib of nanoFramework.CoreLibrary 1.17.11 and, where a project pins nanoFramework.System.Math or
# nanoFramework.TestFramework (not served here), against the reference-only declarations in eng/DeviceCheck/ReferenceOnly.
# Fails on any compiler error. Called by tests/run.sh; see docs/portable-subset.md.
#   bash eng/check-device-mscorlib.sh [--no-build] [--add PROJECT.nfproj=FILE.cs ...]
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--no-build" ]]; then
  shift
else
  dotnet build eng/DeviceCheck/DeviceCheck.csproj -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
fi
exec dotnet eng/DeviceCheck/bin/Release/net10.0/device-check.dll "$@"
