using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector.Commands;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Output;
using AssetMeter.Collector.Settlement;
using AssetMeter.Collector.Storage;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Metrology.Periods;
using MQTTnet;
using MQTTnet.Protocol;

namespace AssetMeter.Collector.Compliance
{
    /// <summary>What the demo runs.</summary>
    public sealed class DemoOptions
    {
        public string OutputDirectory { get; init; } = Path.Combine("out", "demo");

        /// <summary>Simulated seconds per real second.</summary>
        public double Speed { get; init; } = 4000;

        /// <summary>UTC day simulated (the run starts ten minutes before it and ends twenty minutes after).</summary>
        public DateTime Day { get; init; } = new(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc);

        /// <summary>Where the collector's data lives; default SQLite in the output directory.</summary>
        public string? Store { get; init; }
    }

    /// <summary>How the demo went.</summary>
    public sealed class DemoResult
    {
        public bool Passed { get; init; }

        public required AuditResult Audit { get; init; }

        public required List<MeterSummary> Meters { get; init; }

        public required DataFileSummary Files { get; init; }

        public required string Report { get; init; }

        /// <summary>The operational portfolios and the settlement files (P375, delivered volumes, P483 checks).</summary>
        public DemoSettlementResult? Settlement { get; init; }

        public List<string> Problems { get; } = new();
    }

    /// <summary>
    /// The whole chain on one machine with nothing installed: an embedded MQTT broker, a fleet of virtual meters with
    /// different assets, and the collector on SQLite, through a simulated UTC day with a broker outage, a meter whose
    /// time source goes ten minutes wrong and then away, a power cut, and a forged record; then the data files, the
    /// validation report, and a check that every stored record verifies and matches the meters' own journals.
    /// </summary>
    public static class Demo
    {
        public static readonly FleetMeterSpec[] Fleet =
        {
            // Every meter sends operational readings each minute; the chargers obey a turn-down from 03:00 to 04:00, and the
            // second one's meter over-reads by 5 % (the delivery check catches it: DemoSettlement).
            new() { Serial = "am-demo-01", Scenario = "charger", Ic = IcKind.Ade7953, AmsidImport = "AMSID-DEMO-01-I", AmsidExport = "AMSID-DEMO-01-E", Seed = 11, OperationalIntervalSeconds = 60, Load = DemoSettlement.TurnedDown },
            new() { Serial = "am-demo-02", Scenario = "battery", Ic = IcKind.Atm90e32, AmsidImport = "AMSID-DEMO-02-I", AmsidExport = "AMSID-DEMO-02-E", Seed = 12, OperationalIntervalSeconds = 60 },
            new() { Serial = "am-demo-03", Scenario = "heat-pump", Ic = IcKind.Ade7953, AmsidImport = "AMSID-DEMO-03-I", Seed = 13, SecureElement = false, OperationalIntervalSeconds = 60 },
            new() { Serial = "am-demo-04", Scenario = "charger", Ic = IcKind.Atm90e32, AmsidImport = "AMSID-DEMO-04-I", AmsidExport = "AMSID-DEMO-04-E", Seed = 14, OperationalIntervalSeconds = 60, Load = DemoSettlement.TurnedDown, GainError = 0.05 },
        };

        public static async Task<DemoResult> RunAsync(DemoOptions options, TextWriter output, CancellationToken cancel)
        {
            var wall = Stopwatch.StartNew();
            string outDir = Path.GetFullPath(options.OutputDirectory);
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, true);
            }

            Directory.CreateDirectory(outDir);
            string store = options.Store ?? "sqlite:" + Path.Combine(outDir, "collector.db");
            DateTime start = options.Day.AddMinutes(-10);
            TimeSpan length = TimeSpan.FromDays(1) + TimeSpan.FromMinutes(30);
            var log = new DemoLog(output, Path.Combine(outDir, "collector.log"));

            await using var broker = new EmbeddedBroker();
            await broker.StartAsync();
            using CollectorKey key = CollectorKey.Create();
            key.Save(Path.Combine(outDir, "collector-key.pem"));
            output.WriteLine($"AssetMeter demo: {Fleet.Length} virtual meters, an embedded MQTT broker on {broker.Host}:{broker.Port}, the collector on {store}");
            output.WriteLine($"Simulating {options.Day:yyyy-MM-dd} UTC at {options.Speed:0}x (the clock waits while messages are in flight). Output: {outDir}");
            output.WriteLine();

