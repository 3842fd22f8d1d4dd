#!/usr/bin/env bash
# Host benchmark of the portable crypto against .NET's (SHA-256, HMAC-SHA256, ECDSA P-256 verify), printed side
# by side as ratios. Release build; takes about ten seconds. Usage: bench/crypto/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build bench/crypto/CryptoBench.csproj -c Release -nologo -clp:ErrorsOnly -v:q
dotnet bench/crypto/bin/Release/net10.0/crypto-bench.dll
