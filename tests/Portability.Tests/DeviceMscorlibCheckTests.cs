using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AssetMeter.DeviceCheck;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Portability.Tests
{
    /// <summary>
    /// The CI step eng/check-device-mscorlib.sh: every portable source list compiles against the real nanoFramework
    /// mscorlib, and the step fails when a portable file uses an API the device does not have (probes).
    /// </summary>
    [TestClass]
    public class DeviceMscorlibCheckTests
    {
        private const string Metrology = "metrology/nf/AssetMeter.Metrology.nfproj";
        private const string Hardware = "hardware/nf/AssetMeter.Hardware.nfproj";
        private const string FirmwareCore = "firmware/Core/nf/AssetMeter.Firmware.nfproj";
        private const string SharedTests = "tests/NFUnitTest/NFUnitTest.nfproj";

        [AssemblyCleanup]
        public static void RemoveDeviceOutputs() => DeviceCheckRun.CleanUp();

        [TestMethod]
        public void Every_portable_library_and_the_shared_tests_compile_against_the_real_mscorlib()
        {
            var run = DeviceCheckRun.Repository;
            Assert.AreEqual(0, run.ExitCode, run.Log);
            foreach (var project in new[] { Metrology, Hardware, FirmwareCore, SharedTests })
            {
                var outcome = run.Outcomes.Single(o => o.Project == project);
                Assert.AreEqual(ProjectStatus.Compiled, outcome.Status, run.Log);
                Assert.IsTrue(outcome.SourceCount > 0);
            }

            // What it cannot check is said, with the unserved packages named.
            var shell = run.Outcomes.Single(o => o.Project == "firmware/Device/AssetMeter.Firmware.Device.nfproj");
            Assert.AreEqual(ProjectStatus.NotCheckable, shell.Status);
            CollectionAssert.Contains(shell.Missing.ToList(), "nanoFramework.M2Mqtt");
            Console.WriteLine(run.Log);
        }

        [TestMethod]
        public void The_device_assemblies_are_built_on_the_real_mscorlib_and_nothing_of_the_desktop()
        {
            var run = DeviceCheckRun.Repository;
            var built = Path.Combine(run.OutputDirectory, "AssetMeter.Metrology.dll");
            var references = MetadataApi.ReferencedAssemblies(built);
            CollectionAssert.AreEquivalent(new[] { "mscorlib 1.17.11.0" }, references.ToList());
            var firmware = MetadataApi.ReferencedAssemblies(Path.Combine(run.OutputDirectory, "AssetMeter.Firmware.dll"));
            Assert.IsFalse(firmware.Any(r => r.StartsWith("System.Runtime", StringComparison.Ordinal) || r.StartsWith("netstandard", StringComparison.Ordinal)), string.Join(", ", firmware));
        }

        public static IEnumerable<object[]> Probes()
        {
            // project, probe source, the compiler error the device check must report
            yield return new object[] { Metrology, "public static class Probe { public static string Joined(string[] parts) { return string.Join(\",\", parts); } }", "CS0117" };
            yield return new object[] { Metrology, "public static class Probe { public static object Text() { return new System.Text.StringBuilder(); } }", "CS0234" };
            yield return new object[] { Metrology, "public static class Probe { public static double Root(double x) { return System.Math.Sqrt(x); } }", "CS0234" };
            yield return new object[] { Hardware, "public static class Probe { public static long Product(int a, int b) { return System.Math.BigMul(a, b); } }", "CS0117" };
            yield return new object[] { FirmwareCore, "public static class Probe { public static int Count() { return new System.Collections.Generic.List<int>().Count; } }", "CS0234" };
            yield return new object[] { FirmwareCore, "public static class Probe { public static string Swapped(string s) { return s.Replace(\"a\", \"b\"); } }", "CS1061" };
            yield return new object[] { SharedTests, "public class ProbeTests { public void Throws() { nanoFramework.TestFramework.Assert.ThrowsException(typeof(System.Exception), null); } }", "CS0117" };
        }

        [TestMethod]
        [DynamicData(nameof(Probes))]
        public void A_portable_file_using_an_api_the_device_lacks_fails_the_check(string project, string source, string expectedError)
        {
            var probe = Path.Combine(Path.GetTempPath(), "device-probe-" + Guid.NewGuid().ToString("N") + ".cs");
            File.WriteAllText(probe, source);
            try
            {
                var run = DeviceCheckRun.Run(new Dictionary<string, string[]> { [project] = new[] { probe } }, new[] { project });
                DeviceCheckRun.Remove(run);
                Assert.AreEqual(1, run.ExitCode, run.Log);
                var outcome = run.Outcomes.Single(o => o.Project == project);
                Assert.AreEqual(ProjectStatus.Failed, outcome.Status, run.Log);
                Assert.IsTrue(outcome.Errors.Count > 0 && outcome.Errors.All(e => e.Contains(Path.GetFileName(probe), StringComparison.Ordinal)),
                    "only the probe fails: " + string.Join(Environment.NewLine, outcome.Errors));
                Assert.IsTrue(outcome.Errors.Any(e => e.Contains("error " + expectedError, StringComparison.Ordinal)), string.Join(Environment.NewLine, outcome.Errors));
            }
            finally
            {
                File.Delete(probe);
            }
        }

        [TestMethod]
        public void The_script_fails_with_a_probe_and_passes_without_one()
        {
            if (!File.Exists(Path.Combine(GuardHarness.RepoRoot, "eng", "DeviceCheck", "bin", "Release", "net10.0", "device-check.dll")))
            {
                Assert.Inconclusive("eng/DeviceCheck is not built in Release (tests/run.sh builds it before the tests)");
            }

            var probe = Path.Combine(Path.GetTempPath(), "device-probe-" + Guid.NewGuid().ToString("N") + ".cs");
            File.WriteAllText(probe, "public static class Probe { public static string Joined(string[] parts) { return string.Join(\",\", parts); } }");
            try
            {
                Assert.AreEqual(1, Script("--no-build --add " + Metrology + "=" + probe, out var failing), failing);
                StringAssert.Contains(failing, "CS0117");
                StringAssert.Contains(failing, "FAILED");
            }
            finally
            {
                File.Delete(probe);
            }
        }

        private static int Script(string arguments, out string output)
        {
            var start = new System.Diagnostics.ProcessStartInfo("bash", Path.Combine(GuardHarness.RepoRoot, "eng", "check-device-mscorlib.sh") + " " + arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = System.Diagnostics.Process.Start(start)!;
            output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode;
        }
    }
}
