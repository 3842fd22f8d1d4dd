using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Host;
using AssetMeter.Firmware.Journal;
using AssetMeter.Firmware.Metering;
using AssetMeter.Hardware.Emulation;

namespace AssetMeter.Bench.Year
{
    /// <summary>
    /// year-bench [year] [--days N] [--start yyyy-MM-dd] [--ic ade7953|atm90e32|both]: a simulated span (a year by
    /// default) at one-second ticks through the whole meter application.
    /// year-bench flash-wear [--days N] [--ic ...]: bytes and blocks the journal writes per day at typical loads, the
    /// lifetime of a 512 KB LittleFS partition, retention, and the energy at risk in a power cut.
    /// year-bench flash-wear --trace FILE --load KEY [--ic ade7953|atm90e32] [--days N]: one case, with every storage
    /// operation of the journal recorded in FILE for bench/flashwear/littlefs-replay.sh.
    /// --checkpoint-min S (flash-wear only) sets the energy checkpoint's minimum interval to S seconds instead of
    /// MeteringSettings' default, to explore the trade-off between energy at risk and wear.
    /// --operational S (year only) runs with the operational metering stream every S seconds (1-60; default off);
    /// --compare-operational runs the span four times per IC, stream off, every 60 s, every second and off again, and
    /// prints them side by side: what the stream costs the metering path.
    /// </summary>
    public static class Program
    {
        private const long Second = 10_000_000;

        public static int Main(string[] args)
        {
            var options = Options.Parse(args);
            if (options == null)
            {
                Console.Error.WriteLine("usage: year-bench [year] [--days N] [--start yyyy-MM-dd] [--ic ade7953|atm90e32|both] [--operational S | --compare-operational]");
                Console.Error.WriteLine("       year-bench flash-wear [--days N] [--ic ade7953|atm90e32|both] [--checkpoint-min S]");
                Console.Error.WriteLine("       year-bench flash-wear --trace FILE --load " + FlashWear.LoadKeys + " [--ic ade7953|atm90e32] [--days N] [--checkpoint-min S]");
                return 2;
            }

            if (options.Mode != "flash-wear")
            {
                return YearRun(options);
            }

            if (options.TracePath != null)
            {
                return FlashWear.Trace(options.Ics[0], options.Load ?? "ev", options.Days ?? 3, options.TracePath, options.CheckpointMinimumSeconds);
            }

            return FlashWear.Run(options.Days ?? 3, options.IcGiven ? options.Ics.ToArray() : new[] { IcKind.Ade7953, IcKind.Atm90e32 }, options.CheckpointMinimumSeconds);
        }

        private static int YearRun(Options options)
        {
            int failures = 0;
            // Compared: off, every minute, every second, and off again last, so the first and last runs show how much the
            // machine itself moved during the comparison.
            int[] intervals = options.CompareOperational ? new[] { 0, 60, 1, 0 } : new[] { options.OperationalSeconds };
            foreach (var ic in options.Ics)
            {
                if (options.CompareOperational)
                {
                    // Two unmeasured days with the stream on, so that the first measured run does not pay for the JIT.
                    new SimulatedYear(new SimulatedYearOptions { Ic = ic, StartUtc = options.StartUtc, Days = 2, OperationalIntervalSeconds = 1 }).Run();
                }

                var reports = new List<SimulatedYearReport>();
                foreach (int interval in intervals)
                {
                    var report = new SimulatedYear(new SimulatedYearOptions { Ic = ic, StartUtc = options.StartUtc, Days = options.Days ?? 365, OperationalIntervalSeconds = interval }).Run();
                    if (intervals.Length > 1 || interval > 0)
                    {
                        Console.WriteLine(interval == 0 ? "Operational stream off:" : $"Operational stream every {interval} s:");
                    }

                    Print(report);
                    reports.Add(report);
                    if (report.PeriodsClosed != report.ExpectedPeriods || report.PeriodsJournaledAndChained != report.ExpectedPeriods
                        || report.AllocatingTicks[(int)AllocationCause.Unexpected] != 0)
                    {
                        failures++;
                    }
                }

                if (reports.Count > 1)
                {
                    PrintComparison(ic, intervals, reports);
                }
            }

            return failures == 0 ? 0 : 1;
        }

