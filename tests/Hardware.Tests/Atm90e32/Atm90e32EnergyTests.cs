using System;
using AssetMeter.Hardware.Atm90e32;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Energy;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Hardware.Tests.Atm90e32
{
    [TestClass]
    public sealed class Atm90e32EnergyTests
    {
        private static readonly PhaseLoad Ib = new(230.0, 10.0, 0.0);

        [TestMethod]
        public void OneCountIs3125MicrowattHoursAtTheDefaultMeterConstant()
        {
            var bench = Started();

            Assert.AreEqual(3125, bench.Driver.Scale.MicrowattHoursPerCountNumerator);
            Assert.AreEqual(1, bench.Driver.Scale.MicrowattHoursPerCountDenominator);
            Assert.AreEqual(3125.0, bench.Chip.WattHoursPerCount * 1e6, 1e-9, "the chip's own pulse arithmetic agrees");
            Assert.AreEqual(RegisterKind.Unsigned16ClearOnRead, bench.Driver.EnergyRegisterKind);
        }

        [TestMethod]
        public void ASecondPollCannotOverflowTheRegisterAt100Kilowatts()
        {
            var scale = new Atm90e32Bench().Driver.Scale;

            long fill = PollSchedule.FillTicks(RegisterKind.Unsigned16ClearOnRead, scale, 100_000);
            Assert.AreEqual(73_726_875, fill, "65535 counts x 3.125 mWh = 204.8 Wh, 7.37 s at 100 kW");
            Assert.AreEqual(10_000_000, PollSchedule.IntervalTicks(RegisterKind.Unsigned16ClearOnRead, scale, 100_000, 10_000_000));
            Assert.IsTrue(fill / PollSchedule.SafetyFactor > 10_000_000, "a quarter of the fill time is longer than a second");
        }

        [TestMethod]
        public void ImportIsCountedInTheForwardRegisterOnly()
        {
            var bench = Started();
            bench.Load(Ib);
            bench.Run(60);

            Assert.AreEqual(0, bench.Export.MicrowattHours);
            AssertCounted(bench.TrueImportMicrowattHours, bench.Import.MicrowattHours, bench);
            Assert.AreEqual(3 * 2300.0 * 60 / 3600 * 1e6, bench.TrueImportMicrowattHours, 1.0);
        }

        [TestMethod]
        public void ExportIsCountedInTheReverseRegisterOnly()
        {
            var bench = Started();
            bench.Load(PhaseLoad.At(230.0, 10.0, 1.0, inductive: true, export: true));
            bench.Run(60);

            Assert.AreEqual(0, bench.Import.MicrowattHours);
            AssertCounted(bench.TrueExportMicrowattHours, bench.Export.MicrowattHours, bench);
            Assert.IsTrue(bench.Reading.ActivePowerMilliwatts < -6_800_000, "total power is negative on export");
        }

        [TestMethod]
        public void OnePhaseExportingWhileTheOthersImportNetsInTheTotalAndKeepsItsOwnDirection()
        {
            var bench = Started();
            var export = PhaseLoad.At(230.0, 10.0, 1.0, inductive: true, export: true);
            bench.Load(new[] { Ib, Ib, export });
            bench.Step(60);

            Assert.IsTrue(bench.Driver.ReadPhaseEnergy(0, out int forwardA, out int reverseA) == IcStatus.Ok);
            Assert.IsTrue(bench.Driver.ReadPhaseEnergy(2, out int forwardC, out int reverseC) == IcStatus.Ok);
            Assert.AreEqual(0, reverseA, "phase A imports");
            Assert.AreEqual(0, forwardC, "phase C exports");
            Assert.AreEqual(reverseC, forwardA, 1, "phase C exports what phase A imports");
            Assert.AreEqual(12267, forwardA, 1, "2300 W for 60 s = 38.33 Wh = 12267 counts");

            Assert.AreEqual(0, bench.Export.MicrowattHours, "polyphase arithmetic sum: the export of C is netted against A and B");
            AssertCounted(bench.TrueImportMicrowattHours, bench.Import.MicrowattHours, bench);
            Assert.AreEqual(2300.0 * 60 / 3600 * 1e6, bench.TrueImportMicrowattHours, 1.0, "the reference also nets the phases");
        }

        [TestMethod]
        public void AReadClearsTheRegister()
        {
            var bench = Started();
            bench.Load(Ib);
            bench.Chip.Advance(10);

            Assert.IsTrue(bench.Chip.Peek(Atm90e32Register.APenergyT) > 0);
            Assert.AreEqual(IcStatus.Ok, bench.Driver.ReadEnergy(bench.Reading));
            Assert.AreEqual(6133, bench.Reading.ForwardRaw, 1, "6.9 kW for 10 s = 19.17 Wh = 6133 counts");
            Assert.AreEqual(0, bench.Chip.Peek(Atm90e32Register.APenergyT), "cleared by the read");
            Assert.AreEqual(IcStatus.Ok, bench.Driver.ReadEnergy(bench.Reading));
            Assert.AreEqual(0, bench.Reading.ForwardRaw, "nothing new without time passing");
        }

        [TestMethod]
        public void ARegisterLeftUnreadPastSixteenBitsWraps()
        {
            var bench = Started();
            var imax = new PhaseLoad(230.0, 100.0, 0.0);
            bench.Load(imax);
            bench.Chip.Advance(11);

            double counts = 3 * 23000.0 * 11 / 3600 / 0.003125;
            Assert.IsTrue(counts > 65536, "more than the register holds");
            Assert.AreEqual((int)Math.Floor(counts) % 65536, bench.Chip.Peek(Atm90e32Register.APenergyT), 1, "wraps (assumed behaviour)");
        }

        [TestMethod]
        public void AtImaxOnEveryPhaseASecondPollStaysFarFromTheLimit()
        {
            var bench = Started();
            bench.Load(new PhaseLoad(230.0, 100.0, 0.0));
            bench.Run(30);

            Assert.AreEqual(6133, bench.Reading.ForwardRaw, 1, "69 kW for a second");
            Assert.AreEqual(0, bench.Refused.Count);
            AssertCounted(bench.TrueImportMicrowattHours, bench.Import.MicrowattHours, bench);
        }

        [TestMethod]
        public void NoLoadCurrentBelowTheThresholdDoesNotCreep()
        {
            var bench = Started(new MetrologyErrorModel { OffsetWatts = 1.5 });
            bench.Load(new PhaseLoad(253.0, 0.005, 0.0));
            bench.Run(600);

            Assert.AreEqual(0, bench.Import.MicrowattHours, "1.3 W + 1.5 W offset per phase, at 110% of nominal voltage, is under the 3 W threshold");
            Assert.AreEqual(0, bench.Export.MicrowattHours);
        }

        [TestMethod]
        public void TotalActivePowerIsReportedWithEachRead()
        {
            var bench = Started();
            bench.Load(new[] { Ib, new PhaseLoad(230.0, 5.0, 60.0), PhaseLoad.Idle() });
            bench.Step();

            Assert.AreEqual(2300_000 + 575_000, bench.Reading.ActivePowerMilliwatts, 20);
        }

        [TestMethod]
        public void InstantaneousValuesArePerPhaseInMilliUnits()
        {
            var bench = Started();
            var lagging = PhaseLoad.At(230.0, 10.0, 0.5, inductive: true, export: false);
            var exporting = PhaseLoad.At(240.0, 2.5, 1.0, inductive: true, export: true);
            bench.Load(new[] { Ib, lagging, exporting });
            bench.Chip.Advance(1);
            var values = new InstantaneousValues(3);

            Assert.AreEqual(IcStatus.Ok, bench.Driver.ReadInstantaneous(values));

            CollectionAssert.AreEqual(new[] { 230_000, 230_000, 240_000 }, values.VoltageMillivolts);
            CollectionAssert.AreEqual(new[] { 10_000, 10_000, 2_500 }, values.CurrentMilliamps);
            CollectionAssert.AreEqual(new[] { 1000, 500, -1000 }, values.PowerFactorThousandths);
            Assert.AreEqual(2_300_000, values.ActivePowerMilliwatts[0], 5);
            Assert.AreEqual(1_150_000, values.ActivePowerMilliwatts[1], 5);
            Assert.AreEqual(-600_000, values.ActivePowerMilliwatts[2], 5);
            Assert.AreEqual(50_000, values.FrequencyMillihertz);
        }

        [TestMethod]
        public void SteadyStateEnergyReadsAllocateNothing()
        {
            var bench = Started();
            bench.Load(Ib);
            for (int i = 0; i < 10; i++)
            {
                bench.Chip.Advance(1);
                bench.Driver.ReadEnergy(bench.Reading);
            }

            long allocated = 0;
            for (int i = 0; i < 1000; i++)
            {
                bench.Chip.Advance(1);
                long before = GC.GetAllocatedBytesForCurrentThread();
                var status = bench.Driver.ReadEnergy(bench.Reading);
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.AreEqual(IcStatus.Ok, status);
            }

            Assert.AreEqual(0, allocated, "bytes allocated by 1000 reads");
        }

        internal static Atm90e32Bench Started(MetrologyErrorModel? model = null)
        {
            var errors = model == null ? null : new[] { model, model, model };
            var bench = new Atm90e32Bench(errors);
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            return bench;
        }

        /// <summary>Counted energy equals the true energy to within two counts (the fraction left in the chip plus rounding).</summary>
        internal static void AssertCounted(double trueMicrowattHours, long countedMicrowattHours, Atm90e32Bench bench)
        {
            Assert.AreEqual(trueMicrowattHours, countedMicrowattHours, 2 * bench.CountMicrowattHours, "counted vs true, µWh");
        }
    }
}