            await using VirtualFleet fleet = VirtualFleet.Start(Fleet, start, length, broker.Host, broker.Port, new[] { Convert.FromHexString(key.PublicKeyHex) });
            using (CollectorStore registry = CollectorStore.Open(store))
            {
                foreach (FleetMeter meter in fleet.Meters)
                {
                    registry.Register(meter.Registration);
                    output.WriteLine($"  {meter.Serial}: {meter.Spec.Scenario,-9} on {(meter.Spec.Ic == IcKind.Ade7953 ? "ADE7953 (I2C)" : "ATM90E32AS (SPI)")}, signs with {meter.Registration.Algorithm}, AMSIDs {meter.Spec.AmsidImport}{(meter.Spec.AmsidExport != null ? " / " + meter.Spec.AmsidExport : string.Empty)}");
                }
            }

            output.WriteLine();
            var settings = new SupervisorSettings { ClockCheckInterval = TimeSpan.FromHours(1) };
            await using var collector = new CollectorService(
                new CollectorOptions { BrokerHost = broker.Host, BrokerPort = broker.Port, Instance = "demo-collector", Supervision = settings, ShareGroup = null, SupervisionInterval = TimeSpan.Zero },
                store, key, fleet.Time, line => log.Write(fleet.UtcNow, line));
            collector.Start();
            if (!await collector.WaitConnectedAsync(TimeSpan.FromSeconds(20)))
            {
                throw new InvalidOperationException("the collector could not connect to the embedded broker");
            }

            var settlement = new DemoSettlement(fleet, options.Day);
            await settlement.StartOperationalAsync(broker.Host, broker.Port, outDir, line => log.Write(fleet.UtcNow, line));

            FleetMeter clockFault = fleet.Meters[1];
            FleetMeter powerCut = fleet.Meters[2];
            var script = new SortedList<DateTime, Func<Task>>
            {
                [options.Day.AddHours(6)] = async () =>
                {
                    log.Write(fleet.UtcNow, "*** broker outage begins: the meters keep every period in their journals");
                    await broker.StopAsync();
                },
                [options.Day.AddHours(9)] = async () =>
                {
                    await broker.StartAsync();
                    log.Write(fleet.UtcNow, "*** broker back: the meters send what they kept, the collector acknowledges it");
                },
                [options.Day.AddHours(10).AddMinutes(5)] = () => ForgeRecordAsync(broker, fleet.Meters[0], log, fleet.UtcNow),
                [options.Day.AddHours(12).AddMinutes(7)] = () =>
                {
                    log.Write(fleet.UtcNow, $"*** clock fault: {clockFault.Serial}'s time server goes 10 minutes slow, then unreachable");
                    clockFault.Rig.TimeSourceErrorTicks = -TimeSpan.FromMinutes(10).Ticks;
                    return Task.CompletedTask;
                },
                [options.Day.AddHours(12).AddMinutes(10)] = () =>
                {
                    clockFault.Rig.TimeSourceAvailable = false;
                    return Task.CompletedTask;
                },
                [options.Day.AddHours(15).AddMinutes(40)] = () =>
                {
                    log.Write(fleet.UtcNow, $"*** power cut: {powerCut.Serial} loses its supply for 25 minutes");
                    fleet.PowerCut(powerCut, TimeSpan.FromMinutes(25));
                    return Task.CompletedTask;
                },
            };

            DateTime nextProgress = options.Day;
            DateTime nextSupervision = start;
            async Task AtStep(DateTime now)
            {
                await settlement.AfterStepAsync(now);
                if (now >= nextSupervision)
                {
                    nextSupervision = now + Quiescence.SupervisionEvery;
                    await collector.SuperviseOnceAsync(cancel);
                }

                while (script.Count > 0 && now >= script.Keys[0])
                {
                    Func<Task> action = script.Values[0];
                    script.RemoveAt(0);
                    await action();
                }

                if (now >= nextProgress)
                {
                    nextProgress = nextProgress.AddHours(3);
                    output.WriteLine($"  {now:HH:mm} UTC  records stored {collector.Counters.Stored,5}, duplicates {collector.Counters.Duplicates,5}, quarantined {collector.Counters.Quarantined}, commands {collector.Counters.CommandsSent,4}  ({wall.Elapsed.TotalSeconds:0}s)");
                }
            }

