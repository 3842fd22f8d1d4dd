using AssetMeter.Hardware.Atm90e32;
using AssetMeter.Metrology.Energy;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Hardware.Tests.Atm90e32
{
    [TestClass]
    public sealed class EnergyConsistencyCheckTests
    {
        private const long Second = 10_000_000;

        [TestMethod]
        public void CountsThatMatchThePowerPass()
        {
            var check = New();
            for (int i = 0; i <= 20; i++)
            {
                // 2300 W for a second is 204.4 counts of 3.125 mWh.
                Assert.IsTrue(check.Add(i * Second, 2_300_000, i % 9 == 0 ? 205 : 204));
            }

            Assert.AreEqual(2300.0 * 2 / 3600 * 1e6, check.LastExpectedMicrowattHours, 1000, "a window of two seconds");
        }

        [TestMethod]
        public void NoCountsWhilePowerFlowsFailWhenTheWindowCloses()
        {
            var check = New();
            Assert.IsTrue(check.Add(0, 2_300_000, 0));
            Assert.IsTrue(check.Add(Second, 2_300_000, 0), "one interval is not a window");
            Assert.IsFalse(check.Add(2 * Second, 2_300_000, 0));
            Assert.AreEqual(0, check.LastActualMicrowattHours);
        }

        [TestMethod]
        public void ExportIsJudgedWithItsSign()
        {
            var check = New();
            check.Add(0, -2_300_000, 0);
            check.Add(Second, -2_300_000, -204);
            Assert.IsTrue(check.Add(2 * Second, -2_300_000, -205));
            Assert.IsFalse(check.Add(3 * Second, -2_300_000, 204) & check.Add(4 * Second, -2_300_000, 204), "import counts during export");
        }

        [TestMethod]
        public void LoadStepsNoLoadAndLongGapsAreNotJudged()
        {
            var check = New();
            check.Add(0, 2_300_000, 0);
            Assert.IsTrue(check.Add(Second, 100_000, 0), "a step from 2.3 kW to 100 W");
            Assert.IsTrue(check.Add(2 * Second, 20_000, 0), "below the 50 W floor");
            Assert.IsTrue(check.Add(3 * Second, 20_000, 0));
            Assert.IsTrue(check.Add(4 * Second, 2_300_000, 0));
            Assert.IsTrue(check.Add(4 * Second + EnergyConsistencyCheck.MaximumIntervalTicks + 1, 2_300_000, 0), "a gap longer than a minute");
        }

        private static EnergyConsistencyCheck New() => new(new EnergyScale(3125, 1), 50_000);
    }
}
