using System;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Host;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Metering
{
    /// <summary>
    /// The power-cut harness in the test suite: a thousand cuts in all (two ICs, several seeds), most of them in the
    /// middle of a flash write left torn. bench/powercut/run.sh runs ten thousand and prints the figures.
    /// </summary>
    [TestClass]
    public class PowerCutTests
    {
        [TestMethod]
        [DataRow(IcKind.Ade7953, 11, 300)]
        [DataRow(IcKind.Ade7953, 12, 250)]
        [DataRow(IcKind.Atm90e32, 13, 250)]
        [DataRow(IcKind.Atm90e32, 14, 200)]
        public void Nothing_journaled_is_lost_and_a_cut_takes_no_more_than_the_window(IcKind ic, int seed, int cuts)
        {
            var report = new PowerCutCampaign(ic, seed).Run(cuts);
            Console.WriteLine($"{ic} seed {seed}: {report.Cuts} cuts ({report.TornWrites} during a write), {report.PeriodsJournaled} periods, "
                + $"{report.SimulatedHours:F0} h simulated, worst loss {report.WorstLossWattHours:F3} Wh (bound {report.LossBoundWattHours:F3} Wh), {report.Elapsed.TotalSeconds:F1} s");
            Assert.AreEqual(0, report.Violations.Count, string.Join(Environment.NewLine, report.Violations));
            Assert.AreEqual(cuts, report.Cuts);
            Assert.IsTrue(report.TornWrites > cuts / 3, "most cuts should land in a write");
            Assert.IsTrue(report.PeriodsJournaled > 150, "the campaign should cross many period boundaries");
        }
    }
}
