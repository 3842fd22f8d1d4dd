using System;
using System.Collections.Generic;
using System.Linq;
using AssetMeter.Firmware.Events;
using AssetMeter.Firmware.Host;
using AssetMeter.Firmware.Journal;
using AssetMeter.Metrology.Periods;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Journal
{
    [TestClass]
    public class MeterJournalTests
    {
        private static readonly long Start = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

        internal static List<HalfHourPeriod> Chain(long firstStartTicks, int count, int seed = 1)
        {
            var random = new Random(seed);
            var periods = new List<HalfHourPeriod>();
            long import = 1_000_000;
            long export = 0;
            for (int i = 0; i < count; i++)
            {
                var period = new HalfHourPeriod
                {
                    StartTicks = firstStartTicks + (i * UtcPeriods.TicksPerPeriod),
                    ImportStartMicrowattHours = import,
                    ExportStartMicrowattHours = export,
                    Flags = (PeriodFlags)random.Next(0, 128),
                };
                import += random.Next(0, 3_000_000) * 1000L;
                export += random.Next(0, 10) == 0 ? random.Next(0, 500_000) : 0;
                period.ImportEndMicrowattHours = import;
                period.ExportEndMicrowattHours = export;
                periods.Add(period);
            }

            return periods;
        }

        private static void Append(MeterJournal journal, IEnumerable<HalfHourPeriod> periods)
        {
            foreach (var period in periods)
            {
                Assert.AreEqual(JournalResult.Ok, journal.AppendPeriod(period, out _, out _));
            }
        }

        private static void AssertReadsBack(MeterJournal journal, IReadOnlyList<HalfHourPeriod> periods)
        {
            foreach (var expected in periods)
            {
                Assert.AreEqual(PeriodReadStatus.Ok, journal.TryReadPeriod(expected.StartTicks / UtcPeriods.TicksPerPeriod, out var actual));
                Assert.AreEqual(expected, actual);
            }
        }

        [TestMethod]
        public void Periods_survive_a_restart_across_segment_boundaries()
        {
            var storage = new MemoryStorage();
            var periods = Chain(Start + (17 * UtcPeriods.TicksPerPeriod), 700);
            var journal = new MeterJournal(storage);
            journal.Recover();
            Append(journal, periods);
            AssertReadsBack(journal, periods);

            var again = new MeterJournal(storage);
            var recovery = again.Recover();
            Assert.AreEqual(700, recovery.PeriodCount);
            Assert.AreEqual(0, recovery.TotalFindings);
            Assert.AreEqual(periods[^1].StartTicks / UtcPeriods.TicksPerPeriod, recovery.LastPeriodIndex);
            AssertReadsBack(again, periods);

            // One copy per sealed segment, two for the segment being written.
            long firstSegment = PeriodSegment.SegmentOf(periods[0].StartTicks / UtcPeriods.TicksPerPeriod);
            long lastSegment = PeriodSegment.SegmentOf(periods[^1].StartTicks / UtcPeriods.TicksPerPeriod);
            Assert.AreEqual((int)(lastSegment - firstSegment) + 2, storage.Names.Count(n => n.StartsWith('s')));

            // Appending carries on where it stopped.
            var next = new HalfHourPeriod
            {
                StartTicks = periods[^1].EndTicks,
                ImportStartMicrowattHours = periods[^1].ImportEndMicrowattHours,
                ImportEndMicrowattHours = periods[^1].ImportEndMicrowattHours + 5,
                ExportStartMicrowattHours = periods[^1].ExportEndMicrowattHours,
                ExportEndMicrowattHours = periods[^1].ExportEndMicrowattHours,
            };
            Assert.AreEqual(JournalResult.Ok, again.AppendPeriod(next, out _, out _));
        }

        [TestMethod]
        public void A_period_that_does_not_chain_is_refused()
        {
            var journal = new MeterJournal(new MemoryStorage());
            journal.Recover();
            var periods = Chain(Start, 3);
            Append(journal, periods.Take(2));
            var broken = periods[2];
            broken.ImportStartMicrowattHours += 1;
            Assert.ThrowsExactly<InvalidOperationException>(() => journal.AppendPeriod(broken, out _, out _));
            var gap = periods[2];
            gap.StartTicks += UtcPeriods.TicksPerPeriod;
            Assert.ThrowsExactly<InvalidOperationException>(() => journal.AppendPeriod(gap, out _, out _));
        }

        [TestMethod]
        [DataRow(TornWrite.NotWritten)]
        [DataRow(TornWrite.Truncated)]
        [DataRow(TornWrite.GarbledTail)]
        [DataRow(TornWrite.Empty)]
        public void A_torn_segment_write_loses_only_that_write(TornWrite tear)
        {
            var memory = new MemoryStorage();
            var storage = new FaultInjectingStorage(memory, 3);
            var periods = Chain(Start, 300);
            var journal = new MeterJournal(storage);
            journal.Recover();
            Append(journal, periods.Take(299));

            storage.ArmCut(1, tear);
            Assert.AreEqual(JournalResult.WriteFailed, journal.AppendPeriod(periods[299], out _, out _));
            storage.PowerUp();

            var recovered = new MeterJournal(memory);
            var recovery = recovered.Recover();
            Assert.AreEqual(0, recovery.FindingCount, "a torn last write is not a corruption");
            Assert.AreEqual(periods[298].StartTicks / UtcPeriods.TicksPerPeriod, recovery.LastPeriodIndex);
            AssertReadsBack(recovered, periods.Take(299).ToList());
        }

        [TestMethod]
        public void After_repairing_from_the_older_copy_the_next_write_does_not_overwrite_it()
        {
            // Found by the power-cut harness: the newest copy's tail was garbled, recovery pieced the segment
            // together from the older copy, and the next write (torn again) went over that older copy.
            var memory = new MemoryStorage();
            var storage = new FaultInjectingStorage(memory, 21);
            var periods = Chain(Start, 40);
            var journal = new MeterJournal(storage);
            journal.Recover();
            Append(journal, periods.Take(30));

            // Newest copy after 30 appends is ".b"; garble its last eleven entries in place.
            string newest = memory.Names.Single(n => n.StartsWith('s') && n.EndsWith(".b"));
            for (int entry = 19; entry < 30; entry++)
            {
                storage.FlipBit(newest, 36 + (entry * 15) + 4);
            }

            // Entries 19..28 come back from the older copy; entry 29 existed only in the garbled copy: a torn write.
            var second = new MeterJournal(storage);
            Assert.AreEqual(periods[28].StartTicks / UtcPeriods.TicksPerPeriod, second.Recover().LastPeriodIndex);
            storage.ArmCut(1, TornWrite.Truncated);
            Assert.AreEqual(JournalResult.WriteFailed, second.AppendPeriod(periods[29], out _, out _));
            storage.PowerUp();

            var third = new MeterJournal(memory);
            var recovery = third.Recover();
            Assert.AreEqual(0, recovery.FindingCount);
            Assert.AreEqual(periods[28].StartTicks / UtcPeriods.TicksPerPeriod, recovery.LastPeriodIndex);
            AssertReadsBack(third, periods.Take(29).ToList());
        }

        [TestMethod]
        public void A_corrupted_entry_is_reported_and_the_rest_of_its_segment_is_kept()
        {
            var memory = new MemoryStorage();
            var storage = new FaultInjectingStorage(memory, 5);
            var periods = Chain(Start, 500);
            var journal = new MeterJournal(storage);
            journal.Recover();
            Append(journal, periods);

            // Segment 0 of this journal is sealed (one copy). Damage the entry of its 100th period.
            string sealedName = memory.Names.First(n => n.StartsWith('s'));
            long segmentNumber = long.Parse(sealedName[1..^2]);
            long firstIndex = periods[0].StartTicks / UtcPeriods.TicksPerPeriod;
            long damagedIndex = firstIndex + 100;
            int position = (int)(damagedIndex - (segmentNumber * PeriodSegment.PeriodsPerSegment) - (firstIndex % PeriodSegment.PeriodsPerSegment));
            Assert.IsTrue(storage.FlipBit(sealedName, 36 + (position * 15) + 3));

            var recovered = new MeterJournal(memory);
            var recovery = recovered.Recover();
            Assert.AreEqual(1, recovery.FindingCount);
            Assert.AreEqual(JournalFindingKind.EntriesCorrupt, recovery.FindingAt(0).Kind);
            Assert.AreEqual(damagedIndex, recovery.FindingAt(0).Value1);
            Assert.AreEqual(damagedIndex, recovery.FindingAt(0).Value2);

            Assert.AreEqual(PeriodReadStatus.Corrupt, recovered.TryReadPeriod(damagedIndex, out _));
            Assert.AreEqual(PeriodReadStatus.StartUnknown, recovered.TryReadPeriod(damagedIndex + 1, out _));
            AssertReadsBack(recovered, periods.Where(p => Math.Abs((p.StartTicks / UtcPeriods.TicksPerPeriod) - damagedIndex - 0.5) > 1).ToList());
        }

        [TestMethod]
        public void A_corrupted_entry_in_the_segment_being_written_is_repaired_from_its_other_copy()
        {
            var memory = new MemoryStorage();
            var storage = new FaultInjectingStorage(memory, 5);
            var periods = Chain(Start, 20);
            var journal = new MeterJournal(storage);
            journal.Recover();
            Append(journal, periods);

            // 20 writes alternate a/b: the newest is s<k>.b. Damage entry 5 there; s<k>.a still has it intact.
            string newest = memory.Names.Single(n => n.EndsWith(".b") && n.StartsWith('s'));
            Assert.IsTrue(storage.FlipBit(newest, 36 + (5 * 15) + 2));

            var recovered = new MeterJournal(memory);
            Assert.AreEqual(0, recovered.Recover().FindingCount);
            AssertReadsBack(recovered, periods);
        }

        [TestMethod]
        public void Checkpoint_copies_alternate_and_the_newest_intact_one_wins()
        {
            var memory = new MemoryStorage();
            var storage = new FaultInjectingStorage(memory, 9);
            var journal = new MeterJournal(storage);
            journal.Recover();
            for (int i = 1; i <= 5; i++)
            {
                Assert.IsTrue(journal.WriteCheckpoint(new MeterCheckpoint { NextPagination = i, TimeKnown = true }));
            }

            storage.ArmCut(1, TornWrite.GarbledTail);
            Assert.IsFalse(journal.WriteCheckpoint(new MeterCheckpoint { NextPagination = 6 }));
            storage.PowerUp();

            var recovery = new MeterJournal(memory).Recover();
            Assert.IsNotNull(recovery.Checkpoint);
            Assert.AreEqual(5L, recovery.Checkpoint.NextPagination);
        }

        [TestMethod]
        public void A_stale_checkpoint_yields_to_the_journaled_periods()
        {
            var memory = new MemoryStorage();
            var journal = new MeterJournal(memory);
            journal.Recover();
            var periods = Chain(Start, 10);
            Append(journal, periods.Take(5));
            var checkpoint = new MeterCheckpoint { TimeKnown = true };
            checkpoint.Ledger.Open = periods[5] with { ImportEndMicrowattHours = periods[5].ImportStartMicrowattHours };
            checkpoint.Ledger.LastTicks = periods[5].StartTicks;
            journal.WriteCheckpoint(checkpoint);
            Append(journal, periods.Skip(5));

            var recovery = new MeterJournal(memory).Recover();
            Assert.IsTrue(recovery.CheckpointRebuilt);
            Assert.AreEqual(JournalFindingKind.CheckpointStale, recovery.FindingAt(0).Kind);
            Assert.AreEqual(periods[9].EndTicks, recovery.Checkpoint!.Ledger.Open.StartTicks);
            Assert.AreEqual(periods[9].ImportEndMicrowattHours, recovery.Checkpoint.Ledger.Open.ImportStartMicrowattHours);
            Assert.AreEqual(PeriodFlags.PowerLost | PeriodFlags.Partial, recovery.Checkpoint.Ledger.Open.Flags);
        }

        [TestMethod]
        public void The_oldest_segment_is_dropped_quietly_only_once_acknowledged()
        {
            var memory = new MemoryStorage();
            var journal = new MeterJournal(memory, 3, 2);
            journal.Recover();
            var periods = Chain(Start, 4 * PeriodSegment.PeriodsPerSegment);
            long firstIndex = periods[0].StartTicks / UtcPeriods.TicksPerPeriod;
            var results = new List<(JournalResult Result, long First, long Last)>();
            foreach (var period in periods)
            {
                var result = journal.AppendPeriod(period, out long first, out long last);
                if (result != JournalResult.Ok)
                {
                    results.Add((result, first, last));
                }
            }

            // Nothing acknowledged: making room for the fourth segment drops the first, and says which periods.
            Assert.AreEqual(1, results.Count);
            Assert.AreEqual(JournalResult.DroppedUnacknowledged, results[0].Result);
            Assert.AreEqual(firstIndex, results[0].First);
            Assert.AreEqual(firstIndex + PeriodSegment.PeriodsPerSegment - 1, results[0].Last);

            journal.AcknowledgedPeriodIndex = periods[^1].StartTicks / UtcPeriods.TicksPerPeriod;
            var next = new HalfHourPeriod
            {
                StartTicks = periods[^1].EndTicks,
                ImportStartMicrowattHours = periods[^1].ImportEndMicrowattHours,
                ImportEndMicrowattHours = periods[^1].ImportEndMicrowattHours,
                ExportStartMicrowattHours = periods[^1].ExportEndMicrowattHours,
                ExportEndMicrowattHours = periods[^1].ExportEndMicrowattHours,
            };
            Assert.AreEqual(JournalResult.DroppedAcknowledged, journal.AppendPeriod(next, out _, out _));
        }

        [TestMethod]
        public void Events_are_kept_in_order_across_files_and_restarts()
        {
            var memory = new MemoryStorage();
            var journal = new MeterJournal(memory, 4, 3);
            journal.Recover();
            for (uint sequence = 1; sequence <= 300; sequence++)
            {
                Assert.IsTrue(journal.AppendEvent(new MeterEvent { Sequence = sequence, UtcTicks = Start + sequence, Code = EventCode.IcFault, Value1 = sequence * 3, Value2 = -1 }));
            }

            var recovered = new MeterJournal(memory, 4, 3);
            var recovery = recovered.Recover();
            Assert.AreEqual(300u, recovery.LastEventSequence);
            var read = new MeterEvent[400];
            int count = recovered.ReadEvents(1, read);

            // Three files of 120 are kept: events 1..60 sit in the file that was still current, so all 300 remain.
            Assert.AreEqual(300, count);
            Assert.IsTrue(read.Take(count).Select(e => e.Sequence).SequenceEqual(Enumerable.Range(1, 300).Select(i => (uint)i)));
            Assert.AreEqual(900L, read[299].Value1);

            count = recovered.ReadEvents(250, read);
            Assert.AreEqual(51, count);
            Assert.AreEqual(250u, read[0].Sequence);

            // From the middle of a sealed file: reading starts at the entry asked for, then runs on into the next files.
            count = recovered.ReadEvents(130, read);
            Assert.AreEqual(171, count);
            Assert.IsTrue(read.Take(count).Select(e => e.Sequence).SequenceEqual(Enumerable.Range(130, 171).Select(i => (uint)i)));
            Assert.AreEqual(0, recovered.ReadEvents(301, read));
        }
    }
}
