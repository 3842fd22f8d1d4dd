using System;
using System.Globalization;
using System.IO;
using System.Text;
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

        /// <summary>The load cases: the key for <c>--load</c>, the name printed, and the scenario (null: the EV-charger day).</summary>
        private static readonly (string Key, string Name, Func<int, int, LoadScenario>? Load)[] Cases =
        {
            ("idle", "idle", (phases, span) => Constant(phases, 0)),
            ("ev", "EV-charger day", null),
            ("heatpump", "heat-pump day", (phases, span) => SimulatedYear.HeatPumpDays(phases, span)),
            ("battery", "battery 2 cycles/d", (phases, span) => SimulatedYear.BatteryDays(phases, span)),
            ("7kw", "7 kW continuous", (phases, span) => Constant(phases, 7000)),
            ("100kw", "100 kW continuous", (phases, span) => Constant(phases, 100000)),
        };

        /// <summary>The keys <c>--load</c> accepts.</summary>
        public static string LoadKeys => string.Join("|", Array.ConvertAll(Cases, c => c.Key));

        /// <summary>Whether <paramref name="key"/> names a load case.</summary>
        public static bool IsLoadKey(string key) => Array.Exists(Cases, c => c.Key == key);

        /// <summary>
        /// Runs one case with every storage operation of the journal recorded into <paramref name="tracePath"/>, for
        /// bench/flashwear/littlefs-replay.sh, and prints what the counting model makes of it.
        /// </summary>
        public static int Trace(IcKind ic, string loadKey, int days, string tracePath, double? minimumSeconds = null)
        {
            var loadCase = Array.Find(Cases, c => c.Key == loadKey);
            var settings = Settings(minimumSeconds);
            string description = string.Format(C, "{0}, {1}, {2} days from 2027-01-01, checkpoint every {3:0.###} Wh (not sooner than {4} s) or {5} s",
                Program.IcName(ic), loadCase.Name, days, settings.CheckpointEnergyMicrowattHours / 1e6, settings.CheckpointMinimumTicks / Second,
                settings.CheckpointMaximumTicks / Second);
            SimulatedYearReport report;
            using (var writer = new StreamWriter(tracePath, false, new UTF8Encoding(false), 1 << 16))
            {
                report = new SimulatedYear(new SimulatedYearOptions
                {
                    Ic = ic,
                    Days = days,
                    Load = loadCase.Load,
                    StorageTrace = writer,
                    TraceDescription = description,
                    Metering = settings,
                }).Run();
            }

            var s = report.Storage;
            double perDay = 1.0 / report.SteadyDays;
            Console.WriteLine(string.Format(C, "Trace of {0} written to {1}.", description, tracePath));
            Console.WriteLine(string.Format(C, "Per steady day ({0} days after a day of warm-up): {1:N0} writes ({2:N0} checkpoints, {3:N0} segments, {4:N0} events), {5:N0} bytes; peak {6} blocks in use.",
                report.SteadyDays, s.TotalWrites * perDay, s.Writes[(int)JournalFileKind.Checkpoint] * perDay, s.Writes[(int)JournalFileKind.Segment] * perDay,
                s.Writes[(int)JournalFileKind.Event] * perDay, s.TotalBytes * perDay, report.PeakBlocksInUse));
            return report.PeriodsJournaledAndChained == report.ExpectedPeriods ? 0 : 1;
        }

        /// <summary>The default settings, or with the energy checkpoint's minimum interval set to <paramref name="minimumSeconds"/>.</summary>
        private static MeteringSettings Settings(double? minimumSeconds)
        {
            var settings = new MeteringSettings();
            if (minimumSeconds != null)
            {
                settings.CheckpointMinimumTicks = (long)(minimumSeconds.Value * Second);
            }

            return settings;
        }

        public static int Run(int days, IcKind[] ics, double? minimumSeconds = null)
        {
            var settings = Settings(minimumSeconds);
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
            foreach (var ic in ics)
            {
                foreach (var (_, name, load) in Cases)
                {
                    var report = new SimulatedYear(new SimulatedYearOptions
                    {
                        Ic = ic,
                        Days = days,
                        Load = load,
                        Metering = settings,
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
            Console.WriteLine("Energy at risk in a power cut: what was measured since the last checkpoint plus what the IC counted since its last");
            Console.WriteLine(string.Format(C, "read. Energy alone writes a checkpoint once {0:0.###} Wh has been measured since the last, checked at every poll, but no", settings.CheckpointEnergyMicrowattHours / 1e6));
            Console.WriteLine(string.Format(C, "sooner than {0:0.###} s after it: below max({1:0.###} Wh + one poll, {0:0.###} s at the power flowing) is at risk (a cut in the middle", settings.CheckpointMinimumTicks / (double)Second, settings.CheckpointEnergyMicrowattHours / 1e6));
            Console.WriteLine("of a checkpoint write falls back on the previous one, within the same bound). Poll interval from PollSchedule for the");
            Console.WriteLine("configured maximum demand, threshold and interval from MeteringSettings.");
            foreach (var ic in new[] { IcKind.Ade7953, IcKind.Atm90e32 })
            {
                foreach (long demand in new long[] { 7000, 100000 })
                {
                    long poll = PollInterval(ic, demand);
                    double pollSeconds = poll / (double)Second;
                    double pollWattHours = demand * pollSeconds / 3600.0;
                    double threshold = settings.CheckpointEnergyMicrowattHours / 1e6;
                    double risk = EnergyAtRisk.WattHours(settings, demand, poll);
                    string which = risk > threshold + pollWattHours + 1e-9
                        ? string.Format(C, "{0:0.###} s at full demand: a checkpoint every {0:0.###} s", settings.CheckpointMinimumTicks / (double)Second)
                        : pollWattHours >= threshold && settings.CheckpointMinimumTicks <= poll
                            ? "every poll writes a checkpoint: one poll"
                            : string.Format(C, "{0:0.###} Wh + one poll", threshold);
                    Program.Line(string.Format(C, "{0} at {1:N0} kW", Program.IcName(ic), demand / 1000.0),
                        string.Format(C, "poll {0:0.###} s, {1:F3} Wh a poll at full demand: below {2:F3} Wh at risk ({3})", pollSeconds, pollWattHours, risk, which));
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
