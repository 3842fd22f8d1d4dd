#!/usr/bin/env bash
# Rewrites the <Compile> list of shared source lists (*.projitems) from the .cs files in their folder, so both
# targets of a portable library keep compiling every file. Single-target folders (nf/, net/, Emulator/,
# NanoFramework/, Device/, Linux/, bin/, obj/) are left out. Usage: eng/sync-projitems.sh [file.projitems ...]
# (default: every .projitems in the repository). A host test fails when a list is out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then mapfile -t lists < <(find . -name '*.projitems' -not -path '*/bin/*' -not -path '*/obj/*' | sort); else lists=("$@"); fi
for list in "${lists[@]}"; do
  dir=$(dirname "$list")
  items=$(cd "$dir" && find . -name '*.cs' \
      -not -path './nf/*' -not -path './net/*' -not -path '*/Emulator/*' -not -path '*/NanoFramework/*' -not -path '*/Device/*' \
      -not -path '*/Linux/*' -not -path '*/bin/*' -not -path '*/obj/*' | sed 's|^\./||' | LC_ALL=C sort \
    | while read -r f; do printf '    <Compile Include="$(MSBuildThisFileDirectory)%s" />\n' "${f//\//\\}"; done)
  head=$(awk '/<ItemGroup>/{exit} {print}' "$list")
  { printf '%s\n  <ItemGroup>\n' "$head"; [ -n "$items" ] && printf '%s\n' "$items"; printf '  </ItemGroup>\n</Project>\n'; } > "$list.tmp"
  mv "$list.tmp" "$list"
done