        private static void PrintComparison(IcKind ic, int[] intervals, List<SimulatedYearReport> reports)
        {
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine($"{IcName(ic)}, side by side in this run (the operational stream against none):");
            Console.WriteLine("  stream      ticks/s (wall)  ticks/processor s  µs/tick in Tick  vs off  median tick µs  99 % tick µs  MQTT messages/day  steady B/tick");
            for (int i = 0; i < reports.Count; i++)
            {
                SimulatedYearReport r = reports[i];
                Console.WriteLine(string.Format(c, "  {0,-10}  {1,14:N0}  {2,17:N0}  {3,15:F3}  {4,6:F2}  {5,14:F2}  {6,12:F2}  {7,17:N0}  {8,13:F4}",
                    intervals[i] == 0 ? "off" : "every " + intervals[i].ToString(c) + " s", r.TicksPerSecond, r.TicksPerProcessorSecond, r.MeterMicrosecondsPerTick,
                    r.MeterMicrosecondsPerTick / reports[0].MeterMicrosecondsPerTick, r.MedianTickMicroseconds, r.P99TickMicroseconds, r.MqttMessages / Math.Max(1.0, r.SteadyDays), r.SteadyBytesPerTick));
            }

            Console.WriteLine();
        }

        private static void Print(SimulatedYearReport r)
        {
            var c = CultureInfo.InvariantCulture;
            double pollSeconds = r.PollIntervalTicks / (double)Second;
            double simulatedSeconds = r.Ticks * pollSeconds;
            Console.WriteLine(string.Format(c, "Simulated span: {0}, {1:yyyy-MM-dd} + {2} days, poll {3:0.###} s, EV-charger load every day, collector acknowledging daily", IcName(r.Ic), r.StartUtc, r.Days, pollSeconds));
            Line("ticks", string.Format(c, "{0:N0} in {1:F1} s wall: {2:N0} ticks/s, {3:N0} simulated seconds per second", r.Ticks, r.Elapsed.TotalSeconds, r.TicksPerSecond, simulatedSeconds / r.Elapsed.TotalSeconds));
            Line(string.Empty, string.Format(c, "{0:F1} s of processor time: {1:N0} ticks per processor second (wall figures depend on what else the machine runs)", r.ProcessorTime.TotalSeconds, r.TicksPerProcessorSecond));
            Line("inside MeterApplication.Tick", string.Format(c, "{0:F2} µs/tick of wall time ({1:P0} of it; the rest is the emulated chip and the harness)", r.MeterMicrosecondsPerTick, r.InMeter.TotalSeconds / r.Elapsed.TotalSeconds));
            Line(string.Empty, string.Format(c, "steady-state tick, wall time: median {0:F2} µs, 90 % {1:F2} µs, 99 % {2:F2} µs", r.MedianTickMicroseconds, r.P90TickMicroseconds, r.P99TickMicroseconds));
            Line("periods closed", string.Format(c, "{0:N0} of {1:N0} expected; {2:N0} read back from the journal intact and chained; {3:N0} flagged", r.PeriodsClosed, r.ExpectedPeriods, r.PeriodsJournaledAndChained, r.PeriodsFlagged));
            Line("import", Energy(r.MeteredImportWattHours, r.TrueImportWattHours, r.CountWattHours));
            Line("export", Energy(r.MeteredExportWattHours, r.TrueExportWattHours, r.CountWattHours));
            long expectedAllocations = r.AllocatedBytes[(int)AllocationCause.Command] + r.AllocatedBytes[(int)AllocationCause.NewFile];
            Line("allocation, steady state", string.Format(c, "{0:N0} bytes over {1:N0} ticks = {2:F4} B/tick in MeterApplication.Tick ({3:F4} B/tick for the whole step with emulator and collector)", r.SteadyBytesAllocated, r.SteadyTicks, r.SteadyBytesPerTick, r.SteadyStepBytesAllocated / (double)Math.Max(1, r.SteadyTicks)));
            Line(string.Empty, string.Format(c, "ticks that allocated: {0:N0}; {1:N0} handling a collector command ({2:N0} B), {3:N0} opening a journal file ({4:N0} B), {5:N0} otherwise ({6:N0} B); largest {7:N0} B",
                r.AllocatingTicks.Sum(), r.AllocatingTicks[0], r.AllocatedBytes[0], r.AllocatingTicks[1], r.AllocatedBytes[1], r.AllocatingTicks[2], r.AllocatedBytes[2], r.LargestTickAllocation));
            Line(string.Empty, r.AllocatingTicks[(int)AllocationCause.Unexpected] == 0
                ? string.Format(c, "no other tick allocated: outside those, 0 B/tick ({0:N0} B in all went to commands and new files)", expectedAllocations)
                : "UNEXPECTED: steady-state ticks allocated outside commands and new files");
            double days = Math.Max(1, r.SteadyDays);
            Line("flash, per steady day", string.Format(c, "{0:N0} writes, {1:N0} bytes, {2:N0} blocks (checkpoints {3:N0}, segments {4:N0}, events {5:N0}); peak {6} blocks in use",
                r.Storage.TotalWrites / days, r.Storage.TotalBytes / days, r.Storage.TotalBlockWrites / days,
                r.Storage.Writes[(int)JournalFileKind.Checkpoint] / days, r.Storage.Writes[(int)JournalFileKind.Segment] / days, r.Storage.Writes[(int)JournalFileKind.Event] / days, r.PeakBlocksInUse));
            Line("MQTT, per steady day", string.Format(c, "{0:N0} messages, {1:N0} bytes", r.MqttMessages / days, r.MqttBytes / days));
            Line("acknowledgements", string.Format(c, "{0:N0} sent by the collector; the meter holds period {1:N0} as acknowledged", r.AcknowledgementsSent, r.AcknowledgedPeriodIndex));
            Line("events", string.Join(", ", r.Events.OrderBy(e => (int)e.Key).Select(e => string.Format(c, "{0} {1:N0}", e.Key, e.Value))));
            Console.WriteLine();
        }

