using System;
using System.Collections.Generic;
using System.Linq;
using AssetMeter.Firmware.Clock;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Events;
using AssetMeter.Firmware.Host;
using AssetMeter.Firmware.Journal;
using AssetMeter.Firmware.Metering;
using AssetMeter.Firmware.Tests.Metering;
using AssetMeter.Hardware.Ds3231.Emulator;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Metrology.Periods;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Clock
{
    /// <summary>
    /// Time across power cuts from a battery-backed DS3231: the register-map emulator under dotnet/iot's own driver
    /// (through the meter's Linux adapter, firmware/Host/Ds3231Clock), the real meter application, emulated IC and journal.
    /// </summary>
    [TestClass]
    public class RtcHoldoverTests
    {
        private const long Second = 10_000_000;
        private const long Minute = 60 * Second;
        private const long Hour = 60 * Minute;

        /// <summary>A meter with a DS3231, synchronised for two hours (which sets the RTC), then cut off.</summary>
        private sealed class Bench
        {
            public Bench(double crystalErrorPpm = 1.5, MeteringSettings? metering = null)
            {
                // The current changes every 7 minutes, so every half hour holds a different energy: a period filled by a
                // clock that is minutes off would not match the truth.
                var load = new LoadScenario(1);
                for (int k = 0; k < 2000; k++)
                {
                    load.From(k * 420.0, PhaseLoad.At(230, 4 + (3 * (k % 5)), 0.98, true, false));
                }

                Rig = new VirtualMeterRig(new RigOptions { Ic = IcKind.Ade7953, Load = load, Metering = metering ?? new MeteringSettings() }, new MemoryStorage())
                {
                    Observer = Recorder,
                };
                Rtc = new Ds3231Emulator(() => Rig.TrueUtc) { CrystalErrorPpm = crystalErrorPpm };
                Rig.RealTimeClock = new Ds3231Clock(Rtc);
            }

            public VirtualMeterRig Rig { get; }

            public Ds3231Emulator Rtc { get; }

            public Recorder Recorder { get; } = new();

            /// <summary>True import energy at each true half-hour boundary crossed while running.</summary>
            public Dictionary<long, double> TrueImportAtBoundary { get; } = new();

            public void Run(long ticks) => Rig.Run(ticks, () =>
            {
                long boundary = Rig.TrueUtc - (Rig.TrueUtc % UtcPeriods.TicksPerPeriod);
                if (!TrueImportAtBoundary.ContainsKey(boundary))
                {
                    // Sampled at the first poll after the boundary, at most a second late: under 1 Wh at this load.
                    TrueImportAtBoundary[boundary] = Rig.Chip.TrueImportWattHours;
                }

                return false;
            });

            public List<MeterEvent> EventsSince(int index, EventCode code) => Recorder.Events.Skip(index).Where(e => e.Code == code).ToList();

            /// <summary>Boots, runs synchronised for two hours, and checks the RTC was set.</summary>
            public void SynchroniseAndCut(long outageTicks, Action? duringOutage = null)
            {
                Rig.Boot();
                Run(2 * Hour);
                Assert.AreEqual(1, EventsSince(0, EventCode.RtcSet).Count, "a synchronised meter sets its RTC once");
                Assert.IsFalse(Rtc.OscillatorStopped, "setting clears the oscillator-stop flag");
                Assert.IsTrue(Math.Abs(Rtc.InternalTicks - Rig.TrueUtc) < Second, "the RTC holds UTC to within a second");
                Rig.TimeSourceAvailable = false;
                Rig.Outage(outageTicks);
                duringOutage?.Invoke();
            }
        }

        [TestMethod]
        public void After_a_cut_without_network_for_hours_the_right_periods_are_recorded_and_flagged_until_sntp_returns()
        {
            var bench = new Bench();
            bench.SynchroniseAndCut(40 * Minute);
            int mark = bench.Recorder.Events.Count;
            int periodsBefore = bench.Recorder.Periods.Count;
            long bootUtc = bench.Rig.TrueUtc;
            bench.Rig.Boot();

            var used = bench.EventsSince(mark, EventCode.RtcTimeUsed).Single();
            Assert.IsTrue(Math.Abs(used.Value1 - bootUtc) <= used.Value2, $"RTC time {used.Value1 - bootUtc} ticks off, bound {used.Value2}");
            Assert.IsTrue(used.Value2 < 11 * Second / 10, $"bound {used.Value2} ticks: 1 s resolution plus 2 ppm of two hours");
            Assert.IsTrue(bench.Rig.Meter.Loop.Clock.IsFromRealTimeClock);

            bench.Run(3 * Hour);
            var whileOffline = bench.Recorder.Periods.Skip(periodsBefore).ToList();
            Assert.IsTrue(whileOffline.Count >= 6, $"{whileOffline.Count} periods closed in three hours without network");
            AssertFlagged(whileOffline, bootUtc);

            // Every whole period after the restart holds the true energy of that half hour: the RTC put it in the right one.
            foreach (var period in whileOffline.Where(p => p.StartTicks >= bootUtc))
            {
                double metered = period.ImportMicrowattHours / 1e6;
                double truth = bench.TrueImportAtBoundary[period.StartTicks + UtcPeriods.TicksPerPeriod] - bench.TrueImportAtBoundary[period.StartTicks];
                Assert.AreEqual(truth, metered, 3.0, $"period {new DateTime(period.StartTicks):HH:mm}: metered {metered:F2} Wh, true {truth:F2} Wh");
            }

            // The network returns: SNTP confirms, the drift is measured and logged, and the periods are clean again.
            int beforeSync = bench.Recorder.Events.Count;
            bench.Rig.TimeSourceAvailable = true;
            bench.Run(90 * Minute);
            var drift = bench.EventsSince(beforeSync, EventCode.RtcDriftMeasured).Single();
            long trueError = bench.Rtc.InternalTicks - bench.Rig.TrueUtc;
            Assert.IsTrue(Math.Abs(drift.Value1 - trueError) <= Second / 2 + Second / 100, $"measured {drift.Value1}, true {trueError}");
            Assert.IsTrue(bench.EventsSince(beforeSync, EventCode.ClockSynchronised).Count == 1);
            Assert.AreEqual(0, bench.EventsSince(beforeSync, EventCode.RtcSet).Count, "an RTC within a second is not set again");
            var last = bench.Recorder.Periods[^1];
            Assert.AreEqual(PeriodFlags.None, last.Flags, "a period after synchronisation is clean");
            Assert.IsFalse(bench.Rig.Meter.Loop.Clock.IsFromRealTimeClock);
        }

        [TestMethod]
        public void Without_the_rtc_the_same_outage_puts_energy_in_the_wrong_periods()
        {
            // The control for the test above: it can fail. No RTC, so after ten minutes without SNTP the meter carries on
            // from the last checkpoint's time, 40 minutes behind: the half hours it fills are not the true ones.
            var bench = new Bench();
            bench.SynchroniseAndCut(40 * Minute);
            bench.Rig.RealTimeClock = null;
            int periodsBefore = bench.Recorder.Periods.Count;
            bench.Rig.Boot();
            bench.Run(3 * Hour);
            int compared = 0;
            int wrong = 0;
            foreach (var period in bench.Recorder.Periods.Skip(periodsBefore))
            {
                if (bench.TrueImportAtBoundary.TryGetValue(period.StartTicks, out double start)
                    && bench.TrueImportAtBoundary.TryGetValue(period.StartTicks + UtcPeriods.TicksPerPeriod, out double end)
                    && period.StartTicks >= bench.Rig.TrueUtc - (3 * Hour))
                {
                    compared++;
                    wrong += Math.Abs((period.ImportMicrowattHours / 1e6) - (end - start)) > 50 ? 1 : 0;
                }
            }

            Assert.IsTrue(compared >= 3, $"{compared} periods compared");
            Assert.IsTrue(wrong > 0, "without an RTC the periods are filled on a clock 40 minutes behind");
        }

        [TestMethod]
        public void A_dead_backup_cell_is_refused_and_the_rtc_is_set_again_when_sntp_returns()
        {
            var bench = new Bench();
            bench.Rtc.BackupCellPresent = false;
            bench.SynchroniseAndCut(40 * Minute, () => bench.Rtc.PowerCut(() => { }));
            int mark = bench.Recorder.Events.Count;
            bench.Rig.Boot();
            var refused = bench.EventsSince(mark, EventCode.RtcRefused).Single();
            Assert.AreEqual((long)RtcRefusal.OscillatorStopped, refused.Value1);
            Assert.AreEqual(new DateTime(1900, 1, 1).Ticks, refused.Value2, "what the chip read after losing its time");
            Assert.IsFalse(bench.Rig.Meter.Loop.TimeKnown, "no time, as without an RTC");
            Assert.AreEqual(0, bench.EventsSince(mark, EventCode.RtcTimeUsed).Count);

            bench.Run(Hour);
            bench.Rig.TimeSourceAvailable = true;
            bench.Run(10 * Minute);
            Assert.AreEqual(1, bench.EventsSince(mark, EventCode.RtcSet).Count);
            Assert.IsFalse(bench.Rtc.OscillatorStopped);
            Assert.IsTrue(Math.Abs(bench.Rtc.InternalTicks - bench.Rig.TrueUtc) < Second);
        }

        [TestMethod]
        [DataRow(-2 * 24 * Hour, RtcRefusal.BeforeLastCheckpoint)]
        [DataRow(3 * 366 * 24 * Hour, RtcRefusal.TooFarAhead)]
        public void An_implausible_rtc_time_is_refused(long wrongBy, RtcRefusal reason)
        {
            var bench = new Bench();
            bench.SynchroniseAndCut(40 * Minute, () => bench.Rtc.SetInternalTime(bench.Rig.TrueUtc + wrongBy));
            int mark = bench.Recorder.Events.Count;
            bench.Rig.Boot();
            var refused = bench.EventsSince(mark, EventCode.RtcRefused).Single();
            Assert.AreEqual((long)reason, refused.Value1);
            Assert.IsFalse(bench.Rig.Meter.Loop.Clock.IsKnown);

            bench.Rig.TimeSourceAvailable = true;
            bench.Run(10 * Minute);
            Assert.AreEqual(1, bench.EventsSince(mark, EventCode.RtcSet).Count, "set right at the first synchronisation");
            Assert.IsTrue(Math.Abs(bench.Rtc.InternalTicks - bench.Rig.TrueUtc) < Second);
        }

        [TestMethod]
        public void A_plausible_but_wrong_rtc_is_used_flagged_then_stepped_logged_and_set()
        {
            // Ten minutes fast passes the plausibility checks: the meter cannot know. Its periods are flagged, and when SNTP
            // returns the clock is stepped (logged), the error is measured and the RTC is set right.
            var bench = new Bench();
            bench.SynchroniseAndCut(40 * Minute, () => bench.Rtc.SetInternalTime(bench.Rig.TrueUtc + (10 * Minute)));
            int mark = bench.Recorder.Events.Count;
            int periodsBefore = bench.Recorder.Periods.Count;
            bench.Rig.Boot();
            Assert.AreEqual(1, bench.EventsSince(mark, EventCode.RtcTimeUsed).Count);
            bench.Run(Hour);
            AssertFlagged(bench.Recorder.Periods.Skip(periodsBefore).ToList(), bench.Rig.TrueUtc - Hour);

            bench.Rig.TimeSourceAvailable = true;
            bench.Run(10 * Minute);
            var stepped = bench.EventsSince(mark, EventCode.ClockStepped).Single();
            Assert.AreEqual(-10 * Minute, stepped.Value2 - stepped.Value1, Second);
            var drift = bench.EventsSince(mark, EventCode.RtcDriftMeasured).Single();
            Assert.AreEqual(10 * Minute, drift.Value1, Second);
            Assert.AreEqual(1, bench.EventsSince(mark, EventCode.RtcSet).Count);
            Assert.IsTrue(Math.Abs(bench.Rtc.InternalTicks - bench.Rig.TrueUtc) < Second);
        }

        [TestMethod]
        public void An_rtc_that_does_not_answer_changes_nothing()
        {
            var bench = new Bench();
            bench.SynchroniseAndCut(40 * Minute, () => bench.Rtc.Unresponsive = true);
            int mark = bench.Recorder.Events.Count;
            bench.Rig.Boot();
            Assert.AreEqual((long)RtcRefusal.NoAnswer, bench.EventsSince(mark, EventCode.RtcRefused).Single().Value1);
            bench.Rig.TimeSourceAvailable = true;
            bench.Run(Hour);
            Assert.IsTrue(bench.Rig.Meter.Loop.TimeKnown);
            Assert.AreEqual(ClockQuality.Synchronised, bench.Rig.Meter.Loop.Clock.Quality(bench.Rig.Clock.Ticks));
            Assert.AreEqual(1, bench.EventsSince(mark, EventCode.RtcRefused).Count, "logged once, not at every check");
        }

        [TestMethod]
        public void A_drifting_rtc_is_set_when_a_second_off_and_its_aging_trimmed_from_the_drift()
        {
            // 3 ppm fast (beyond the DS3231's 2 ppm): after about four days it is a second ahead; the drift over those days
            // is then known well enough to trim the aging offset by 2 ppm (20 steps of 0.1 ppm, the most at one time).
            var bench = new Bench(3.0, new MeteringSettings { PreferredPollTicks = 10 * Second });
            bench.Rig.Boot();
            bench.Rig.Run(6 * 24 * Hour);
            var sets = bench.EventsSince(0, EventCode.RtcSet);
            Assert.AreEqual(2, sets.Count, "once at the first synchronisation, once when a second off");
            var trimmed = bench.EventsSince(0, EventCode.RtcAgingAdjusted).Single();
            Assert.AreEqual(20, trimmed.Value1);
            Assert.AreEqual(0, trimmed.Value2);
            Assert.AreEqual(20, bench.Rtc.AgingOffset);
            Assert.AreEqual(20, bench.Rig.Meter.Loop.RtcHoldover!.Record.AgingOffset);
            long span = (sets[1].Value1 - sets[0].Value1) / (24 * Hour);
            Assert.IsTrue(span >= 3 && span <= 5, $"second set after {span} days");
        }

        // A period that ended before the restart was cut short (PowerLost); every later one was filled on RTC time (flagged).
        private static void AssertFlagged(List<HalfHourPeriod> periods, long restartUtc)
        {
            foreach (var period in periods)
            {
                var expected = period.StartTicks + UtcPeriods.TicksPerPeriod <= restartUtc ? PeriodFlags.PowerLost : PeriodFlags.ClockUnsynchronised;
                Assert.IsTrue((period.Flags & expected) != 0, $"period {new DateTime(period.StartTicks):HH:mm} flags {period.Flags}, expected {expected}");
            }
        }

        [TestMethod]
        public void The_rtc_record_survives_a_torn_copy()
        {
            var storage = new MemoryStorage();
            var journal = new MeterJournal(storage);
            var first = new RtcSyncRecord { SetUtcTicks = 638_000_000_000_000_000, PhaseTicks = -3_000_000, AgingOffset = -7, DriftPpb = 1500, SetBoundTicks = 20_000 };
            Assert.IsTrue(journal.WriteRtcRecord(first));
            var second = new RtcSyncRecord { SetUtcTicks = first.SetUtcTicks + Hour, PhaseTicks = -1, AgingOffset = 12, DriftPpb = -40, SetBoundTicks = 9 };
            Assert.IsTrue(journal.WriteRtcRecord(second));

            var read = new RtcSyncRecord();
            Assert.IsTrue(new MeterJournal(storage).ReadRtcRecord(read));
            Assert.AreEqual(second.SetUtcTicks, read.SetUtcTicks);
            Assert.AreEqual(12, read.AgingOffset);

            // The newer copy torn: the older one is used, never a garbled one.
            var bytes = storage.Peek("rtc.b", out int length)!;
            bytes[20] ^= 0x40;
            storage.Write("rtc.b", bytes, length);
            read = new RtcSyncRecord();
            Assert.IsTrue(new MeterJournal(storage).ReadRtcRecord(read));
            Assert.AreEqual(first.SetUtcTicks, read.SetUtcTicks);
            Assert.AreEqual(-7, read.AgingOffset);
            Assert.AreEqual(-3_000_000, read.PhaseTicks);
        }
    }
}
