using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector.Compliance;
using AssetMeter.Collector.Output;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Collector.Tests
{
    [TestClass]
    public sealed class DemoTests
    {
        [TestMethod]
        [Timeout(300_000, CooperativeCancellation = true)]
        public async Task The_demo_ends_with_every_record_verified_nothing_missing_and_the_data_files_written()
        {
            string directory = Path.Combine(Path.GetTempPath(), "assetmeter-demo-" + Guid.NewGuid().ToString("N"));
            var output = new StringWriter();
            try
            {
                DemoResult result = await Demo.RunAsync(new DemoOptions { OutputDirectory = directory }, output, CancellationToken.None);

                Assert.IsTrue(result.Passed, output.ToString());
                Assert.IsTrue(result.Audit.AllVerified);
                Assert.IsTrue(result.Audit.RecordsChecked > 4 * 48, $"{result.Audit.RecordsChecked} records");
                Assert.AreEqual(Demo.Fleet.Length, result.Meters.Count);
                foreach (MeterSummary meter in result.Meters)
                {
                    Assert.AreEqual(0, meter.MissingCount, meter.Meter.Serial);
                    Assert.IsTrue(meter.Stored >= 49, meter.Meter.Serial);
                }

                // The faults of the day show where they should.
                MeterSummary clockFault = result.Meters.Single(m => m.Meter.Serial == Demo.Fleet[1].Serial);
                Assert.IsTrue(clockFault.ClockChecks.Any(c => c.Verdict == "beyond" && Math.Abs(c.OffsetMilliseconds + 600_000) < 5_000), "the 10-minute clock error is measured");
                Assert.IsTrue(clockFault.Commands.Any(c => c.Operation == "clock" && c.Result == "ok"), "and reset");
                MeterSummary powerCut = result.Meters.Single(m => m.Meter.Serial == Demo.Fleet[2].Serial);
                Assert.IsTrue(powerCut.FlagCounts.ContainsKey("power-lost"));
                string report = File.ReadAllText(result.Report);
                StringAssert.Contains(report, "bad-signature", "the forged record is in quarantine");
                StringAssert.Contains(report, "every stored record verified");

                // 7 AMSIDs, each with its UTC and settlement file.
                Assert.AreEqual(14, result.Files.Files.Count);
                Assert.IsTrue(result.Files.Files.All(File.Exists));

                // The operational streams summed into the two portfolios, and the settlement files: the charger whose
                // meter over-reads by 5 % is caught by the delivery check, the others are corroborated.
                DemoSettlementResult settlement = result.Settlement!;
                Assert.AreEqual(0, settlement.Operational!.Counters.OffSchedule);
                Assert.IsTrue(settlement.Operational.Counters.Accepted > 4 * 60 * 20, $"{settlement.Operational.Counters.Accepted} operational readings");
                Assert.AreEqual(4, settlement.PortfolioFiles.Count);
                Assert.IsTrue(settlement.Accuracy.All(a => a.Seconds == 86_400 && a.Complete > 60_000), string.Join(", ", settlement.Accuracy.Select(a => $"{a.Portfolio} {a.Complete}/{a.Seconds}")));
                Assert.AreEqual(0, settlement.Settlement.IdentityFailures);
                Assert.AreEqual(3 * 48, settlement.Settlement.SitePeriods);
                var verdicts = settlement.Settlement.Checks.ToDictionary(c => (c.Instruction.Id, c.Mpan), c => c.Verdict);
                Assert.AreEqual("corroborated", verdicts[("evs-turn-down", DemoSettlement.Sites[0].Mpan)]);
                Assert.AreEqual("uncorroborated", verdicts[("evs-turn-down", DemoSettlement.Sites[2].Mpan)], "am-demo-04 over-reads by 5 %");
                Assert.AreEqual("corroborated", verdicts[("battery-discharge", DemoSettlement.Sites[1].Mpan)], "the heat pump behind the same boundary is taken out");
                Assert.IsTrue(settlement.Settlement.Files.All(File.Exists));
                Assert.IsTrue(File.Exists(Path.Combine(directory, "settlement", "delivered", "20261123-amsid-pair-delivered-volumes.csv")));
                StringAssert.Contains(report, "**uncorroborated**");
                StringAssert.Contains(report, "## Operational metering and portfolios");
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, true);
                }
            }
        }
    }
}