            var quiescence = new Quiescence(collector, fleet);
            bool Quiet() => quiescence.Quiet();
            await fleet.RunAsync(length, options.Speed, Quiet, AtStep, TimeSpan.FromMilliseconds(200), cancel);

            // Let the last acknowledgements and backfills go round at the end of the day.
            for (int i = 0; i < 600 && !AllCollected(store, fleet); i++)
            {
                await fleet.RunAsync(TimeSpan.FromSeconds(10), options.Speed, Quiet, AtStep, TimeSpan.FromMilliseconds(200), cancel);
            }

            await collector.DrainAsync(TimeSpan.FromSeconds(10));
            DateTime asOf = fleet.UtcNow;
            output.WriteLine();
            output.WriteLine($"Simulated day done in {wall.Elapsed.TotalSeconds:0.0} s. Writing the data files and the validation report.");

            using CollectorStore results = CollectorStore.Open(store);
            string dataDir = Path.Combine(outDir, "data");
            DataFileSummary files = DataFiles.Write(results, dataDir);
            string reportFile = Path.Combine(outDir, "validation-report.md");
            AuditResult audit = ValidationReport.Write(results, reportFile, asOf, TimeSpan.FromMinutes(15), CollectorVersion.Text);
            List<MeterSummary> summaries = results.Meters().Select(m => ValidationReport.Summarise(results, m, asOf, TimeSpan.FromMinutes(15))).ToList();
            var result = new DemoResult { Audit = audit, Meters = summaries, Files = files, Report = reportFile, Passed = false };
            CompareWithJournals(results, fleet, result.Problems);
            DemoSettlementResult extra = await settlement.FinishAsync(results, outDir, asOf);
            File.AppendAllText(reportFile, Environment.NewLine + extra.ReportSections());
            if (extra.Settlement.IdentityFailures != 0)
            {
                result.Problems.Add($"{extra.Settlement.IdentityFailures} settlement periods where Primary + Secondary is not the boundary");
            }

            PrintSummary(output, summaries, collector.Counters, results, audit, files, reportFile, result.Problems);
            PrintSettlement(output, extra);

