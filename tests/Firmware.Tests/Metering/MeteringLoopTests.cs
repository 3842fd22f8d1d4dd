using System;
using System.Collections.Generic;
using System.Linq;
using AssetMeter.Firmware.Clock;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Events;
using AssetMeter.Firmware.Host;
using AssetMeter.Firmware.Metering;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Metrology.Periods;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Metering
{
    /// <summary>Collects what the meter reports.</summary>
    internal sealed class Recorder : IMeterObserver
    {
        public List<HalfHourPeriod> Periods { get; } = new();

        public List<MeterEvent> Events { get; } = new();

        public void OnPeriodClosed(HalfHourPeriod period) => Periods.Add(period);

        public void OnEvent(MeterEvent meterEvent) => Events.Add(meterEvent);
    }

    [TestClass]
    public class MeteringLoopTests
    {
        private const long Second = 10_000_000;
        private static readonly long Day = new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc).Ticks;

        internal static LoadScenario ChargerLoad(int phases)
        {
            // An EV charger: idle, 32 A from 01:00 to 05:00, 16 A exporting (V2G) 17:00 to 18:30, 10 A from 20:00 to 21:00.
            var scenario = new LoadScenario(phases);
            double start = 60;
            scenario.From(0, PhaseLoad.Idle());
            scenario.From(start + 3600, PhaseLoad.At(230, 32, 0.99, true, false));
            scenario.From(start + (5 * 3600), PhaseLoad.Idle());
            scenario.From(start + (17 * 3600), PhaseLoad.At(230, 16, 1.0, true, true));
            scenario.From(start + (18.5 * 3600), PhaseLoad.Idle());
            scenario.From(start + (20 * 3600), PhaseLoad.At(230, 10, 0.95, false, false));
            scenario.From(start + (21 * 3600), PhaseLoad.Idle());
            return scenario;
        }

        [TestMethod]
        [DataRow(IcKind.Ade7953, 1)]
        [DataRow(IcKind.Atm90e32, 3)]
        public void A_day_through_the_emulated_ic_fills_48_clean_periods_with_the_true_energy(IcKind ic, int phases)
        {
            var recorder = new Recorder();
            var rig = new VirtualMeterRig(new RigOptions { Ic = ic, Load = ChargerLoad(phases) }, new MemoryStorage()) { Observer = null };
            var meter = rig.Boot();
            var periods = new List<HalfHourPeriod>();
            rig.Run(60 * Second);
            double trueImportAtMidnight = rig.Chip.TrueImportWattHours;
            double trueExportAtMidnight = rig.Chip.TrueExportWattHours;
            long importAtStart = meter.Loop.ImportMicrowattHours;
            rig.Run(24 * 3600 * Second);

            Assert.IsTrue(meter.Loop.TimeKnown);
            Assert.AreEqual(ClockQuality.Synchronised, meter.Loop.Clock.Quality(rig.Clock.Ticks));
            for (long index = Day / UtcPeriods.TicksPerPeriod; index < (Day / UtcPeriods.TicksPerPeriod) + 48; index++)
            {
                Assert.AreEqual(AssetMeter.Firmware.Journal.PeriodReadStatus.Ok, rig.Journal.TryReadPeriod(index, out var period));
                periods.Add(period);
            }

            for (int i = 0; i < 48; i++)
            {
                Assert.AreEqual(PeriodFlags.None, periods[i].Flags, $"period {i + 1}");
                if (i > 0)
                {
                    Assert.AreEqual(periods[i - 1].ImportEndMicrowattHours, periods[i].ImportStartMicrowattHours);
                }
            }

            double meteredImport = (periods[47].ImportEndMicrowattHours - periods[0].ImportStartMicrowattHours) / 1e6;
            double meteredExport = (periods[47].ExportEndMicrowattHours - periods[0].ExportStartMicrowattHours) / 1e6;
            double trueImport = rig.Chip.TrueImportWattHours - trueImportAtMidnight;
            double trueExport = rig.Chip.TrueExportWattHours - trueExportAtMidnight;
            double count = rig.Ic.Scale.MicrowattHoursPerCountNumerator / (double)rig.Ic.Scale.MicrowattHoursPerCountDenominator / 1e6;
            Assert.IsTrue(trueImport > 30_000, $"import {trueImport} Wh");
            Assert.IsTrue(Math.Abs(meteredImport - trueImport) <= 4 * count * phases, $"import metered {meteredImport} true {trueImport}");
            Assert.IsTrue(Math.Abs(meteredExport - trueExport) <= 4 * count * phases, $"export metered {meteredExport} true {trueExport}");
            Assert.IsTrue(importAtStart >= 0);
        }

        [TestMethod]
        [DataRow(IcKind.Ade7953, 1)]
        [DataRow(IcKind.Atm90e32, 3)]
        public void A_steady_state_tick_allocates_nothing(IcKind ic, int phases)
        {
            var load = new LoadScenario(phases).From(0, PhaseLoad.At(230, 20, 0.98, true, false));
            var rig = new VirtualMeterRig(new RigOptions { Ic = ic, Load = load }, new MemoryStorage());
            rig.Boot();
            rig.Run(600 * Second);

            // Warm: time known, IC running, a few checkpoints written. Now measure the meter's ticks alone.
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++)
            {
                rig.Clock.Advance(rig.Meter.Loop.PollIntervalTicks);
                rig.Meter.Tick();
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.AreEqual(0, allocated, $"{allocated} bytes over 1000 ticks");
        }
    }
}
