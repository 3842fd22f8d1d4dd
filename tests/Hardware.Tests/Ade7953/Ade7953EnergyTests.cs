using System;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Energy;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Hardware.Tests
{
    using AssetMeter.Hardware.Ade7953;

    /// <summary>What AENERGYA means to the metrology core: sign, wrap, accumulating versus read-with-reset, no creep.</summary>
    [TestClass]
    public class Ade7953EnergyTests
    {
        [TestMethod]
        public void Import_counts_into_the_import_register_only()
        {
            var bench = Started();
            bench.Load(Ade7953Bench.At(10, 1.0, true, false));

            bench.Run(600);

            Assert.AreEqual(0, bench.Export.MicrowattHours);
            Assert.AreEqual(2300.0 * 600 / 3600, bench.CountedNetWattHours, 2 * Ade7953Bench.CountWattHours);
            Assert.AreEqual(bench.TrueNetWattHours, bench.CountedNetWattHours, 2 * Ade7953Bench.CountWattHours);
        }

        [TestMethod]
        public void Export_runs_the_register_backwards_and_counts_into_the_export_register_only()
        {
            var bench = Started();
            bench.Load(Ade7953Bench.At(10, 1.0, true, true));

            bench.Run(600);

            Assert.AreEqual(0, bench.Import.MicrowattHours);
            Assert.AreEqual(0, bench.Count(IcStatus.EnergyInconsistent), "energy falling with negative power is consistent");
            Assert.AreEqual(-2300.0 * 600 / 3600, bench.CountedNetWattHours, 2 * Ade7953Bench.CountWattHours);
            Assert.IsTrue(bench.Reading.ActivePowerMilliwatts < -2_299_000 && bench.Reading.ActivePowerMilliwatts > -2_301_000, "AWATT is negative too");
        }

        [TestMethod]
        public void Import_then_export_nets_within_each_second_and_splits_between_seconds()
        {
            var bench = Started();
            bench.Load(Ade7953Bench.At(20, 1.0, true, false));
            bench.Run(300);
            bench.Load(Ade7953Bench.At(5, 1.0, true, true));
            bench.Run(300);

            Assert.AreEqual(4600.0 * 300 / 3600, bench.Import.MicrowattHours / 1e6, 2 * Ade7953Bench.CountWattHours);
            Assert.AreEqual(1150.0 * 300 / 3600, bench.Export.MicrowattHours / 1e6, 2 * Ade7953Bench.CountWattHours);
        }

        [TestMethod]
        public void The_24_bit_register_wraps_many_times_at_Imax_without_losing_a_count()
        {
            var bench = Started();
            bench.Load(Ade7953Bench.At(63, 1.0, true, false));

            bench.Run(2 * 3600);

            // 14.5 kW for two hours is 29 kWh, 566 million counts: the register wraps 33 times.
            double counts = bench.TrueNetWattHours / Ade7953Bench.CountWattHours;
            Assert.IsTrue(counts > 30 * 0x1000000, "wrapped at least 30 times: " + counts);
            Assert.AreEqual(bench.TrueNetWattHours, bench.CountedNetWattHours, 2 * Ade7953Bench.CountWattHours);
            Assert.AreEqual(0, bench.Count(DeltaStatus.Implausible));
        }

        [TestMethod]
        public void Export_wraps_backwards_many_times_without_losing_a_count()
        {
            var bench = Started();
            bench.Load(Ade7953Bench.At(63, 0.8, false, true));

            bench.Run(2 * 3600);

            Assert.AreEqual(bench.TrueNetWattHours, bench.CountedNetWattHours, 2 * Ade7953Bench.CountWattHours);
            Assert.IsTrue(bench.CountedNetWattHours < -20_000);
        }

        [TestMethod]
        public void Accumulating_and_read_with_reset_count_the_same_energy_when_every_read_succeeds()
        {
            var accumulating = Started(Ade7953EnergyMode.Accumulating);
            var clearing = Started(Ade7953EnergyMode.ReadWithReset);
            Assert.AreEqual(RegisterKind.Signed24ClearOnRead, clearing.Driver.EnergyRegisterKind);
            Assert.AreEqual(Ade7953Bits.ReadWithReset, clearing.Chip.Peek(Ade7953Register.LineCycleMode));

            foreach (var bench in new[] { accumulating, clearing })
            {
                bench.Load(Ade7953Bench.At(10, 0.5, true, false));
                bench.Run(1800);
                Assert.AreEqual(bench.TrueNetWattHours, bench.CountedNetWattHours, 2 * Ade7953Bench.CountWattHours);
            }
        }

        [TestMethod]
        public void A_read_lost_after_the_chip_sent_it_loses_energy_with_read_with_reset_and_nothing_when_accumulating()
        {
            var accumulating = Started(Ade7953EnergyMode.Accumulating);
            var clearing = Started(Ade7953EnergyMode.ReadWithReset);
            foreach (var bench in new[] { accumulating, clearing })
            {
                bench.Load(Ade7953Bench.At(10, 1.0, true, false));
                bench.Run(60);

                // The chip answers, but the reading never reaches the metrology core (the task is killed, the
                // watchdog fires): with RSTREAD set the chip has already cleared what it sent.
                bench.Chip.Advance(1);
                Assert.AreEqual(IcStatus.Ok, bench.Driver.ReadEnergy(new EnergyReading()));
                bench.Run(60);
            }

            double oneSecond = 2300.0 / 3600;
            Assert.AreEqual(accumulating.TrueNetWattHours, accumulating.CountedNetWattHours, 2 * Ade7953Bench.CountWattHours);
            Assert.AreEqual(clearing.TrueNetWattHours - oneSecond, clearing.CountedNetWattHours, 2 * Ade7953Bench.CountWattHours);
        }

        [TestMethod]
        public void Nothing_is_counted_below_the_no_load_threshold()
        {
            // 10 mA of leakage at 230 V is 2.3 W, under the 3.81 W no-load level: a meter must not creep.
            var bench = Started(error: new MetrologyErrorModel { OffsetWatts = 0.5 });
            bench.Load(new PhaseLoad(230, 0.010, 0));

            bench.Run(3600);

            Assert.AreEqual(0, bench.Import.MicrowattHours);
            Assert.AreEqual(0, bench.Export.MicrowattHours);
            Assert.AreEqual(IcStatus.Ok, bench.Driver.CheckHealth());
        }

        [TestMethod]
        public void ReadEnergy_allocates_nothing_in_its_steady_state()
        {
            var bench = Started();
            bench.Load(Ade7953Bench.At(10, 0.8, false, false));
            var reading = new EnergyReading();
            bench.Chip.Advance(1);
            Assert.AreEqual(IcStatus.Ok, bench.Driver.ReadEnergy(reading)); // warm up (JIT, first-use paths)

            long allocated = 0;
            for (int i = 0; i < 1000; i++)
            {
                bench.Chip.Advance(1);
                long before = GC.GetAllocatedBytesForCurrentThread();
                IcStatus status = bench.Driver.ReadEnergy(reading);
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.AreEqual(IcStatus.Ok, status);
            }

            Assert.AreEqual(0, allocated);
        }

        [TestMethod]
        public void ReadInstantaneous_gives_voltage_current_power_power_factor_and_frequency()
        {
            var bench = Started();
            bench.Load(new PhaseLoad(231.5, 12.25, 60, 49.95));
            bench.Chip.Advance(1);
            var values = new InstantaneousValues(1);

            Assert.AreEqual(IcStatus.Ok, bench.Driver.ReadInstantaneous(values));

            Assert.AreEqual(231_500, values.VoltageMillivolts[0], 2);
            Assert.AreEqual(12_250, values.CurrentMilliamps[0], 2);
            Assert.AreEqual((long)Math.Round(231.5 * 12.25 * 0.5 * 1000), values.ActivePowerMilliwatts[0], 10);
            Assert.AreEqual(500, values.PowerFactorThousandths[0]);
            Assert.AreEqual(49_950, values.FrequencyMillihertz, 15, "Period resolution is 0.0224% at 50 Hz");
        }

        [TestMethod]
        public void The_power_factor_is_negative_on_export()
        {
            var bench = Started();
            bench.Load(Ade7953Bench.At(10, 0.8, false, true));
            bench.Chip.Advance(1);
            var values = new InstantaneousValues(1);

            Assert.AreEqual(IcStatus.Ok, bench.Driver.ReadInstantaneous(values));

            Assert.AreEqual(-800, values.PowerFactorThousandths[0]);
            Assert.IsTrue(values.ActivePowerMilliwatts[0] < 0);
        }

        private static Ade7953Bench Started(Ade7953EnergyMode mode = Ade7953EnergyMode.Accumulating, MetrologyErrorModel? error = null)
        {
            var bench = new Ade7953Bench(error, mode: mode);
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            bench.Step();
            return bench;
        }
    }
}