            bool passed = audit.AllVerified && summaries.All(s => s.MissingCount == 0) && result.Problems.Count == 0 && files.Files.Count > 0;
            output.WriteLine(passed
                ? "RESULT: every record verified, nothing missing, the data files match the meters' own journals."
                : "RESULT: PROBLEMS (see above and the validation report)");
            return new DemoResult { Audit = audit, Meters = summaries, Files = files, Report = reportFile, Passed = passed, Settlement = extra };
        }

        /// <summary>
        /// True when every closed period of every meter of <paramref name="fleet"/> is in <paramref name="store"/>
        /// (stored, or quarantined after a good signature) and the meter's status says it is acknowledged.
        /// </summary>
        public static bool AllCollected(string store, VirtualFleet fleet)
        {
            using CollectorStore s = CollectorStore.Open(store);
            foreach (FleetMeter meter in fleet.Meters)
            {
                long last = meter.Rig.Journal.LastPeriodIndex;
                long first = meter.Rig.Journal.FirstPeriodIndex;
                var have = new HashSet<long>(s.PeriodIndexes(meter.Serial, first, last));
                have.UnionWith(s.QuarantinedSignedPeriodIndexes(meter.Serial));
                for (long i = first; i <= last; i++)
                {
                    if (!have.Contains(i))
                    {
                        return false;
                    }
                }

                StoredStatus? status = s.Status(meter.Serial);
                if (status == null || status.Acknowledged < last)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The BSCP601 way of checking a collection: reads the same data with the meter's own tools (its journal) and
        /// compares, period by period; adds to <paramref name="problems"/> every period missing from the store or
        /// different in it, and every meter with nothing to compare.
        /// </summary>
        public static void CompareWithJournals(CollectorStore store, VirtualFleet fleet, List<string> problems)
        {
            foreach (FleetMeter meter in fleet.Meters)
            {
                int compared = 0;
                for (long index = meter.Rig.Journal.FirstPeriodIndex; index <= meter.Rig.Journal.LastPeriodIndex; index++)
                {
                    if (meter.Rig.Journal.TryReadPeriod(index, out HalfHourPeriod period) != AssetMeter.Firmware.Journal.PeriodReadStatus.Ok)
                    {
                        continue;
                    }

                    StoredPeriod? stored = store.Period(meter.Serial, index);
                    if (stored == null)
                    {
                        problems.Add($"{meter.Serial}: period {index} is in the meter's journal but not in the collector's store");
                        continue;
                    }

                    compared++;

                    // The record carries registers truncated to the milliwatt-hour.
                    if (stored.ImportStart != period.ImportStartMicrowattHours / 1000 || stored.ImportEnd != period.ImportEndMicrowattHours / 1000
                        || stored.ExportStart != period.ExportStartMicrowattHours / 1000 || stored.ExportEnd != period.ExportEndMicrowattHours / 1000
                        || stored.Flags != (long)period.Flags)
                    {
                        problems.Add($"{meter.Serial}: period {index} differs between the meter's journal and the collector's store");
                    }
                }

                if (compared == 0)
                {
                    problems.Add($"{meter.Serial}: no period could be compared with the meter's journal");
                }
            }
        }

        // A rogue publisher replays a real record with one digit of its energy changed: it must be quarantined.
        private static async Task ForgeRecordAsync(EmbeddedBroker broker, FleetMeter victim, DemoLog log, DateTime now)
        {
            long forged = await PublishForgedRecordAsync(broker.Host, broker.Port, victim);
            if (forged >= 0)
            {
                log.Write(now, $"*** a rogue client publishes a forged record for {victim.Serial} (period {forged}, 5 Wh added)");
            }
        }

        /// <summary>
        /// Publishes, as a rogue client of the broker at <paramref name="host"/>:<paramref name="port"/>, the record of
        /// <paramref name="victim"/>'s last closed period with 5 Wh added and a signature by another key: a collector
        /// must quarantine it. Returns the period index, or -1 when the meter has closed no period yet.
        /// </summary>
        public static async Task<long> PublishForgedRecordAsync(string host, int port, FleetMeter victim)
        {
            long last = victim.Rig.Journal.LastPeriodIndex;
            if (last < 0 || victim.Rig.Journal.TryReadPeriod(last, out HalfHourPeriod period) != AssetMeter.Firmware.Journal.PeriodReadStatus.Ok)
            {
                return -1;
            }

            // Rebuild the meter's record of that period with a different signer key: the bytes look right, the signature cannot.
            var builder = new AssetMeter.Firmware.Records.OcmfRecordBuilder(
                new AssetMeter.Firmware.Records.MeterIdentity(victim.Serial, "AM-T5-" + victim.Rig.Ic.PartName, "0.1.0", victim.Spec.AmsidImport, victim.Spec.AmsidExport),
                new AssetMeter.Firmware.Records.HmacRecordSigner(new byte[32]));
            period.ImportEndMicrowattHours += 5_000_000;
            if (!builder.BuildPeriod(period))
            {
                return -1;
            }

            byte[] forged = new byte[builder.RecordLength];
            Array.Copy(builder.Record, forged, forged.Length);
            using var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId("rogue-publisher").Build());
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("assetmeter/" + victim.Serial + "/period").WithPayload(forged)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            await client.DisconnectAsync();
            return last;
        }

        private static void PrintSummary(TextWriter output, List<MeterSummary> meters, CollectorCounters counters, CollectorStore store, AuditResult audit, DataFileSummary files, string reportFile, List<string> problems)
        {
            output.WriteLine();
            output.WriteLine("Meter        Periods  Stored  Missing  Flagged  Import kWh     Export kWh     Clock");
            foreach (MeterSummary m in meters)
            {
                int resets = m.Commands.Count(c => c.Operation == "clock" && c.Result == "ok");
                ClockCheck? beyond = m.ClockChecks.FirstOrDefault(c => c.Verdict == "beyond");
                ClockCheck? latest = m.ClockChecks.LastOrDefault(c => c.Verdict != "inconclusive");
                long worstWithin = m.ClockChecks.Where(c => c.Verdict == "within").Select(c => Math.Abs(c.OffsetMilliseconds)).DefaultIfEmpty(0).Max();
                string clock = latest == null ? "not checked"
                    : beyond != null ? $"{beyond.OffsetMilliseconds / 1000.0:0} s off at {beyond.ReplyUtc:HH:mm}, reset {resets}x, last check {latest.OffsetMilliseconds / 1000.0:0.0} s"
                    : $"within {worstWithin / 1000.0:0.0} s ({m.ClockChecks.Count} checks)";
                output.WriteLine($"{m.Meter.Serial,-12} {m.Expected,7} {m.Stored,7} {m.MissingCount,8} {m.Flagged,8}  {EnergyText.KilowattHours(m.ImportMilliwattHours),-13}  {EnergyText.KilowattHours(m.ExportMilliwattHours),-13}  {clock}");
            }

            output.WriteLine();
            foreach (MeterSummary m in meters.Where(m => m.FlagCounts.Count > 0))
            {
                output.WriteLine($"  {m.Meter.Serial} flags: {string.Join(", ", m.FlagCounts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} x{p.Value}"))}");
            }

            foreach (QuarantinedRecord q in store.QuarantinedRecords())
            {
                output.WriteLine($"  quarantined: {q.Serial} {q.Pagination} {q.Reason}: {q.Detail}");
            }

            output.WriteLine($"  messages received {counters.Received}, records stored {counters.Stored} (duplicates from re-sends {counters.Duplicates}), commands sent {counters.CommandsSent}");
            output.WriteLine($"  audit: {audit.SignaturesVerified} of {audit.RecordsChecked} stored records re-verified from the database (signatures and register chains){(audit.AllVerified ? ": all good" : ": FAILURES")}");
            foreach (string failure in audit.Failures)
            {
                output.WriteLine("    " + failure);
            }

            foreach (string problem in problems)
            {
                output.WriteLine("  PROBLEM: " + problem);
            }

            output.WriteLine($"  data files: {files.Files.Count} CSV files for {files.Amsids} AMSIDs ({files.PeriodRows} UTC period rows, {files.SettlementRows} settlement-period rows) in {Path.GetDirectoryName(Path.GetDirectoryName(files.Files.FirstOrDefault() ?? "."))}");
            output.WriteLine($"  validation report: {reportFile}");
            output.WriteLine();
        }

        private static void PrintSettlement(TextWriter output, DemoSettlementResult extra)
        {
            SettlementSummary s = extra.Settlement;
            if (extra.Operational != null)
            {
                output.WriteLine($"  operational: {extra.Operational.Counters.Accepted} readings summed into {extra.Accuracy.Count} portfolios ({extra.PortfolioFiles.Count} files in {Path.GetDirectoryName(extra.PortfolioFiles.FirstOrDefault() ?? ".")})");
                foreach (PortfolioAccuracy a in extra.Accuracy)
                {
                    output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"    {a.Portfolio}: {a.Complete} of {a.Seconds} seconds with every asset reporting; 1 s sum against the true power: median {a.MedianAbsoluteWatts:F0} W, 95 % {a.P95AbsoluteWatts:F0} W, max {a.MaxAbsoluteWatts:F0} W"));
                }
            }

            output.WriteLine($"  settlement: {s.SitePeriods} site periods at {s.Sites} boundary points (P375), Primary + Secondary = Boundary in every one computed; {s.Files.Count} files");
            foreach (SiteDeliveryCheck c in s.Checks)
            {
                output.WriteLine($"    P483 {c.Instruction.Id} at {c.Mpan}: assets claim {VolumeText.KilowattHours(c.AssetDeliveredMilliwattHours)} kWh, boundary {VolumeText.KilowattHours(c.BoundaryChangeMilliwattHours)} kWh: {c.Verdict.ToUpperInvariant()}");
            }

            output.WriteLine();
        }

        /// <summary>The collector's log, with the simulated time, to the console and a file.</summary>
        private sealed class DemoLog
        {
            private readonly TextWriter _console;
            private readonly StreamWriter _file;
            private readonly object _lock = new();

            public DemoLog(TextWriter console, string file)
            {
                _console = console;
                _file = new StreamWriter(file, false, new UTF8Encoding(false)) { AutoFlush = true };
            }

            public void Write(DateTime simulated, string line)
            {
                lock (_lock)
                {
                    string text = $"  {simulated:HH:mm:ss} {line}";
                    _file.WriteLine(text);
                    if (line.StartsWith("***", StringComparison.Ordinal) || line.Contains("clock", StringComparison.Ordinal) || line.StartsWith("QUARANTINED", StringComparison.Ordinal))
                    {
                        _console.WriteLine(text);
                    }
                }
            }
        }
    }
}
