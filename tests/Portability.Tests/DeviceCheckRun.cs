using System;
using System.Collections.Generic;
using System.IO;
using AssetMeter.DeviceCheck;

namespace AssetMeter.Portability.Tests
{
    /// <summary>Runs eng/DeviceCheck (the CI step) in-process, on the repository or with probe files added.</summary>
    internal static class DeviceCheckRun
    {
        private static readonly Lazy<Result> OnRepository = new(() => Run(new Dictionary<string, string[]>(), null));

        /// <summary>The check on the repository as it is, run once per test process.</summary>
        public static Result Repository => OnRepository.Value;

        /// <summary>Removes the repository run's device assemblies, if it ran.</summary>
        public static void CleanUp()
        {
            if (OnRepository.IsValueCreated)
            {
                Remove(OnRepository.Value);
            }
        }

        public static void Remove(Result result)
        {
            if (Directory.Exists(result.OutputDirectory))
            {
                Directory.Delete(result.OutputDirectory, true);
            }
        }

        public static Result Run(IReadOnlyDictionary<string, string[]> extraSources, IReadOnlyCollection<string>? onlyProjects)
        {
            var output = Path.Combine(Path.GetTempPath(), "device-check-" + Guid.NewGuid().ToString("N"));
            var log = new StringWriter();
            var (exitCode, outcomes) = DeviceBuild.Run(new DeviceCheckOptions
            {
                RepositoryRoot = GuardHarness.RepoRoot,
                OutputDirectory = output,
                ExtraSources = extraSources,
                Log = log,
                OnlyProjects = onlyProjects,
            });
            return new Result(exitCode, outcomes, log.ToString(), output);
        }

        internal sealed record Result(int ExitCode, IReadOnlyList<ProjectOutcome> Outcomes, string Log, string OutputDirectory)
        {
            public string ReferenceOnly(string assembly) => Path.Combine(OutputDirectory, "reference-only", assembly + ".dll");
        }
    }
}
