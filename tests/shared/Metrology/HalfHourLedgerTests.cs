using AssetMeter.Metrology.Periods;
using AssetMeter.Metrology.Settlement;
#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif

namespace AssetMeter.Tests.Metrology
{
    [TestClass]
    public class HalfHourLedgerTests
    {
        private const long Second = UtcPeriods.TicksPerSecond;
        private const long Minute = 60 * Second;
        private const long Period = UtcPeriods.TicksPerPeriod;

        // 2026-11-23T00:00:00Z in DateTime ticks.
        private static long Midnight()
        {
            return CivilCalendar.DayNumber(2026, 11, 23) * CivilCalendar.TicksPerDay;
        }

        [TestMethod]
        public void A_reading_exactly_on_the_boundary_closes_the_period_with_all_its_energy()
        {
            PeriodCollector closed = new PeriodCollector(4);
            HalfHourLedger ledger = new HalfHourLedger(closed);
            long t0 = Midnight();
            ledger.Start(t0, 0, 0, PeriodFlags.None);
            ledger.Record(t0 + Period, 5000, 7, PeriodFlags.None);

            Assert.AreEqual(1, closed.Count);
            Assert.AreEqual(t0, closed[0].StartTicks);
            Assert.AreEqual(5000L, closed[0].ImportMicrowattHours);
            Assert.AreEqual(7L, closed[0].ExportMicrowattHours);
            Assert.AreEqual((int)PeriodFlags.None, (int)closed[0].Flags);
            Assert.AreEqual(t0 + Period, ledger.OpenPeriod.StartTicks);
            Assert.AreEqual(0L, ledger.OpenPeriod.ImportMicrowattHours);
        }

        [TestMethod]
        public void An_interval_spanning_a_boundary_is_apportioned_by_time()
        {
            PeriodCollector closed = new PeriodCollector(4);
            HalfHourLedger ledger = new HalfHourLedger(closed);
            long t0 = Midnight();
            ledger.Start(t0, 1000, 0, PeriodFlags.None);
            ledger.Record(t0 + Period - Minute, 0, 0, PeriodFlags.None);

            // Four minutes, one before the boundary and three after: a quarter of the energy goes before it.
            ledger.Record(t0 + Period + (3 * Minute), 4000, 0, PeriodFlags.None);
            Assert.AreEqual(1, closed.Count);
            Assert.AreEqual(1000L, closed[0].ImportMicrowattHours);
            Assert.AreEqual(1000L, closed[0].ImportStartMicrowattHours);
            Assert.AreEqual(2000L, closed[0].ImportEndMicrowattHours);
            Assert.AreEqual(3000L, ledger.OpenPeriod.ImportMicrowattHours);
            Assert.AreEqual(2000L, ledger.OpenPeriod.ImportStartMicrowattHours);
        }

        [TestMethod]
        public void Periods_chain_and_a_long_interval_closes_every_period_it_spans()
        {
            PeriodCollector closed = new PeriodCollector(8);
            HalfHourLedger ledger = new HalfHourLedger(closed);
            long t0 = Midnight();
            ledger.Start(t0, 0, 0, PeriodFlags.None);
            ledger.Record(t0 + (3 * Period) + (15 * Minute), 3500, 0, PeriodFlags.IcFault);

            Assert.AreEqual(3, closed.Count);
            long total = 0;
            for (int i = 0; i < closed.Count; i++)
            {
                Assert.AreEqual(t0 + (i * Period), closed[i].StartTicks);
                Assert.IsTrue((closed[i].Flags & PeriodFlags.IcFault) != 0);
                if (i > 0)
                {
                    Assert.AreEqual(closed[i - 1].ImportEndMicrowattHours, closed[i].ImportStartMicrowattHours);
                }

                total += closed[i].ImportMicrowattHours;
            }

            Assert.AreEqual(closed[2].ImportEndMicrowattHours, ledger.OpenPeriod.ImportStartMicrowattHours);
            Assert.AreEqual(3500L, total + ledger.OpenPeriod.ImportMicrowattHours);
            Assert.AreEqual(1000L, closed[0].ImportMicrowattHours);
            Assert.AreEqual(500L, ledger.OpenPeriod.ImportMicrowattHours);
        }

        [TestMethod]
        public void Starting_inside_a_period_flags_it_partial()
        {
            PeriodCollector closed = new PeriodCollector(2);
            HalfHourLedger ledger = new HalfHourLedger(closed);
            ledger.Start(Midnight() + (10 * Minute), 0, 0, PeriodFlags.ClockUnsynchronised);
            Assert.AreEqual(Midnight(), ledger.OpenPeriod.StartTicks);
            Assert.AreEqual((int)(PeriodFlags.Partial | PeriodFlags.ClockUnsynchronised), (int)ledger.OpenPeriod.Flags);
        }

