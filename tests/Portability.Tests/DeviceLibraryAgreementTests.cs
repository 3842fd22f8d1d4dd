using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using AssetMeter.DeviceCheck;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Portability.Tests
{
    /// <summary>
    /// The subset guard's allow-lists agree with the device libraries: every entry the guard allows exists in the
    /// REAL nanoFramework mscorlib (read with System.Reflection.Metadata) or, for an unserved package, in its
    /// reference-only declaration, which in turn declares nothing the allow-list for shared tests does not name.
    /// </summary>
    [TestClass]
    public class DeviceLibraryAgreementTests
    {
        private static readonly Regex PackageHeader = new(@"^## package (?<package>\S+) \(assembly (?<assembly>[^;)]+)", RegexOptions.Compiled);

        [TestMethod]
        public void The_real_mscorlib_is_the_one_the_device_projects_pin()
        {
            var name = MetadataApi.NameOf(DeviceLibraries.Mscorlib);
            Assert.AreEqual("mscorlib", name.Name);
            Assert.AreEqual(new Version(1, 17, 11, 0), name.Version);
            var mscorlib = MetadataApi.PublicIds(DeviceLibraries.Mscorlib);
            Assert.IsTrue(mscorlib.Count > 1000, $"{mscorlib.Count} public IDs read");
            CollectionAssert.Contains(mscorlib.ToList(), "M:System.String.Substring(System.Int32)");
            CollectionAssert.DoesNotContain(mscorlib.ToList(), "T:System.Math", "System.Math lives in nanoFramework.System.Math, not in mscorlib");
        }

        [TestMethod]
        public void Every_entry_of_the_allow_list_is_marked_with_its_package()
        {
            foreach (var (line, entry, package, _) in Entries())
            {
                Assert.IsNotNull(package, $"line {line}: {entry} is under no '## package <Id> (assembly <name>' header");
            }
        }

        [TestMethod]
        public void Every_mscorlib_entry_of_the_allow_list_exists_in_the_real_mscorlib()
        {
            var mscorlib = MetadataApi.PublicIds(DeviceLibraries.Mscorlib);
            var entries = Entries().Where(e => e.Assembly == "mscorlib").ToList();
            Assert.IsTrue(entries.Count > 80, $"{entries.Count} mscorlib entries");
            var missing = entries.Where(e => !mscorlib.Contains(e.Entry)).Select(e => $"line {e.Line}: {e.Entry}").ToList();
            Assert.AreEqual(0, missing.Count, "allowed by the guard but absent from the device's mscorlib:" + Environment.NewLine + string.Join(Environment.NewLine, missing));
        }

        [TestMethod]
        public void Every_entry_of_another_package_exists_in_its_declaration_and_not_in_mscorlib()
        {
            var mscorlib = MetadataApi.PublicIds(DeviceLibraries.Mscorlib);
            var others = Entries().Where(e => e.Assembly != "mscorlib").ToList();
            Assert.IsTrue(others.Count > 0);
            foreach (var group in others.GroupBy(e => e.Assembly!))
            {
                var declaration = DeviceLibraries.ReferenceOnly.SingleOrDefault(r => r.Name == group.Key);
                Assert.IsNotNull(declaration, $"{group.Key}: no reference-only declaration in eng/DeviceCheck/ReferenceOnly for this package's entries");
                Assert.AreEqual(declaration.Package, group.First().Package);
                var declared = MetadataApi.PublicIds(DeviceCheckRun.Repository.ReferenceOnly(group.Key));
                foreach (var (line, entry, _, _) in group)
                {
                    Assert.IsTrue(declared.Contains(entry), $"line {line}: {entry} is not in {declaration.Package} {declaration.Version}");
                    Assert.IsFalse(mscorlib.Contains(entry), $"line {line}: {entry} is in mscorlib: move it to an mscorlib section");
                }
            }
        }

        [TestMethod]
        public void The_test_framework_declaration_is_exactly_what_the_shared_test_allow_list_names()
        {
            // MSTest IDs on the host, nanoFramework.TestFramework members on the device: compare by type and member name.
            const string MsTest = "Microsoft.VisualStudio.TestTools.UnitTesting.";
            const string Nano = "nanoFramework.TestFramework.";
            var allowed = File.ReadAllLines(Path.Combine(GuardHarness.RepoRoot, "eng", "nanoframework-testframework.api.txt"))
                .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("#", StringComparison.Ordinal))
                .Select(l => Shape(l, MsTest)).ToHashSet(StringComparer.Ordinal);
            var declared = MetadataApi.PublicIds(DeviceCheckRun.Repository.ReferenceOnly("nanoFramework.TestFramework"))
                .Where(id => id.Contains(Nano, StringComparison.Ordinal) && !id.StartsWith("P:", StringComparison.Ordinal))
                .Select(id => Shape(id, Nano)).ToHashSet(StringComparer.Ordinal);
            Assert.AreEqual(string.Join(" ", allowed.OrderBy(x => x, StringComparer.Ordinal)), string.Join(" ", declared.OrderBy(x => x, StringComparer.Ordinal)),
                "allow-list (first) against the reference-only declaration");
        }

        // "M:Ns.Assert.AreEqual``1(...)" -> "M:Assert.AreEqual"; "T:Ns.TestClassAttribute" -> "T:TestClassAttribute".
        private static string Shape(string id, string ns)
        {
            var text = id.Replace(ns, string.Empty, StringComparison.Ordinal);
            int cut = text.IndexOfAny(new[] { '(', '`' });
            return cut < 0 ? text : text.Substring(0, cut);
        }

        private static IEnumerable<(int Line, string Entry, string? Package, string? Assembly)> Entries()
        {
            string? package = null;
            string? assembly = null;
            int number = 0;
            foreach (var raw in File.ReadAllLines(Path.Combine(GuardHarness.RepoRoot, "eng", "nanoframework-stable.api.txt")))
            {
                number++;
                var header = PackageHeader.Match(raw);
                if (header.Success)
                {
                    package = header.Groups["package"].Value;
                    assembly = header.Groups["assembly"].Value.Trim();
                    continue;
                }

                // As the guard reads it: '#' starts a comment at the start of a line or after white space.
                var entry = raw;
                int hash = entry.IndexOf(" #", StringComparison.Ordinal);
                if (hash >= 0)
                {
                    entry = entry.Substring(0, hash);
                }

                entry = entry.Trim();
                if (entry.Length > 0 && !entry.StartsWith("#", StringComparison.Ordinal))
                {
                    yield return (number, entry, package, assembly);
                }
            }
        }
    }
}
