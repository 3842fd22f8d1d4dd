using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector.Compliance;
using AssetMeter.TestServers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Collector.Tests
{
    /// <summary>
    /// The BSCP601 suite (docs/bscp601.md) through Debian's mosquitto, as an applicant would run it against their own
    /// broker: all seven tests pass, and each of the suite's deliberate faults makes the tests it concerns fail, which
    /// shows the checks can fail. Every variant runs all seven tests, so a fault is also seen not to fail the others.
    /// </summary>
    [TestClass]
    public sealed class Bscp601Tests
    {
        private static readonly string[] All = Bscp601Suite.Tests.Select(t => t.Id).ToArray();

        public TestContext TestContext { get; set; } = null!;

        [TestMethod]
        [Timeout(600_000, CooperativeCancellation = true)]
        public Task All_seven_tests_pass_through_mosquitto()
            => RunThroughMosquitto(Bscp601Fault.None, failing: Array.Empty<string>());

        [TestMethod]
        [Timeout(600_000, CooperativeCancellation = true)]
        public Task With_the_access_keys_swapped_all_seven_fail()
            => RunThroughMosquitto(Bscp601Fault.SwapAccessKeys, failing: All);

        [TestMethod]
        [Timeout(600_000, CooperativeCancellation = true)]
        public Task Without_clock_resets_the_three_clock_tests_fail_and_the_others_pass()
            => RunThroughMosquitto(Bscp601Fault.NoClockReset, failing: new[] { "DR3-1", "DR3-2", "DR3-3" });

        private async Task RunThroughMosquitto(Bscp601Fault fault, string[] failing)
        {
            var watch = Stopwatch.StartNew();
            string directory = SharedServers.NewDirectory("bscp601");
            try
            {
                using var broker = new Mosquitto(directory);
                var output = new StringWriter();
                Bscp601Report report = await Bscp601Suite.RunAsync(
                    new Bscp601Options { Broker = ("127.0.0.1", broker.Port), OutputDirectory = Path.Combine(directory, "out"), Fault = fault },
                    output,
                    TestContext.CancellationToken);
                report.Print(output);
                string table = output.ToString();
                TestContext.WriteLine($"fault {fault}: {watch.Elapsed.TotalSeconds:0.0} s");
                TestContext.WriteLine(table);

                StringAssert.Contains(report.Broker, "127.0.0.1:" + broker.Port, "the suite ran through mosquitto, not its embedded broker");
                CollectionAssert.AreEqual(All, report.Results.Select(r => r.Id).ToArray(), "all seven tests ran");
                var wrong = new List<string>();
                foreach (Bscp601Result result in report.Results)
                {
                    bool expectPass = !failing.Contains(result.Id);
                    if (result.Passed != expectPass)
                    {
                        wrong.Add($"{result.Id} {(result.Passed ? "PASS" : "FAIL")}, expected {(expectPass ? "PASS" : "FAIL")}");
                    }
                }

                Assert.AreEqual(0, wrong.Count, $"{string.Join("; ", wrong)}\n{table}\nmosquitto log:\n{broker.Log}");
                Assert.IsTrue(File.Exists(Path.Combine(directory, "out", "bscp601-report.md")), "the Markdown report is written");
            }
            finally
            {
                SharedServers.Delete(directory);
            }
        }
    }
}
