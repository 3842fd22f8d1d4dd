using AssetMeter.Metrology.Energy;
#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif

namespace AssetMeter.Tests.Metrology
{
    [TestClass]
    public class EnergyRegisterTests
    {
        [TestMethod]
        public void Atm90e32_default_scale_makes_320_counts_one_watt_hour()
        {
            EnergyRegister register = new EnergyRegister(new EnergyScale(3125, 1), 0);
            for (int i = 0; i < 320; i++)
            {
                register.AddCounts(1);
            }

            Assert.AreEqual(1000000L, register.MicrowattHours);
            Assert.AreEqual(0L, register.Remainder);
        }

        [TestMethod]
        public void Fractions_of_a_microwatt_hour_are_carried_not_rounded_away()
        {
            // One third of a µWh per count: three single counts make exactly one µWh.
            EnergyRegister register = new EnergyRegister(new EnergyScale(1, 3), 0);
            Assert.AreEqual(0L, register.AddCounts(1));
            Assert.AreEqual(0L, register.AddCounts(1));
            Assert.AreEqual(1L, register.AddCounts(1));
            Assert.AreEqual(1L, register.MicrowattHours);
            Assert.AreEqual(0L, register.Remainder);

            // 1000 counts of 7/3 µWh = 2333 1/3 µWh, whatever the split.
            EnergyRegister a = new EnergyRegister(new EnergyScale(7, 3), 0);
            EnergyRegister b = new EnergyRegister(new EnergyScale(7, 3), 0);
            a.AddCounts(1000);
            for (int i = 0; i < 1000; i++)
            {
                b.AddCounts(1);
            }

            Assert.AreEqual(2333L, a.MicrowattHours);
            Assert.AreEqual(a.MicrowattHours, b.MicrowattHours);
            Assert.AreEqual(a.Remainder, b.Remainder);
        }

        [TestMethod]
        public void A_negative_delta_is_refused()
        {
            EnergyRegister register = new EnergyRegister(new EnergyScale(1, 1), 10);
            bool thrown = false;
            try
            {
                register.AddCounts(-1);
            }
            catch (System.ArgumentOutOfRangeException)
            {
                thrown = true;
            }

            Assert.IsTrue(thrown);
            Assert.AreEqual(10L, register.MicrowattHours);
        }

        [TestMethod]
        public void Changing_scale_keeps_the_register_and_re_expresses_the_fraction()
        {
            EnergyRegister register = new EnergyRegister(new EnergyScale(1, 2), 0);
            register.AddCounts(3);
            Assert.AreEqual(1L, register.MicrowattHours);
            Assert.AreEqual(1L, register.Remainder);

            register.ChangeScale(new EnergyScale(1, 4));
            Assert.AreEqual(1L, register.MicrowattHours);
            Assert.AreEqual(2L, register.Remainder);
            register.AddCounts(2);
            Assert.AreEqual(2L, register.MicrowattHours);
            Assert.AreEqual(0L, register.Remainder);
        }
    }
}