        private static string Energy(double metered, double truth, double countWattHours)
        {
            double difference = metered - truth;
            double ratio = truth == 0 ? 0 : (metered / truth) - 1;
            return string.Format(CultureInfo.InvariantCulture, "metered {0:N3} Wh, emulator's true energy {1:N3} Wh: metered/true - 1 = {2} ppm ({3} Wh, {4} register counts)",
                metered, truth, Signed(ratio * 1e6, 5), Signed(difference, 4), Signed(difference / countWattHours, 2));
        }

        // "+0.000" / "-0.012": the sign always shown, and no "-0.000" for a value that rounds to zero.
        private static string Signed(double value, int decimals)
        {
            string text = Math.Abs(value).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            bool zero = text.Trim('0', '.').Length == 0;
            return (value < 0 && !zero ? "-" : "+") + text;
        }

        internal static void Line(string label, string text) => Console.WriteLine($"  {label,-30} {text}");

        internal static string IcName(IcKind ic) => ic == IcKind.Ade7953 ? "ADE7953" : "ATM90E32AS";

        private sealed class Options
        {
            public string Mode { get; private set; } = "year";

            public int? Days { get; private set; }

            public DateTime StartUtc { get; private set; } = new(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc);

            public List<IcKind> Ics { get; } = new() { IcKind.Ade7953 };

            public bool IcGiven { get; private set; }

            public string? TracePath { get; private set; }

            public string? Load { get; private set; }

            public double? CheckpointMinimumSeconds { get; private set; }

            public int OperationalSeconds { get; private set; }

            public bool CompareOperational { get; private set; }

            public static Options? Parse(string[] args)
            {
                var options = new Options();
                for (int i = 0; i < args.Length; i++)
                {
                    string value = i + 1 < args.Length ? args[i + 1] : string.Empty;
                    switch (args[i])
                    {
                        case "year":
                        case "flash-wear":
                            options.Mode = args[i];
                            break;
                        case "--days" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int days) && days >= 2:
                            options.Days = days;
                            i++;
                            break;
                        case "--start" when DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var start):
                            options.StartUtc = DateTime.SpecifyKind(start, DateTimeKind.Utc);
                            i++;
                            break;
                        case "--trace" when value.Length > 0:
                            options.TracePath = value;
                            i++;
                            break;
                        case "--checkpoint-min" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0:
                            options.CheckpointMinimumSeconds = seconds;
                            i++;
                            break;
                        case "--operational" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int interval) && interval is >= 1 and <= 60:
                            options.OperationalSeconds = interval;
                            i++;
                            break;
                        case "--compare-operational":
                            options.CompareOperational = true;
                            break;
                        case "--load" when FlashWear.IsLoadKey(value):
                            options.Load = value;
                            i++;
                            break;
                        case "--ic" when value is "ade7953" or "atm90e32" or "both":
                            options.IcGiven = true;
                            options.Ics.Clear();
                            if (value != "atm90e32")
                            {
                                options.Ics.Add(IcKind.Ade7953);
                            }

                            if (value != "ade7953")
                            {
                                options.Ics.Add(IcKind.Atm90e32);
                            }

                            i++;
                            break;
                        default:
                            return null;
                    }
                }

                // A trace records one case: one IC, one load, in flash-wear mode.
                bool traceValid = options.TracePath == null || (options.Mode == "flash-wear" && options.Ics.Count == 1);
                bool loadValid = options.Load == null || options.TracePath != null;
                bool minimumValid = options.CheckpointMinimumSeconds == null || options.Mode == "flash-wear";
                bool operationalValid = (options.OperationalSeconds == 0 && !options.CompareOperational) || options.Mode == "year";
                return traceValid && loadValid && minimumValid && operationalValid ? options : null;
            }
        }
    }
}
