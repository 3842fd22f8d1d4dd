#!/usr/bin/env bash
# Regenerates nanoFramework.sln (the device solution for Visual Studio with the nanoFramework extension)
# from the .nfproj files in the repository. Run it after adding a device project; a host test checks the
# solution lists every .nfproj.
set -euo pipefail
cd "$(dirname "$0")/.."
nf_type="{11A8DD76-328B-46DF-9F39-F559912D0360}"
mapfile -t projects < <(find . -name '*.nfproj' -not -path '*/bin/*' -not -path '*/obj/*' -not -path './packages/*' | sed 's|^\./||' | sort)
{
  printf '\xef\xbb\xbf\r\n'
  printf 'Microsoft Visual Studio Solution File, Format Version 12.00\r\n'
  printf '# Visual Studio Version 17\r\n'
  printf 'VisualStudioVersion = 17.0.31903.59\r\n'
  printf 'MinimumVisualStudioVersion = 10.0.40219.1\r\n'
  for p in "${projects[@]}"; do
    name=$(basename "$p" .nfproj)
    guid=$(grep -o '<ProjectGuid>{[^}]*}' "$p" | sed 's/<ProjectGuid>//')
    printf 'Project("%s") = "%s", "%s", "%s"\r\nEndProject\r\n' "$nf_type" "$name" "${p//\//\\}" "$guid"
  done
  printf 'Global\r\n'
  printf '\tGlobalSection(SolutionConfigurationPlatforms) = preSolution\r\n'
  printf '\t\tDebug|Any CPU = Debug|Any CPU\r\n\t\tRelease|Any CPU = Release|Any CPU\r\n'
  printf '\tEndGlobalSection\r\n'
  printf '\tGlobalSection(ProjectConfigurationPlatforms) = postSolution\r\n'
  for p in "${projects[@]}"; do
    guid=$(grep -o '<ProjectGuid>{[^}]*}' "$p" | sed 's/<ProjectGuid>//')
    # Applications are deployed to the board; libraries and test projects are only built.
    kinds="ActiveCfg Build.0"
    if grep -q '<OutputType>Exe</OutputType>' "$p"; then kinds="ActiveCfg Build.0 Deploy.0"; fi
    for c in Debug Release; do
      for k in $kinds; do
        printf '\t\t%s.%s|Any CPU.%s = %s|Any CPU\r\n' "$guid" "$c" "$k" "$c"
      done
    done
  done
  printf '\tEndGlobalSection\r\n'
  printf '\tGlobalSection(SolutionProperties) = preSolution\r\n\t\tHideSolutionNode = FALSE\r\n\tEndGlobalSection\r\n'
  printf 'EndGlobal\r\n'
} > nanoFramework.sln
echo "nanoFramework.sln lists ${#projects[@]} device projects"
