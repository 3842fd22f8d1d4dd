using System;
using System.Globalization;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Host;
using AssetMeter.Firmware.Journal;
using AssetMeter.Firmware.Metering;
using AssetMeter.Hardware.Emulation;

namespace AssetMeter.Bench.Year
{
    /// <summary>
    /// The journal's flash wear: what it writes per day at typical loads (counted through <see cref="CountingStorage"/>
    /// while the whole application runs), what that means for a 512 KB LittleFS partition, how long the journal keeps
    /// periods, and how much measured energy a power cut can take.
    /// </summary>
    internal static class FlashWear
    {
        /// <summary>The LittleFS partition the journal lives in, bytes.</summary>
        public const int PartitionBytes = 512 * 1024;

        /// <summary>Erase cycles each block is good for (a typical NOR flash figure, also the ESP32 modules' rating).</summary>
        public const int EraseCycles = 100_000;

        /// <summary>
        /// Blocks LittleFS keeps for itself: the superblock / root directory metadata pair, and one more metadata pair
        /// for a directory of about a hundred files. An assumption, not a measurement.
        /// </summary>
        public const int FileSystemBlocks = 4;

        private const long Second = 10_000_000;
        private static readonly CultureInfo C = CultureInfo.InvariantCulture;

        public static int Run(int days)
        {
            int blocks = PartitionBytes / CountingStorage.BlockSize;
            int segmentBytes = PeriodSegment.MaximumLength;
            int eventFileBytes = EventFile.MaximumLength;
            int segmentBlocks = MeterJournal.DefaultMaximumSegments + 1;
            int eventBlocks = 2 * MeterJournal.DefaultMaximumEventFiles * CountingStorage.BlocksFor(eventFileBytes);
            int fullRetentionBlocks = (segmentBlocks * CountingStorage.BlocksFor(segmentBytes)) + eventBlocks + 2 + 2 + FileSystemBlocks;
            int freeBlocks = blocks - fullRetentionBlocks;

            Console.WriteLine("Journal flash wear, counted while the whole application runs (idle = no load; constant loads at 230 V, PF 1;");
            Console.WriteLine(string.Format(C, "EV-charger day as in the year bench); figures per day over {0} steady day(s) after a day of warm-up.", days - 1));
            Console.WriteLine(string.Format(C, "Model: LittleFS, {0}-byte blocks, {1:N0} blocks in the {2} KiB partition. Every whole-file write costs one block erase per", CountingStorage.BlockSize, blocks, PartitionBytes / 1024));
            Console.WriteLine(string.Format(C, "block of the file, at least one (copy-on-write); deletes and directory commits are not counted. Wear levelling spreads"));
            Console.WriteLine(string.Format(C, "the erases over the free blocks only: {0} of {1} once the journal holds its full retention ({2} blocks, below), each good", freeBlocks, blocks, fullRetentionBlocks));
            Console.WriteLine(string.Format(C, "for {0:N0} erase cycles. Lifetime = free blocks x cycles / blocks written per day.", EraseCycles));
            Console.WriteLine();
            Console.WriteLine(string.Format(C, "  {0,-10} {1,-18} {2,6} {3,9} {4,8} {5,8} {6,7} {7,11} {8,11} {9,17}", "IC", "load", "poll s", "writes/d", "ckpt/d", "segm/d", "event/d", "bytes/d", "blocks/d", "lifetime"));
            var cases = new (string Name, double Watts)[] { ("idle", 0), ("EV-charger day", -1), ("7 kW continuous", 7000), ("100 kW continuous", 100000) };
            foreach (var ic in new[] { IcKind.Ade7953, IcKind.Atm90e32 })
            {
                foreach (var (name, watts) in cases)
                {
                    var report = new SimulatedYear(new SimulatedYearOptions
                    {
                        Ic = ic,
                        Days = days,
                        Load = watts < 0 ? null : (phases, span) => Constant(phases, watts),
                    }).Run();
                    double perDay = 1.0 / report.SteadyDays;
                    var s = report.Storage;
                    double blocksPerDay = s.TotalBlockWrites * perDay;
                    double lifetimeDays = freeBlocks * (double)EraseCycles / blocksPerDay;
                    Console.WriteLine(string.Format(C, "  {0,-10} {1,-18} {2,6:0.###} {3,9:N0} {4,8:N0} {5,8:N0} {6,7:N0} {7,11:N0} {8,11:N0} {9,7:N0} d = {10,4:F1} y",
                        Program.IcName(ic), name, report.PollIntervalTicks / (double)Second, s.TotalWrites * perDay,
                        s.Writes[(int)JournalFileKind.Checkpoint] * perDay, s.Writes[(int)JournalFileKind.Segment] * perDay, s.Writes[(int)JournalFileKind.Event] * perDay,
                        s.TotalBytes * perDay, blocksPerDay, lifetimeDays, lifetimeDays / 365.25));
                }
            }

            Console.WriteLine();
            Console.WriteLine("Retention (from the journal format):");
            Program.Line("segment file", string.Format(C, "36-byte header + {0} periods x 15 bytes = {1:N0} bytes: one {2}-byte block", PeriodSegment.PeriodsPerSegment, segmentBytes, CountingStorage.BlockSize));
            int keptSegments = MeterJournal.DefaultMaximumSegments - 1;
            Program.Line("periods kept", string.Format(C, "{0} segments; a new one drops the oldest, so at least {1} whole segments + the one being filled: >= {2:N0} periods = {3} days",
                MeterJournal.DefaultMaximumSegments, keptSegments, keptSegments * PeriodSegment.PeriodsPerSegment, keptSegments * PeriodSegment.PeriodsPerSegment / 48));
            Program.Line("400 days", string.Format(C, "19,200 periods = {0} segments = {0} blocks = {1:N0} KiB on flash ({2:N0} bytes of data)",
                19200 / PeriodSegment.PeriodsPerSegment, 19200 / PeriodSegment.PeriodsPerSegment * CountingStorage.BlockSize / 1024, 19200 / PeriodSegment.PeriodsPerSegment * segmentBytes));
            Program.Line("journal at full retention", string.Format(C, "{0} segment blocks (the open segment has two copies) + {1} event-file blocks ({2} files x 2 copies of up to {3:N0} bytes) + 2 checkpoint + 2 calibration + {4} LittleFS = {5} blocks = {6:N0} KiB of {7:N0} KiB",
                segmentBlocks, eventBlocks, MeterJournal.DefaultMaximumEventFiles, eventFileBytes, FileSystemBlocks, fullRetentionBlocks, fullRetentionBlocks * CountingStorage.BlockSize / 1024, PartitionBytes / 1024));

            Console.WriteLine();
            Console.WriteLine("Energy at risk in a power cut: what was measured since the last checkpoint (one is written once 10 Wh has been measured");
            Console.WriteLine("since the last, checked at every poll) plus what the IC counted since its last read: below 10 Wh + one poll at the power");
            Console.WriteLine("flowing; once a poll carries 10 Wh or more every poll writes a checkpoint, and one poll is at risk (a cut in the middle of");
            Console.WriteLine("a checkpoint write falls back on the previous one, one poll older). Poll interval from PollSchedule for the configured");
            Console.WriteLine("maximum demand, checkpoint threshold from MeteringSettings.");
            var settings = new MeteringSettings();
            foreach (var ic in new[] { IcKind.Ade7953, IcKind.Atm90e32 })
            {
                foreach (long demand in new long[] { 7000, 100000 })
                {
                    long poll = PollInterval(ic, demand);
                    double pollSeconds = poll / (double)Second;
                    double pollWattHours = demand * pollSeconds / 3600.0;
                    double threshold = settings.CheckpointEnergyMicrowattHours / 1e6;
                    string risk = pollWattHours >= threshold
                        ? string.Format(C, "below {0:F3} Wh at risk (every poll writes a checkpoint: one poll)", pollWattHours)
                        : string.Format(C, "below {0:F3} Wh at risk ({1:F0} Wh + one poll)", threshold + pollWattHours, threshold);
                    Program.Line(string.Format(C, "{0} at {1:N0} kW", Program.IcName(ic), demand / 1000.0),
                        string.Format(C, "poll {0:0.###} s, {1:F3} Wh a poll at full demand: {2}", pollSeconds, pollWattHours, risk));
                }
            }

            return 0;
        }

        private static LoadScenario Constant(int phases, double watts)
        {
            var scenario = new LoadScenario(phases);
            return watts == 0 ? scenario : scenario.From(0, PhaseLoad.At(230, watts / phases / 230.0, 1.0, true, false));
        }

        private static long PollInterval(IcKind ic, long maximumDemandWatts)
        {
            var rig = new VirtualMeterRig(
                new RigOptions { Ic = ic, Load = new LoadScenario(ic == IcKind.Ade7953 ? 1 : 3), Metering = new MeteringSettings { MaximumDemandWatts = maximumDemandWatts } },
                new MemoryStorage());
            return rig.Boot().Loop.PollIntervalTicks;
        }
    }
}
