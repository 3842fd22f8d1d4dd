using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace AssetMeter.DeviceCheck
{
    /// <summary>
    /// device-check [--repo DIR] [--out DIR] [--add PROJECT=FILE.cs ...]: exit 0 when every checkable device project
    /// compiles against the real nanoFramework mscorlib, 1 on any compiler error, 2 on bad usage.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            string? repository = null;
            string? output = null;
            var extra = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            for (int i = 0; i < args.Length; i++)
            {
                string value = i + 1 < args.Length ? args[i + 1] : string.Empty;
                switch (args[i])
                {
                    case "--repo":
                        repository = value;
                        i++;
                        break;
                    case "--out":
                        output = value;
                        i++;
                        break;
                    case "--add":
                        int equals = value.IndexOf('=');
                        if (equals <= 0)
                        {
                            return Usage("--add takes PROJECT.nfproj=FILE.cs");
                        }

                        var project = value[..equals].Replace('\\', '/');
                        if (!extra.TryGetValue(project, out var files))
                        {
                            extra[project] = files = new List<string>();
                        }

                        files.Add(value[(equals + 1)..]);
                        i++;
                        break;
                    default:
                        return Usage("unknown argument " + args[i]);
                }
            }

            repository ??= FindRepository(Directory.GetCurrentDirectory());
            if (repository == null)
            {
                return Usage("no repository found above the current directory (give --repo)");
            }

            var options = new DeviceCheckOptions
            {
                RepositoryRoot = repository,
                OutputDirectory = output ?? Path.Combine(repository, "eng", "DeviceCheck", "obj", "device"),
                ExtraSources = extra.ToDictionary(p => p.Key, p => p.Value.ToArray()),
                Log = Console.Out,
            };
            return DeviceBuild.Run(options).ExitCode;
        }

        /// <summary>The nearest directory at or above <paramref name="start"/> holding AssetMeter.slnx.</summary>
        public static string? FindRepository(string start)
        {
            for (var directory = new DirectoryInfo(start); directory != null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "AssetMeter.slnx")))
                {
                    return directory.FullName;
                }
            }

            return null;
        }

        private static int Usage(string problem)
        {
            Console.Error.WriteLine("device-check: " + problem);
            Console.Error.WriteLine("usage: device-check [--repo DIR] [--out DIR] [--add PROJECT.nfproj=FILE.cs ...]");
            return 2;
        }
    }
}