        [TestMethod]
        public void A_forward_clock_step_closes_the_skipped_periods_empty_and_flagged()
        {
            PeriodCollector closed = new PeriodCollector(4);
            HalfHourLedger ledger = new HalfHourLedger(closed);
            long t0 = Midnight();
            ledger.Start(t0, 0, 0, PeriodFlags.None);
            ledger.Record(t0 + (25 * Minute), 100, 0, PeriodFlags.None);
            ledger.StepClock(t0 + (65 * Minute));

            Assert.AreEqual(2, closed.Count);
            Assert.AreEqual(100L, closed[0].ImportMicrowattHours);
            Assert.AreEqual(0L, closed[1].ImportMicrowattHours);
            Assert.AreEqual((int)PeriodFlags.ClockAdjusted, (int)closed[0].Flags);
            Assert.AreEqual((int)PeriodFlags.ClockAdjusted, (int)closed[1].Flags);
            Assert.AreEqual(t0 + (2 * Period), ledger.OpenPeriod.StartTicks);
            Assert.AreEqual((int)PeriodFlags.ClockAdjusted, (int)ledger.OpenPeriod.Flags);
        }

        [TestMethod]
        public void A_backward_clock_step_keeps_the_period_open_until_time_catches_up()
        {
            PeriodCollector closed = new PeriodCollector(4);
            HalfHourLedger ledger = new HalfHourLedger(closed);
            long t0 = Midnight();
            ledger.Start(t0, 0, 0, PeriodFlags.None);
            ledger.Record(t0 + Period + (5 * Minute), 0, 0, PeriodFlags.None);
            Assert.AreEqual(1, closed.Count);

            // Stepped back ten minutes, into the period already closed: its data must not change.
            ledger.StepClock(t0 + Period - (5 * Minute));
            ledger.Record(t0 + Period - (4 * Minute), 60, 0, PeriodFlags.None);
            ledger.Record(t0 + Period + (5 * Minute), 540, 0, PeriodFlags.None);
            Assert.AreEqual(1, closed.Count);
            Assert.AreEqual(0L, closed[0].ImportMicrowattHours);
            Assert.AreEqual(600L, ledger.OpenPeriod.ImportMicrowattHours);
            Assert.AreEqual((int)PeriodFlags.ClockAdjusted, (int)ledger.OpenPeriod.Flags);

            ledger.Record(t0 + (2 * Period), 250, 0, PeriodFlags.None);
            Assert.AreEqual(2, closed.Count);
            Assert.AreEqual(850L, closed[1].ImportMicrowattHours);
        }

        [TestMethod]
        public void Power_restored_after_a_cut_closes_the_outage_periods_flagged()
        {
            PeriodCollector before = new PeriodCollector(2);
            HalfHourLedger first = new HalfHourLedger(before);
            long t0 = Midnight();
            first.Start(t0, 500, 20, PeriodFlags.None);
            first.Record(t0 + (10 * Minute), 300, 0, PeriodFlags.None);
            LedgerCheckpoint checkpoint = first.Checkpoint;

            PeriodCollector after = new PeriodCollector(4);
            HalfHourLedger second = new HalfHourLedger(after);
            second.Restore(checkpoint);
            second.PowerRestored(t0 + (70 * Minute));

            Assert.AreEqual(2, after.Count);
            Assert.AreEqual(300L, after[0].ImportMicrowattHours);
            Assert.AreEqual(800L, after[0].ImportEndMicrowattHours);
            Assert.AreEqual(0L, after[1].ImportMicrowattHours);
            PeriodFlags outage = PeriodFlags.PowerLost | PeriodFlags.Partial;
            Assert.AreEqual((int)outage, (int)after[0].Flags);
            Assert.AreEqual((int)outage, (int)after[1].Flags);
            Assert.AreEqual((int)outage, (int)second.OpenPeriod.Flags);
            Assert.AreEqual(800L, second.ImportMicrowattHours);
            Assert.AreEqual(20L, second.ExportMicrowattHours);
        }

        [TestMethod]
        public void An_inconsistent_checkpoint_is_refused()
        {
            LedgerCheckpoint checkpoint = new LedgerCheckpoint();
            checkpoint.Open.StartTicks = Midnight();
            checkpoint.Open.ImportStartMicrowattHours = 100;
            checkpoint.Open.ImportEndMicrowattHours = 50;
            checkpoint.LastTicks = Midnight();
            HalfHourLedger ledger = new HalfHourLedger(new PeriodCollector(1));
            bool refused = false;
            try
            {
                ledger.Restore(checkpoint);
            }
            catch (System.ArgumentException)
            {
                refused = true;
            }

            Assert.IsTrue(refused);
            Assert.IsFalse(ledger.IsStarted);
        }
    }
}
