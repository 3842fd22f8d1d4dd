using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Portability.Tests
{
    /// <summary>
    /// Every portable library compiles one source list on both targets: its .projitems names every .cs file in
    /// the library's folder, and both its .nfproj and its net10.0 .csproj import that list.
    /// </summary>
    [TestClass]
    public class DualTargetLayoutTests
    {
        public static IEnumerable<object[]> SharedSourceLists()
        {
            var root = GuardHarness.RepoRoot;
            return Directory.EnumerateFiles(root, "*.projitems", SearchOption.AllDirectories)
                .Where(p => !IsBuildOutput(p))
                .Select(p => new object[] { Path.GetRelativePath(root, p) });
        }

        [TestMethod]
        [DynamicData(nameof(SharedSourceLists))]
        public void Shared_source_list_names_every_source_file_in_its_folder(string projitems)
        {
            var path = Path.Combine(GuardHarness.RepoRoot, projitems);
            var folder = Path.GetDirectoryName(path)!;
            var listed = XDocument.Load(path).Descendants().Where(e => e.Name.LocalName == "Compile")
                .Select(e => e.Attribute("Include")!.Value.Replace("$(MSBuildThisFileDirectory)", string.Empty).Replace('\\', '/'))
                .ToHashSet(StringComparer.Ordinal);
            var present = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
                .Where(f => !IsBuildOutput(f) && !IsProjectFolder(folder, f))
                .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
                .ToHashSet(StringComparer.Ordinal);

            CollectionAssert.AreEquivalent(present.OrderBy(x => x).ToList(), listed.OrderBy(x => x).ToList(),
                "files on disk vs files listed in " + projitems);
        }

        [TestMethod]
        [DynamicData(nameof(SharedSourceLists))]
        public void Both_targets_import_the_shared_source_list(string projitems)
        {
            var root = GuardHarness.RepoRoot;
            var name = Path.GetFileName(projitems);
            var importers = Directory.EnumerateFiles(root, "*.*proj", SearchOption.AllDirectories)
                .Where(p => !IsBuildOutput(p) && (p.EndsWith(".nfproj") || p.EndsWith(".csproj")))
                .Where(p => File.ReadAllText(p).Contains(name, StringComparison.Ordinal))
                .ToList();

            Assert.IsTrue(importers.Any(p => p.EndsWith(".nfproj")), name + " is not imported by any .nfproj");
            Assert.IsTrue(importers.Any(p => p.EndsWith(".csproj")), name + " is not imported by any .csproj");
        }

        [TestMethod]
        public void Every_device_project_is_in_the_nanoFramework_solution()
        {
            var root = GuardHarness.RepoRoot;
            var solution = File.ReadAllText(Path.Combine(root, "nanoFramework.sln"));
            foreach (var nfproj in Directory.EnumerateFiles(root, "*.nfproj", SearchOption.AllDirectories).Where(p => !IsBuildOutput(p)))
            {
                var relative = Path.GetRelativePath(root, nfproj).Replace('/', '\\');
                StringAssert.Contains(solution, relative, "nanoFramework.sln does not list " + relative);
            }
        }

        private static bool IsBuildOutput(string path)
        {
            var parts = path.Replace('\\', '/').Split('/');
            return parts.Contains("bin") || parts.Contains("obj") || parts.Contains("packages");
        }

        // Not shared sources: the nf/ and net/ project folders, and the single-target code that lives beside a
        // driver (its host-only Emulator/, the device-only NanoFramework/ adapters, the host-only Linux/ adapters), and
        // a device-only shell folder (Device/), should one ever sit under a shared source list.
        private static readonly string[] SingleTargetFolders = { "nf", "net", "Emulator", "NanoFramework", "Device", "Linux" };

        private static bool IsProjectFolder(string libraryFolder, string file)
        {
            var first = Path.GetRelativePath(libraryFolder, file).Replace('\\', '/').Split('/')[0];
            return SingleTargetFolders.Contains(first);
        }
    }
}
