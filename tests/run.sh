#!/usr/bin/env bash
# Runs every test of the repository. On a fresh Debian machine that has only the .NET SDK, it first installs
# what the tests need (Debian packages such as mosquitto, chrony, postgresql) when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/setup/install-test-dependencies.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build AssetMeter.slnx -c Release -nologo -clp:ErrorsOnly
# The portable code compiled as the device compiles it, against the real nanoFramework mscorlib.
bash eng/check-device-mscorlib.sh --no-build
dotnet test AssetMeter.slnx -c Release --no-build -nologo "$@"
