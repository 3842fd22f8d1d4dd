using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace AssetMeter.DeviceCheck
{
    /// <summary>What the check did with one device project.</summary>
    public enum ProjectStatus
    {
        Compiled,
        Failed,

        /// <summary>References a package the machine does not serve (the device shell): not compiled, said so.</summary>
        NotCheckable,
    }

    /// <summary>The outcome for one project.</summary>
    public sealed class ProjectOutcome
    {
        public required string Project { get; init; }

        public required ProjectStatus Status { get; init; }

        public IReadOnlyList<string> Errors { get; init; } = Array.Empty<string>();

        public int Warnings { get; init; }

        public int SourceCount { get; init; }

        /// <summary>Why it could not be checked: the unserved packages (or unchecked projects) it needs.</summary>
        public IReadOnlyList<string> Missing { get; init; } = Array.Empty<string>();

        public TimeSpan Elapsed { get; init; }
    }

    /// <summary>Options of one run.</summary>
    public sealed class DeviceCheckOptions
    {
        public required string RepositoryRoot { get; init; }

        /// <summary>Where the device assemblies are written.</summary>
        public required string OutputDirectory { get; init; }

        /// <summary>Extra sources per project (repository-relative .nfproj path): how a probe adds a file without editing the tree.</summary>
        public IReadOnlyDictionary<string, string[]> ExtraSources { get; init; } = new Dictionary<string, string[]>();

        public TextWriter Log { get; init; } = TextWriter.Null;

        /// <summary>Only these projects (repository-relative) and what they depend on; null for all, with the coverage check.</summary>
        public IReadOnlyCollection<string>? OnlyProjects { get; init; }
    }

    /// <summary>
    /// Compiles every device project of the repository whose references the check can resolve, in dependency order,
    /// with the SDK's csc, -nostdlib -noconfig, the real mscorlib as the only framework assembly and NANOFRAMEWORK_1_0
    /// defined, each against the outputs of the device projects it references. Any compiler error fails the run, and
    /// so does a shared source list (.projitems) that no checked project compiles.
    /// </summary>
    public static class DeviceBuild
    {
        public static (int ExitCode, IReadOnlyList<ProjectOutcome> Outcomes) Run(DeviceCheckOptions options)
        {
            var root = Path.GetFullPath(options.RepositoryRoot);
            var log = options.Log;
            Directory.CreateDirectory(options.OutputDirectory);
            var problems = new List<string>();
            var outcomes = new List<ProjectOutcome>();

            if (!File.Exists(DeviceLibraries.Mscorlib))
            {
                log.WriteLine($"device-check: {DeviceLibraries.Mscorlib} is missing: restore eng/DeviceCheck (it downloads {DeviceLibraries.CoreLibraryPackage} {DeviceLibraries.CoreLibraryVersion})");
                return (2, outcomes);
            }

            log.WriteLine($"device-check: portable code against the real nanoFramework mscorlib ({DeviceLibraries.CoreLibraryPackage} {DeviceLibraries.CoreLibraryVersion})");
            log.WriteLine($"  compiler {DeviceLibraries.Compiler}");

            // Reference-only declarations first: they are compiled against the real mscorlib too.
            var declared = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var reference in DeviceLibraries.ReferenceOnly)
            {
                var source = Path.Combine(DeviceLibraries.ReferenceOnlyFolder(root), reference.SourceFile);
                var output = Path.Combine(options.OutputDirectory, "reference-only", reference.Name + ".dll");
                var errors = Compile(root, reference.Name, "9.0", new[] { source }, new[] { DeviceLibraries.Mscorlib }, output, out _);
                if (errors.Count > 0)
                {
                    problems.Add($"reference-only declaration {reference.SourceFile} does not compile against the real mscorlib");
                    problems.AddRange(errors);
                    continue;
                }

                declared[reference.Name] = output;
                log.WriteLine($"  ok    reference-only {reference.Name} {reference.Version} (eng/DeviceCheck/ReferenceOnly/{reference.SourceFile}, standing for {reference.Package})");
            }

            var projects = Directory.EnumerateFiles(root, "*.nfproj", SearchOption.AllDirectories)
                .Where(p => !IsBuildOutput(root, p))
                .Select(DeviceProject.Load)
                .ToDictionary(p => p.Path, StringComparer.Ordinal);
            var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
            var compiledLists = new HashSet<string>(StringComparer.Ordinal);

            var ordered = Order(projects.Values, problems);
            if (options.OnlyProjects != null)
            {
                var wanted = new HashSet<string>(options.OnlyProjects.Select(p => Path.GetFullPath(Path.Combine(root, p))), StringComparer.Ordinal);
                var needed = new HashSet<string>(StringComparer.Ordinal);
                foreach (var project in Enumerable.Reverse(ordered))
                {
                    if (wanted.Contains(project.Path) || needed.Contains(project.Path))
                    {
                        needed.Add(project.Path);
                        needed.UnionWith(project.ProjectReferences);
                    }
                }

                ordered = ordered.Where(p => needed.Contains(p.Path)).ToList();
            }

            foreach (var project in ordered)
            {
                var relative = Relative(root, project.Path);
                var missing = new List<string>();
                var references = new List<string>();
                foreach (var reference in project.References)
                {
                    switch (DeviceLibraries.KindOf(reference))
                    {
                        case ReferenceKind.RealMscorlib:
                            var pinned = reference.Version ?? "(none)";
                            if (pinned != DeviceLibraries.CoreLibraryVersion + ".0")
                            {
                                problems.Add($"{relative}: pins mscorlib {pinned}, the check has {DeviceLibraries.CoreLibraryVersion}.0");
                            }

                            references.Insert(0, DeviceLibraries.Mscorlib);
                            break;
                        case ReferenceKind.ReferenceOnly:
                            var declaration = DeviceLibraries.ReferenceOnly.First(r => r.Name == reference.Name);
                            if (reference.Version != declaration.Version)
                            {
                                problems.Add($"{relative}: pins {reference.Name} {reference.Version}, but eng/DeviceCheck/ReferenceOnly/{declaration.SourceFile} declares {declaration.Version}: read that version's public source again");
                            }

                            if (declared.TryGetValue(reference.Name, out var dll))
                            {
                                references.Add(dll);
                            }

                            break;
                        case ReferenceKind.NotCompiledAgainst:
                            break;
                        default:
                            missing.Add(reference.Name);
                            break;
                    }
                }

                foreach (var dependency in project.ProjectReferences)
                {
                    if (outputs.TryGetValue(dependency, out var built))
                    {
                        references.Add(built);
                    }
                    else
                    {
                        missing.Add(Relative(root, dependency) + " (not checked)");
                    }
                }

                if (missing.Count > 0)
                {
                    outcomes.Add(new ProjectOutcome { Project = relative, Status = ProjectStatus.NotCheckable, Missing = missing, SourceCount = project.Sources.Count });
                    log.WriteLine($"  --    {relative}: not checkable here, needs {string.Join(", ", missing)}");
                    continue;
                }

                var sources = project.Sources.ToList();
                if (options.ExtraSources.TryGetValue(relative, out var extra))
                {
                    sources.AddRange(extra.Select(Path.GetFullPath));
                }

                var watch = Stopwatch.StartNew();
                var output = Path.Combine(options.OutputDirectory, project.AssemblyName + ".dll");
                var compileErrors = Compile(root, project.AssemblyName, project.LanguageVersion, sources, references, output, out int warnings);
                watch.Stop();
                var status = compileErrors.Count == 0 ? ProjectStatus.Compiled : ProjectStatus.Failed;
                outcomes.Add(new ProjectOutcome
                {
                    Project = relative,
                    Status = status,
                    Errors = compileErrors,
                    Warnings = warnings,
                    SourceCount = sources.Count,
                    Elapsed = watch.Elapsed,
                });
                var against = string.Join(", ", references.Select(r => Path.GetFileNameWithoutExtension(r)));
                log.WriteLine($"  {(status == ProjectStatus.Compiled ? "ok   " : "ERROR")} {relative}: {sources.Count} files against {against} "
                    + $"({compileErrors.Count} errors, {warnings} warnings, {watch.Elapsed.TotalSeconds:F1} s)");
                foreach (var error in compileErrors)
                {
                    log.WriteLine("        " + error);
                }

                if (status == ProjectStatus.Compiled)
                {
                    outputs[project.Path] = output;
                    compiledLists.UnionWith(project.SourceLists);
                }
            }

            // Every shared source list must have been compiled for the device by some checked project.
            var lists = options.OnlyProjects == null
                ? Directory.EnumerateFiles(root, "*.projitems", SearchOption.AllDirectories).Where(p => !IsBuildOutput(root, p))
                : Enumerable.Empty<string>();
            foreach (var list in lists)
            {
                if (!compiledLists.Contains(Path.GetFullPath(list)))
                {
                    problems.Add($"{Relative(root, list)} was not compiled against the device mscorlib by any checked .nfproj");
                }
            }

            foreach (var problem in problems)
            {
                log.WriteLine("  ERROR " + problem);
            }

            bool failed = problems.Count > 0 || outcomes.Any(o => o.Status == ProjectStatus.Failed);
            int compiled = outcomes.Count(o => o.Status == ProjectStatus.Compiled);
            log.WriteLine(failed
                ? $"device-check: FAILED ({outcomes.Count(o => o.Status == ProjectStatus.Failed)} projects with errors, {problems.Count} other problems)"
                : $"device-check: {compiled} device projects compile against the real mscorlib; {outcomes.Count(o => o.Status == ProjectStatus.NotCheckable)} not checkable here");
            return (failed ? 1 : 0, outcomes);
        }

        private static List<string> Compile(string root, string assemblyName, string languageVersion, IReadOnlyList<string> sources,
            IReadOnlyList<string> references, string output, out int warnings)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            var arguments = new List<string>
            {
                "-nologo", "-noconfig", "-nostdlib+", "-target:library", "-deterministic+", "-utf8output",
                "-langversion:" + languageVersion, "-define:NANOFRAMEWORK_1_0", "-out:" + output,
            };
            arguments.AddRange(references.Select(r => "-reference:" + r));
            arguments.AddRange(sources);
            var responseFile = Path.Combine(Path.GetDirectoryName(output)!, assemblyName + ".rsp");
            File.WriteAllLines(responseFile, arguments.Select(a => "\"" + a + "\""));

            var start = new ProcessStartInfo(DeviceLibraries.DotnetHost)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(DeviceLibraries.Compiler);
            start.ArgumentList.Add("@" + responseFile);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var lines = new List<string>();
            string? line;
            while ((line = process.StandardOutput.ReadLine()) != null)
            {
                lines.Add(line.Replace(root + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal));
            }

            process.WaitForExit();
            var errors = lines.Where(l => l.Contains(": error ", StringComparison.Ordinal)).ToList();
            warnings = lines.Count(l => l.Contains(": warning ", StringComparison.Ordinal));
            if (process.ExitCode != 0 && errors.Count == 0)
            {
                errors.Add($"the compiler exited with {process.ExitCode}: {string.Join(" ", lines)} {stderr.Result}".Trim());
            }

            return errors;
        }

        // Dependencies first; a cycle is a problem, not a hang.
        private static List<DeviceProject> Order(IEnumerable<DeviceProject> projects, List<string> problems)
        {
            var byPath = projects.ToDictionary(p => p.Path, StringComparer.Ordinal);
            var ordered = new List<DeviceProject>();
            var state = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var project in byPath.Values.OrderBy(p => p.Path, StringComparer.Ordinal))
            {
                Visit(project);
            }

            return ordered;

            void Visit(DeviceProject project)
            {
                if (state.TryGetValue(project.Path, out int mark))
                {
                    if (mark == 1)
                    {
                        problems.Add("project references form a cycle through " + project.Path);
                    }

                    return;
                }

                state[project.Path] = 1;
                foreach (var dependency in project.ProjectReferences)
                {
                    if (byPath.TryGetValue(dependency, out var next))
                    {
                        Visit(next);
                    }
                    else
                    {
                        problems.Add($"{project.Path} references {dependency}, which does not exist");
                    }
                }

                state[project.Path] = 2;
                ordered.Add(project);
            }
        }

        private static bool IsBuildOutput(string root, string path)
        {
            var parts = Path.GetRelativePath(root, path).Replace('\\', '/').Split('/');
            return parts.Contains("bin") || parts.Contains("obj") || parts.Contains("packages") || parts.Contains(".tmp");
        }

        private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');
    }
}
