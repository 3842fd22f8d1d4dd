using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector.Commands;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Output;
using AssetMeter.Collector.Storage;
using AssetMeter.Firmware.Events;
using AssetMeter.Firmware.Journal;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.Collector.Compliance
{
    /// <summary>Conditions a test run can break on purpose, to show that each test can fail.</summary>
    [Flags]
    public enum Bscp601Fault
    {
        None = 0,

        /// <summary>The collector uses the wrong key where a test expects the correct one, and the correct key where it expects a wrong one.</summary>
        SwapAccessKeys = 1,

        /// <summary>The collector does not reset clocks it finds wrong.</summary>
        NoClockReset = 2,
    }

    public sealed class Bscp601Options
    {
        /// <summary>The broker to use (host, port); null starts an embedded one.</summary>
        public (string Host, int Port)? Broker { get; init; }

        public string OutputDirectory { get; init; } = Path.Combine("out", "bscp601");

        public Bscp601Fault Fault { get; init; }

        /// <summary>Simulated seconds per real second.</summary>
        public double Speed { get; init; } = 4000;

        /// <summary>Run only these tests (for example "DR3-2"); null for all seven.</summary>
        public IReadOnlyCollection<string>? Only { get; init; }
    }

    /// <summary>The outcome of one protocol test, with the evidence a compliance engineer would attach.</summary>
    public sealed class Bscp601Result
    {
        public required string Id { get; init; }

        public required string Title { get; init; }

        public bool Passed { get; set; }

        public List<string> Evidence { get; } = new();

        public TimeSpan Duration { get; set; }

        /// <summary>Records a check: its outcome joins the verdict, its text the evidence.</summary>
        public void Check(bool holds, string what)
        {
            Evidence.Add((holds ? "PASS " : "FAIL ") + what);
            Passed &= holds;
        }
    }

    /// <summary>The suite's report: the pass/fail table and the recorded test environment.</summary>
    public sealed class Bscp601Report
    {
        public List<Bscp601Result> Results { get; } = new();

        public required string Broker { get; init; }

        public required string OutputDirectory { get; init; }

        public DateTime RunUtc { get; init; }

        public void Print(TextWriter output)
        {
            output.WriteLine();
            output.WriteLine("BSCP601 protocol tests for CoP11 (asset metering), AssetMeter collector " + CollectorVersion.Text);
            output.WriteLine();
            output.WriteLine("| Test  | Title                                                        | Result |");
            output.WriteLine("|-------|--------------------------------------------------------------|--------|");
            foreach (Bscp601Result r in Results)
            {
                output.WriteLine($"| {r.Id,-5} | {r.Title,-60} | {(r.Passed ? "PASS" : "FAIL"),-6} |");
            }

            output.WriteLine();
            output.WriteLine($"{Results.Count(r => r.Passed)} of {Results.Count} passed. Evidence (checks, data files, validation reports, logs): {OutputDirectory}");
        }

        /// <summary>Writes the report as Markdown, with each test's checks and the environment the script records.</summary>
        public string WriteMarkdown(string file)
        {
            var w = new StringBuilder();
            w.Append("# BSCP601 protocol test report: CoP11 asset metering\n\n");
            w.Append("| Item | Value |\n|---|---|\n");
            w.Append($"| Date of test (UTC) | {RunUtc:yyyy-MM-dd HH:mm} |\n");
            w.Append("| Asset Meter make / model | AssetMeter AM-T5-ADE7953 (virtual meter: the meter firmware over an emulated ADE7953) |\n");
            w.Append("| Firmware version | 0.1.0 |\n");
            w.Append("| Protocol(s) in test | AssetMeter remote reading over MQTT 3.1.1/5: OCMF 1.3 signed records (ECDSA P-256), AMC1 signed commands |\n");
            w.Append("| Internal clock fitted | Yes: software clock on the MCU's monotonic counter, disciplined by SNTP (RFC 4330) |\n");
            w.Append("| Half Hourly data storage | Yes: 415 days of UTC half-hour periods in the journal (flash) |\n");
            w.Append("| Channels | 2: active import (OBIS 1.8.0) and active export (OBIS 2.8.0) |\n");
            w.Append("| Instantaneous power | Yes: telemetry over MQTT (not settlement data) |\n");
            w.Append("| Import / export | Both |\n");
            w.Append("| Remote communication | Wi-Fi to an MQTT broker |\n");
            w.Append($"| Collection software | AssetMeter collector {CollectorVersion.Text} |\n");
            w.Append($"| Broker used | {Broker} |\n\n");
            w.Append("| Test | Title | Result |\n|---|---|---|\n");
            foreach (Bscp601Result r in Results)
            {
                w.Append($"| {r.Id} | {r.Title} | {(r.Passed ? "PASS" : "FAIL")} |\n");
            }

            foreach (Bscp601Result r in Results)
            {
                w.Append($"\n## {r.Id} {r.Title}: {(r.Passed ? "PASS" : "FAIL")}\n\n");
                foreach (string line in r.Evidence)
                {
                    w.Append("- ").Append(line).Append('\n');
                }

                w.Append($"\nEvidence files: `{r.Id}/` (data files, validation report, collector log). Run time {r.Duration.TotalSeconds:0.0} s.\n");
            }

            File.WriteAllText(file, w.ToString(), new UTF8Encoding(false));
            return file;
        }
    }

    /// <summary>
    /// The seven BSCP601 protocol tests for CoP11, automated: each drives a virtual meter and the collector through a
    /// real MQTT broker on a simulated clock, and checks the outcome against the meter's own journal and event log
    /// (what BSCP601 calls the outstation manufacturer's software). See docs/bscp601.md for how each test reads.
    /// </summary>
    public static class Bscp601Suite
    {
        private static readonly DateTime Start = new(2026, 11, 22, 23, 0, 0, DateTimeKind.Utc);

        public static readonly (string Id, string Title)[] Tests =
        {
            ("DR1-1", "Initial Data Collection and Data File Creation"),
            ("DR1-2", "Repeated Data Collection"),
            ("DR2-1", "Incorrect Access Protocol"),
            ("DR2-2", "Correct Access Protocol"),
            ("DR3-1", "Clock Resets (UTC minus 10 mins) with Incorrect Access Protocol"),
            ("DR3-2", "Clock Resets (UTC minus 10 mins) with Correct Access Protocol"),
            ("DR3-3", "Clock Resets (UTC plus 10 mins) with Correct Access Protocol"),
        };

        public static async Task<Bscp601Report> RunAsync(Bscp601Options options, TextWriter output, CancellationToken cancel)
        {
            string outDir = Path.GetFullPath(options.OutputDirectory);
            Directory.CreateDirectory(outDir);
            EmbeddedBroker? embedded = null;
            (string host, int port) = options.Broker ?? ("", 0);
            if (options.Broker == null)
            {
                embedded = new EmbeddedBroker();
                await embedded.StartAsync();
                (host, port) = (embedded.Host, embedded.Port);
            }

            var report = new Bscp601Report
            {
                Broker = options.Broker == null ? $"embedded MQTTnet broker {host}:{port}" : $"{host}:{port}",
                OutputDirectory = outDir,
                RunUtc = DateTime.UtcNow,
            };
            try
            {
                string run = Guid.NewGuid().ToString("N").Substring(0, 6);
                foreach ((string id, string title) in Tests)
                {
                    if (options.Only != null && !options.Only.Contains(id))
                    {
                        continue;
                    }

                    var result = new Bscp601Result { Id = id, Title = title, Passed = true };
                    output.WriteLine($"{id} {title} ...");
                    var watch = Stopwatch.StartNew();
                    string serial = "bscp-" + id.ToLowerInvariant().Replace("-", string.Empty, StringComparison.Ordinal) + "-" + run;
                    await using (ProtocolScenario scenario = ProtocolScenario.Start(host, port, Path.Combine(outDir, id), serial, Start, options.Speed, cancel))
                    {
                        try
                        {
                            await RunTestAsync(id, scenario, options.Fault, result);
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            result.Check(false, $"the test could not run: {e.GetType().Name}: {e.Message}");
                        }

                        AuditResult audit = scenario.WriteEvidence();
                        result.Check(audit.AllVerified, $"every record the collector stored verifies against the meter's key ({audit.SignaturesVerified} of {audit.RecordsChecked})");
                    }

                    result.Duration = watch.Elapsed;
                    report.Results.Add(result);
                    output.WriteLine($"{id} {(result.Passed ? "PASS" : "FAIL")} ({result.Duration.TotalSeconds:0.0} s)");
                    foreach (string line in result.Evidence)
                    {
                        output.WriteLine("    " + line);
                    }
                }
            }
            finally
            {
                if (embedded != null)
                {
                    await embedded.DisposeAsync();
                }
            }

            report.WriteMarkdown(Path.Combine(outDir, "bscp601-report.md"));
            return report;
        }

        private static Task RunTestAsync(string id, ProtocolScenario s, Bscp601Fault fault, Bscp601Result r)
        {
            // The key the test means the collector to hold, and the key it actually holds when the fault swaps them.
            CollectorKey Correct() => (fault & Bscp601Fault.SwapAccessKeys) != 0 ? s.IncorrectKey : s.CorrectKey;
            CollectorKey Incorrect() => (fault & Bscp601Fault.SwapAccessKeys) != 0 ? s.CorrectKey : s.IncorrectKey;
            var settings = new SupervisorSettings { ResetClocks = (fault & Bscp601Fault.NoClockReset) == 0, ClockCheckInterval = TimeSpan.FromHours(1) };
            return id switch
            {
                "DR1-1" => InitialCollection(s, Correct(), settings, r),
                "DR1-2" => RepeatedCollection(s, Correct(), settings, r),
                "DR2-1" => IncorrectAccess(s, Incorrect(), settings, r),
                "DR2-2" => CorrectAccess(s, Correct(), settings, r),
                "DR3-1" => ClockReset(s, Incorrect(), settings, -10, expectReset: false, r),
                "DR3-2" => ClockReset(s, Correct(), settings, -10, expectReset: true, r),
                "DR3-3" => ClockReset(s, Correct(), settings, +10, expectReset: true, r),
                _ => throw new ArgumentException("no such test " + id),
            };
        }

        // DR1-1: a meter that has run for a day (half of it already collected and released by a previous collector)
        // is handed to this collector with its standing data and access key; the collector collects everything the
        // meter holds and writes the data files; they are compared period by period with the meter's own journal.
        private static async Task InitialCollection(ProtocolScenario s, CollectorKey key, SupervisorSettings settings, Bscp601Result r)
        {
            await s.RunWithoutCollectorAsync(TimeSpan.FromHours(26));
            MeterJournal journal = s.Meter.Rig.Journal;
            long first = journal.FirstPeriodIndex;
            long last = journal.LastPeriodIndex;
            long previouslyCollected = first + 23;
            s.Meter.Rig.Meter.Loop.Acknowledge(previouslyCollected);
            r.Evidence.Add($"meter {s.Meter.Serial} ran {UtcText.Minutes(UtcText.PeriodStart(first))} to {UtcText.Minutes(UtcText.PeriodStart(last + 1))} ({last - first + 1} periods) before collection; a previous collector had acknowledged the first 24");

            await s.StartCollectorAsync(key, settings);
            bool collected = await s.RunUntilAsync(() => Collected(s, first, journal.LastPeriodIndex) && AcknowledgedAll(s), TimeSpan.FromHours(2));
            await s.SettleAsync();
            long end = journal.LastPeriodIndex;
            r.Check(collected, $"every period the meter holds ({first}..{end}, {end - first + 1}) collected and acknowledged within two simulated hours");
            CompareWithJournal(s, first, end, r);

            using CollectorStore store = CollectorStore.Open(s.Store);
            DataFileSummary files = DataFiles.Write(store, Path.Combine(s.Directory, "data"));
            DateTime day = UtcText.PeriodStart(first).Date.AddDays(1);
            r.Check(files.Files.Count > 0, $"data files written: {string.Join(", ", files.Files.Select(f => Path.GetRelativePath(s.Directory, f)))}");
            CheckDataFile(s, store, day, r);
        }

        // DR1-2: after an initial collection, collection goes on for another day, and the first day is collected
        // again from the meter: the repeat brings the same records, nothing is stored twice, nothing changes.
        private static async Task RepeatedCollection(ProtocolScenario s, CollectorKey key, SupervisorSettings settings, Bscp601Result r)
        {
            await s.RunWithoutCollectorAsync(TimeSpan.FromHours(1));
            await s.StartCollectorAsync(key, settings);
            await s.RunAsync(TimeSpan.FromHours(24));
            await s.SettleAsync();
            long first = s.Meter.Rig.Journal.FirstPeriodIndex;
            string before = FirstDayFile(s);
            long storedBefore;
            using (CollectorStore store = CollectorStore.Open(s.Store))
            {
                storedBefore = store.PeriodCount();
            }

            r.Evidence.Add($"first collection: {storedBefore} periods stored");
            long duplicatesBefore = s.Collector!.Counters.Duplicates;
            long resend = await s.Collector.RequestResendAsync(s.Meter.Serial, first, first + 47, CancellationToken.None);
            await s.RunAsync(TimeSpan.FromHours(3));
            await s.SettleAsync();
            long repeated = s.Collector.Counters.Duplicates - duplicatesBefore;
            CommandEntry? command;
            long storedAfter;
            List<QuarantinedRecord> quarantined;
            using (CollectorStore store = CollectorStore.Open(s.Store))
            {
                command = store.Command(s.Meter.Serial, resend);
                storedAfter = store.PeriodCount();
                quarantined = store.QuarantinedRecords().Where(q => q.Serial == s.Meter.Serial).ToList();
            }

            r.Check(command?.Result == "ok", $"repeat collection of periods {first}..{first + 47} accepted by the meter (command {resend}: {command?.Result ?? "no answer"} {command?.Reason})");
            r.Check(repeated >= 48, $"the repeat brought {repeated} records again, each identical to the one already stored (stored once: duplicates are not stored)");
            r.Check(quarantined.Count == 0, $"no record of the repeat conflicts with what was stored ({quarantined.Count} quarantined)");
            r.Check(FirstDayFile(s) == before && before.Length > 0, "the first day's data file is byte-for-byte the same after the repeat");
            long last = s.Meter.Rig.Journal.LastPeriodIndex;
            r.Check(storedAfter >= last - first + 1 && Collected(s, first, last), $"collection went on: {storedAfter} periods stored, {first}..{last} all present, none twice");
            CompareWithJournal(s, first, last, r);
        }

        // DR2-1: a collector whose access key the meter does not know tries to collect (read, acknowledge, fetch):
        // every command is refused with its reason and logged by the meter, and nothing on the meter changes.
        private static async Task IncorrectAccess(ProtocolScenario s, CollectorKey key, SupervisorSettings settings, Bscp601Result r)
        {
            await s.RunWithoutCollectorAsync(TimeSpan.FromHours(2));
            long acknowledgedBefore = s.Meter.Rig.Meter.Loop.State.AcknowledgedPeriodIndex;
            long counterBefore = s.Meter.Rig.Meter.Loop.State.LastCommandCounter;
            int eventsBefore = s.MeterEvents().Count;
            await s.StartCollectorAsync(key, settings);
            await s.RunAsync(TimeSpan.FromHours(1));
            await s.Collector!.RequestResendAsync(s.Meter.Serial, s.Meter.Rig.Journal.FirstPeriodIndex, s.Meter.Rig.Journal.LastPeriodIndex, CancellationToken.None);
            await s.Collector.RequestReadAsync(s.Meter.Serial, CancellationToken.None);
            await s.RunAsync(TimeSpan.FromMinutes(10));
            await s.SettleAsync();

            List<CommandEntry> commands = Commands(s);
            List<MeterEvent> events = s.MeterEvents().Skip(eventsBefore).ToList();
            int refusedEvents = events.Count(e => e.Code == EventCode.CommandRefused);
            int acceptedEvents = events.Count(e => e.Code == EventCode.CommandAccepted);
            r.Check(commands.Count >= 3 && commands.Select(c => c.Operation).Distinct().Count() >= 2,
                $"the collector tried {commands.Count} commands ({string.Join(", ", commands.GroupBy(c => c.Operation).Select(g => g.Count() + " " + g.Key))})");
            r.Check(commands.Count > 0 && commands.All(c => c.Result == "refused" && c.Reason == "bad-signature"),
                $"the meter refused every one, reason bad-signature ({commands.Count(c => c.Result == "refused")} refused, {commands.Count(c => c.Result == "ok")} accepted, {commands.Count(c => c.Result == null)} unanswered)");
            r.Check(refusedEvents >= commands.Count && acceptedEvents == 0, $"the meter's event log holds {refusedEvents} command-refused events and {acceptedEvents} command-accepted");
            r.Check(s.Meter.Rig.Meter.Loop.State.AcknowledgedPeriodIndex == acknowledgedBefore && s.Meter.Rig.Meter.Loop.State.LastCommandCounter == counterBefore,
                "nothing on the meter changed: no period released for deletion, command counter unchanged");
        }

        // DR2-2: with the access key the meter knows, the same collection works: registers read, periods fetched
        // again on request, the collection acknowledged; each command logged as accepted.
        private static async Task CorrectAccess(ProtocolScenario s, CollectorKey key, SupervisorSettings settings, Bscp601Result r)
        {
            await s.RunWithoutCollectorAsync(TimeSpan.FromHours(2));
            int eventsBefore = s.MeterEvents().Count;
            await s.StartCollectorAsync(key, settings);
            await s.RunAsync(TimeSpan.FromHours(1));
            long first = s.Meter.Rig.Journal.FirstPeriodIndex;
            long duplicatesBefore = s.Collector!.Counters.Duplicates;
            long resend = await s.Collector.RequestResendAsync(s.Meter.Serial, first, first + 3, CancellationToken.None);
            long read = await s.Collector.RequestReadAsync(s.Meter.Serial, CancellationToken.None);
            await s.RunAsync(TimeSpan.FromMinutes(10));
            await s.SettleAsync();

            List<CommandEntry> commands = Commands(s);
            List<MeterEvent> events = s.MeterEvents().Skip(eventsBefore).ToList();
            int snapshots;
            using (CollectorStore store = CollectorStore.Open(s.Store))
            {
                snapshots = store.Snapshots(s.Meter.Serial).Count;
            }

            r.Check(commands.Count > 0 && commands.All(c => c.Result == "ok"), $"the meter accepted all {commands.Count} commands ({string.Join(", ", commands.GroupBy(c => c.Operation).Select(g => g.Count() + " " + g.Key))})");
            r.Check(commands.Any(c => c.Counter == read && c.Result == "ok") && snapshots > 0, $"registers read on request: {snapshots} signed snapshot(s) stored and verified");
            r.Check(commands.Any(c => c.Counter == resend && c.Result == "ok") && s.Collector.Counters.Duplicates - duplicatesBefore >= 4, "periods fetched again on request (4 re-sent, identical to those stored)");
            long acknowledged = s.Meter.Rig.Meter.Loop.State.AcknowledgedPeriodIndex;
            r.Check(acknowledged >= s.Meter.Rig.Journal.LastPeriodIndex - 1, $"collection acknowledged: the meter may release periods up to {acknowledged} (last closed {s.Meter.Rig.Journal.LastPeriodIndex})");
            int accepted = events.Count(e => e.Code == EventCode.CommandAccepted);
            r.Check(accepted >= commands.Count && events.All(e => e.Code != EventCode.CommandRefused), $"the meter's event log holds {accepted} command-accepted events and no refusal");
            CompareWithJournal(s, first, s.Meter.Rig.Journal.LastPeriodIndex, r);
        }

        // DR3: the meter's clock is put ten minutes out (its time server goes wrong by that much, then away); the
        // collector finds it beyond its bound and resets it to UTC. With the correct access the meter applies the
        // reset, logs it and flags the period; with an incorrect one it refuses and its clock stays as it was.
        private static async Task ClockReset(ProtocolScenario s, CollectorKey key, SupervisorSettings settings, int minutes, bool expectReset, Bscp601Result r)
        {
            await s.RunWithoutCollectorAsync(TimeSpan.FromMinutes(40));
            s.Meter.Rig.TimeSourceErrorTicks = TimeSpan.FromMinutes(minutes).Ticks;
            await s.RunWithoutCollectorAsync(TimeSpan.FromMinutes(3));
            s.Meter.Rig.TimeSourceAvailable = false;
            await s.RunWithoutCollectorAsync(TimeSpan.FromMinutes(20));
            double offsetBefore = s.MeterClockErrorSeconds ?? double.NaN;
            r.Check(Math.Abs(offsetBefore - (minutes * 60)) < 5, $"meter clock set to UTC {(minutes < 0 ? "minus" : "plus")} {Math.Abs(minutes)} minutes: it reads {offsetBefore:+0.0;-0.0} s from UTC");
            int eventsBefore = s.MeterEvents().Count;

            await s.StartCollectorAsync(key, settings);
            await s.RunUntilAsync(() => Commands(s).Any(c => c.Operation == "clock" && c.Result != null) && (s.MeterClockErrorSeconds is double e && Math.Abs(e) < 10 || !expectReset), TimeSpan.FromHours(1));
            await s.RunAsync(TimeSpan.FromMinutes(40));
            await s.SettleAsync();

            List<CommandEntry> commands = Commands(s);
            List<ClockCheck> checks;
            using (CollectorStore store = CollectorStore.Open(s.Store))
            {
                checks = store.ClockChecks(s.Meter.Serial);
            }

            List<CommandEntry> resets = commands.Where(c => c.Operation == "clock").ToList();
            List<MeterEvent> events = s.MeterEvents().Skip(eventsBefore).ToList();
            double offsetAfter = s.MeterClockErrorSeconds ?? double.NaN;
            ClockCheck? beyond = checks.FirstOrDefault(c => c.Verdict == "beyond");
            r.Check(resets.Count > 0, $"the collector found the clock wrong ({(beyond != null ? $"measured {beyond.OffsetMilliseconds / 1000.0:+0.0;-0.0} s ± {beyond.UncertaintyMilliseconds / 1000.0:0.0} s" : "from the meter's status")}) and sent {resets.Count} clock reset(s) to UTC");
            if (expectReset)
            {
                r.Check(resets.Any(c => c.Result == "ok"), $"the meter accepted the reset ({string.Join(", ", resets.Select(c => c.Result + (c.Result == "ok" ? string.Empty : " " + c.Reason)))})");
                r.Check(Math.Abs(offsetAfter) < settings.ClockBound.TotalSeconds, $"the meter's clock now reads {offsetAfter:+0.0;-0.0} s from UTC (bound {settings.ClockBound.TotalSeconds} s)");
                MeterEvent[] set = events.Where(e => e.Code == EventCode.ClockSetByCollector).ToArray();
                r.Check(set.Length > 0, $"the meter logged the reset: {string.Join("; ", set.Select(e => $"clock-set-by-collector from {new DateTime(e.Value1, DateTimeKind.Utc):HH:mm:ss} to {new DateTime(e.Value2, DateTimeKind.Utc):HH:mm:ss}"))}");
                if (set.Length > 0)
                {
                    long period = UtcText.PeriodIndex(new DateTime(set[0].Value2, DateTimeKind.Utc));
                    using CollectorStore store = CollectorStore.Open(s.Store);
                    StoredPeriod? flagged = store.Period(s.Meter.Serial, period);
                    r.Check(flagged != null && (flagged.Flags & (long)PeriodFlags.ClockAdjusted) != 0,
                        $"the period of the reset ({UtcText.Minutes(UtcText.PeriodStart(period))}) reached the collector flagged clock-adjusted ({(flagged == null ? "not received" : PeriodFlagNames.Of(flagged.Flags))})");
                }
            }
            else
            {
                r.Check(resets.Count > 0 && resets.All(c => c.Result == "refused" && c.Reason == "bad-signature"), $"the meter refused every reset ({string.Join(", ", resets.Select(c => (c.Result ?? "unanswered") + " " + c.Reason))})");
                r.Check(Math.Abs(offsetAfter - offsetBefore) < 2, $"the meter's clock is unchanged: {offsetAfter:+0.0;-0.0} s from UTC");
                int refused = events.Count(e => e.Code == EventCode.CommandRefused);
                r.Check(refused >= resets.Count && events.All(e => e.Code != EventCode.ClockSetByCollector), $"the meter logged {refused} refused command(s) and no clock setting");
            }

            r.Evidence.Add("validation-report.md lists the clock checks, the reset(s) and the meter's clock events");
        }

        private static List<CommandEntry> Commands(ProtocolScenario s)
        {
            using CollectorStore store = CollectorStore.Open(s.Store);
            return store.Commands(s.Meter.Serial);
        }

        private static bool Collected(ProtocolScenario s, long first, long last)
        {
            using CollectorStore store = CollectorStore.Open(s.Store);
            return store.PeriodIndexes(s.Meter.Serial, first, last).Count == last - first + 1;
        }

        private static bool AcknowledgedAll(ProtocolScenario s)
            => s.Meter.Rig.Meter.Loop.State.AcknowledgedPeriodIndex >= s.Meter.Rig.Journal.LastPeriodIndex;

        // The check BSCP601 describes: read the same data with the meter's own tools and compare.
        private static void CompareWithJournal(ProtocolScenario s, long first, long last, Bscp601Result r)
        {
            using CollectorStore store = CollectorStore.Open(s.Store);
            int same = 0;
            var differences = new List<string>();
            for (long index = first; index <= last; index++)
            {
                if (s.Meter.Rig.Journal.TryReadPeriod(index, out HalfHourPeriod period) != PeriodReadStatus.Ok)
                {
                    continue;
                }

                StoredPeriod? stored = store.Period(s.Meter.Serial, index);
                if (stored != null && stored.ImportStart == period.ImportStartMicrowattHours / 1000 && stored.ImportEnd == period.ImportEndMicrowattHours / 1000
                    && stored.ExportStart == period.ExportStartMicrowattHours / 1000 && stored.ExportEnd == period.ExportEndMicrowattHours / 1000 && stored.Flags == (long)period.Flags)
                {
                    same++;
                }
                else
                {
                    differences.Add(index.ToString(CultureInfo.InvariantCulture));
                }
            }

            r.Check(differences.Count == 0 && same > 0, $"collected data equals the meter's own journal for {same} periods{(differences.Count > 0 ? "; differs or missing: " + string.Join(" ", differences.Take(10)) : string.Empty)}");
        }

        private static void CheckDataFile(ProtocolScenario s, CollectorStore store, DateTime day, Bscp601Result r)
        {
            string file = Path.Combine(s.Directory, "data", "utc", s.Meter.Spec.AmsidImport + ".csv");
            string settlement = Path.Combine(s.Directory, "data", "settlement", s.Meter.Spec.AmsidImport + ".csv");
            string dayText = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            string[] rows = File.Exists(file) ? File.ReadAllLines(file).Where(l => l.Contains("," + dayText + "T", StringComparison.Ordinal) && l.Split(',')[3].StartsWith(dayText, StringComparison.Ordinal)).ToArray() : Array.Empty<string>();
            long fileTotal = 0;
            int actual = 0;
            foreach (string row in rows)
            {
                string[] cells = row.Split(',');
                if (cells[6] == PeriodStatus.Actual || cells[6] == PeriodStatus.Flagged)
                {
                    actual++;
                    fileTotal += MilliwattHoursOf(cells[5]);
                }
            }

            long journalTotal = 0;
            long firstIndex = UtcText.PeriodIndex(day);
            for (long index = firstIndex; index < firstIndex + 48; index++)
            {
                if (s.Meter.Rig.Journal.TryReadPeriod(index, out HalfHourPeriod period) == PeriodReadStatus.Ok)
                {
                    journalTotal += (period.ImportEndMicrowattHours / 1000) - (period.ImportStartMicrowattHours / 1000);
                }
            }

            r.Check(rows.Length == 48 && actual == 48, $"UTC data file {Path.GetFileName(file)}: {rows.Length} rows for {dayText}, {actual} with a value");
            r.Check(fileTotal == journalTotal && journalTotal > 0, $"the day's import in the file, {EnergyText.KilowattHours(fileTotal)} kWh, equals the meter's journal, {EnergyText.KilowattHours(journalTotal)} kWh");
            int settlementRows = File.Exists(settlement) ? File.ReadAllLines(settlement).Count(l => l.Split(',')[3] == dayText) : 0;
            r.Check(settlementRows == 48, $"settlement-day data file: {settlementRows} settlement periods for {dayText} (a 48-period day)");
        }

        private static long MilliwattHoursOf(string kilowattHours)
        {
            int point = kilowattHours.IndexOf('.');
            return (long.Parse(kilowattHours.AsSpan(0, point), CultureInfo.InvariantCulture) * 1_000_000) + long.Parse(kilowattHours.AsSpan(point + 1), CultureInfo.InvariantCulture);
        }

        private static string FirstDayFile(ProtocolScenario s)
        {
            using CollectorStore store = CollectorStore.Open(s.Store);
            string directory = Path.Combine(s.Directory, "repeat-check");
            DataFiles.Write(store, directory);
            string file = Path.Combine(directory, "utc", s.Meter.Spec.AmsidImport + ".csv");
            string day = UtcText.PeriodStart(s.Meter.Rig.Journal.FirstPeriodIndex).Date.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return File.Exists(file) ? string.Join("\n", File.ReadAllLines(file).Where(l => l.Split(',')[3].StartsWith(day, StringComparison.Ordinal))) : string.Empty;
        }
    }
}
