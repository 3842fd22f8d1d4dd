using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using AssetMeter.Collector.Records;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Storage;
using AssetMeter.Collector.Verification;

namespace AssetMeter.Collector.Output
{
    /// <summary>A meter's collection, as the report and the demo summarise it.</summary>
    public sealed class MeterSummary
    {
        public required MeterRegistration Meter { get; init; }

        /// <summary>First and last period index of the expected range (inclusive); First &gt; Last when nothing is known.</summary>
        public long First { get; init; }

        public long Last { get; init; }

        public int Expected => First > Last ? 0 : (int)(Last - First + 1);

        public int Stored { get; init; }

        public int Flagged { get; init; }

        public int QuarantinedPeriods { get; init; }

        public List<(long From, long To)> Missing { get; init; } = new();

        public int MissingCount => Missing.Sum(m => (int)(m.To - m.From + 1));

        public long ImportMilliwattHours { get; init; }

        public long ExportMilliwattHours { get; init; }

        public List<ClockCheck> ClockChecks { get; init; } = new();

        public List<CommandEntry> Commands { get; init; } = new();

        public List<StoredEvent> Events { get; init; } = new();

        public Dictionary<string, int> FlagCounts { get; init; } = new(StringComparer.Ordinal);
    }

    /// <summary>The result of re-checking every stored record.</summary>
    public sealed class AuditResult
    {
        public long RecordsChecked { get; set; }

        public long SignaturesVerified { get; set; }

        public List<string> Failures { get; } = new();

        public bool AllVerified => Failures.Count == 0 && SignaturesVerified == RecordsChecked;
    }

    /// <summary>
    /// The validation report a person reads: per meter what was expected, stored, flagged, quarantined and is still
    /// missing (with the backfill requests made), the clock checks and resets, commands the meters refused, and an
    /// audit that re-verifies every stored record's signature and the register chain from the database.
    /// </summary>
    public static class ValidationReport
    {
        /// <summary>
        /// Summarises a meter. The expected range runs from the first period the collector or the meter knows of to
        /// the last period that had closed <paramref name="grace"/> before <paramref name="asOfUtc"/>.
        /// </summary>
        public static MeterSummary Summarise(CollectorStore store, MeterRegistration meter, DateTime asOfUtc, TimeSpan grace)
        {
            List<StoredPeriod> periods = store.Periods(meter.Serial);
            List<long> quarantined = store.QuarantinedSignedPeriodIndexes(meter.Serial);
            StoredStatus? status = store.Status(meter.Serial);
            long first = long.MaxValue;
            if (periods.Count > 0)
            {
                first = periods[0].PeriodIndex;
            }

            if (quarantined.Count > 0)
            {
                first = Math.Min(first, quarantined[0]);
            }

            if (status != null && status.FirstPeriod >= 0)
            {
                first = Math.Min(first, status.FirstPeriod);
            }

            long last = UtcText.PeriodIndex(asOfUtc - grace) - 1;
            var stored = new HashSet<long>(periods.Select(p => p.PeriodIndex));
            var have = new HashSet<long>(stored);
            have.UnionWith(quarantined);
            var missing = new List<(long, long)>();
            for (long index = first; index <= last && first != long.MaxValue; index++)
            {
                if (have.Contains(index))
                {
                    continue;
                }

                long from = index;
                while (index + 1 <= last && !have.Contains(index + 1))
                {
                    index++;
                }

                missing.Add((from, index));
            }

            var flagCounts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (StoredPeriod p in periods)
            {
                for (int bit = 0; bit < PeriodFlagNames.All.Count; bit++)
                {
                    if ((p.Flags & (1L << bit)) != 0)
                    {
                        flagCounts[PeriodFlagNames.All[bit]] = flagCounts.GetValueOrDefault(PeriodFlagNames.All[bit]) + 1;
                    }
                }
            }

            return new MeterSummary
            {
                Meter = meter,
                First = first == long.MaxValue ? 0 : first,
                Last = first == long.MaxValue ? -1 : last,
                Stored = periods.Count,
                Flagged = periods.Count(p => p.ErrorFlags.Length > 0),
                QuarantinedPeriods = quarantined.Distinct().Count(i => !stored.Contains(i)),
                Missing = missing,
                ImportMilliwattHours = periods.Sum(p => p.ImportMilliwattHours),
                ExportMilliwattHours = periods.Sum(p => p.ExportMilliwattHours),
                ClockChecks = store.ClockChecks(meter.Serial),
                Commands = store.Commands(meter.Serial),
                Events = store.Events(meter.Serial),
                FlagCounts = flagCounts,
            };
        }

        /// <summary>Re-verifies every stored period and snapshot against the registry, and the register chain.</summary>
        public static AuditResult Audit(CollectorStore store)
        {
            var result = new AuditResult();
            using var signatures = new RecordSignature();
            foreach (MeterRegistration meter in store.Meters())
            {
                StoredPeriod? previous = null;
                foreach (StoredPeriod p in store.Periods(meter.Serial))
                {
                    result.RecordsChecked++;
                    if (Verified(signatures, meter, p.Record, result, $"{meter.Serial} period {p.PeriodIndex}"))
                    {
                        result.SignaturesVerified++;
                    }

                    if (previous != null && previous.PeriodIndex == p.PeriodIndex - 1
                        && (previous.ImportEnd != p.ImportStart || previous.ExportEnd != p.ExportStart))
                    {
                        result.Failures.Add($"{meter.Serial}: register chain broken between periods {previous.PeriodIndex} and {p.PeriodIndex}");
                    }

                    previous = p;
                }

                foreach (StoredSnapshot s in store.Snapshots(meter.Serial))
                {
                    result.RecordsChecked++;
                    if (Verified(signatures, meter, s.Record, result, $"{meter.Serial} snapshot T{s.Pagination}"))
                    {
                        result.SignaturesVerified++;
                    }
                }
            }

            return result;
        }

        private static bool Verified(RecordSignature signatures, MeterRegistration meter, string record, AuditResult result, string what)
        {
            OcmfEnvelope? envelope = OcmfEnvelope.TryParse(Encoding.ASCII.GetBytes(record), out string error);
            string? problem = envelope == null ? error : signatures.Verify(meter, envelope);
            if (problem != null)
            {
                result.Failures.Add($"{what}: {problem}");
                return false;
            }

            return true;
        }

        /// <summary>Writes the report to <paramref name="file"/> and returns the audit.</summary>
        public static AuditResult Write(CollectorStore store, string file, DateTime asOfUtc, TimeSpan grace, string collectorVersion)
        {
            AuditResult audit = Audit(store);
            List<MeterSummary> meters = store.Meters().Select(m => Summarise(store, m, asOfUtc, grace)).ToList();
            List<QuarantinedRecord> quarantine = store.QuarantinedRecords();
            var w = new StringBuilder();
            w.Append("# Validation report\n\n");
            w.Append($"- Collector: AssetMeter collector {collectorVersion}\n");
            w.Append($"- Store: {store.Description}\n");
            w.Append($"- As of (collector clock): {UtcText.Format(asOfUtc)}; periods are expected once closed for {grace.TotalMinutes:0} minutes\n");
            w.Append($"- Meters: {meters.Count}; periods stored: {meters.Sum(m => m.Stored)}; missing: {meters.Sum(m => m.MissingCount)}; flagged: {meters.Sum(m => m.Flagged)}; quarantined messages: {quarantine.Count}\n");
            w.Append($"- Audit: {audit.SignaturesVerified} of {audit.RecordsChecked} stored records re-verified against the key registry"
                + (audit.AllVerified ? "; every stored record verified, register chains intact\n" : $"; {audit.Failures.Count} FAILURES (below)\n"));
            w.Append('\n');

            w.Append("## Meters\n\n");
            w.Append("| Meter | AMSID import | AMSID export | Periods (UTC) | Expected | Stored | Flagged | Missing | Import kWh | Export kWh |\n");
            w.Append("|---|---|---|---|---|---|---|---|---|---|\n");
            foreach (MeterSummary m in meters)
            {
                string range = m.Expected == 0 ? "-" : $"{UtcText.Minutes(UtcText.PeriodStart(m.First))} to {UtcText.Minutes(UtcText.PeriodStart(m.Last + 1))}";
                w.Append($"| {m.Meter.Serial} | {m.Meter.AmsidImport} | {m.Meter.AmsidExport ?? "-"} | {range} | {m.Expected} | {m.Stored} | {m.Flagged} | {m.MissingCount} | {EnergyText.KilowattHours(m.ImportMilliwattHours)} | {EnergyText.KilowattHours(m.ExportMilliwattHours)} |\n");
            }

            w.Append("\n## Gaps\n\n");
            bool anyGap = false;
            foreach (MeterSummary m in meters)
            {
                foreach ((long from, long to) in m.Missing)
                {
                    anyGap = true;
                    int requests = m.Commands.Count(c => c.Operation == "resend" && Covers(c.Arguments, from, to));
                    w.Append($"- {m.Meter.Serial}: periods {from}..{to} ({UtcText.Minutes(UtcText.PeriodStart(from))} to {UtcText.Minutes(UtcText.PeriodStart(to + 1))}, {to - from + 1} periods) still missing after {requests} backfill request(s)\n");
                }
            }

            if (!anyGap)
            {
                w.Append("None: every expected period is stored.\n");
            }

            w.Append("\n## Flagged periods\n\n");
            bool anyFlag = false;
            foreach (MeterSummary m in meters)
            {
                foreach (var pair in m.FlagCounts.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    anyFlag = true;
                    w.Append($"- {m.Meter.Serial}: {pair.Value} period(s) {pair.Key}\n");
                }
            }

            if (!anyFlag)
            {
                w.Append("None.\n");
            }

            w.Append("\n## Quarantine\n\n");
            if (quarantine.Count == 0)
            {
                w.Append("None.\n");
            }

            foreach (QuarantinedRecord q in quarantine)
            {
                w.Append($"- {(q.Serial.Length > 0 ? q.Serial : "(unknown)")} {(q.Pagination.Length > 0 ? q.Pagination : "-")}: **{q.Reason}**: {q.Detail} (received {UtcText.Format(q.ReceivedUtc)}, signature {(q.SignatureValid ? "good" : "not verified")}, topic {q.Topic})\n");
            }

            w.Append("\n## Clocks\n\n");
            bool anyClock = false;
            foreach (MeterSummary m in meters)
            {
                foreach (ClockCheck c in m.ClockChecks)
                {
                    if (c.Verdict != "within")
                    {
                        anyClock = true;
                        w.Append($"- {m.Meter.Serial}: at {UtcText.Format(c.ReplyUtc)} the meter's clock was {Seconds(c.OffsetMilliseconds)} s off UTC (± {Seconds(c.UncertaintyMilliseconds)} s): {c.Verdict}\n");
                    }
                }

                foreach (CommandEntry c in m.Commands.Where(c => c.Operation == "clock"))
                {
                    anyClock = true;
                    string outcome = c.Result == null ? "no answer" : c.Result == "ok" ? "accepted" : "REFUSED (" + c.Reason + ")";
                    w.Append($"- {m.Meter.Serial}: clock reset to UTC sent {UtcText.Format(c.SentUtc)} (command {c.Counter}): {outcome}\n");
                }

                foreach (StoredEvent e in m.Events.Where(e => e.Name.StartsWith("clock", StringComparison.Ordinal)))
                {
                    anyClock = true;
                    w.Append($"- {m.Meter.Serial}: meter event {e.Sequence} {e.Name} at {(e.Utc.HasValue ? UtcText.Format(e.Utc.Value) : "(time unknown)")} ({e.Value1}, {e.Value2})\n");
                }

                ClockCheck? latest = m.ClockChecks.LastOrDefault();
                if (latest != null)
                {
                    w.Append($"- {m.Meter.Serial}: latest check {UtcText.Format(latest.ReplyUtc)}: {Seconds(latest.OffsetMilliseconds)} s ± {Seconds(latest.UncertaintyMilliseconds)} s ({latest.Verdict})\n");
                    anyClock = true;
                }
            }

            if (!anyClock)
            {
                w.Append("No clock checks recorded.\n");
            }

            w.Append("\n## Commands refused by meters\n\n");
            bool anyRefused = false;
            foreach (MeterSummary m in meters)
            {
                foreach (CommandEntry c in m.Commands.Where(c => c.Result != null && c.Result != "ok"))
                {
                    anyRefused = true;
                    w.Append($"- {m.Meter.Serial}: {c.Operation} ({c.Arguments}) command {c.Counter} sent {UtcText.Format(c.SentUtc)}: refused, {c.Reason}\n");
                }
            }

            if (!anyRefused)
            {
                w.Append("None.\n");
            }

            if (audit.Failures.Count > 0)
            {
                w.Append("\n## Audit failures\n\n");
                foreach (string failure in audit.Failures)
                {
                    w.Append("- ").Append(failure).Append('\n');
                }
            }

            File.WriteAllText(file, w.ToString(), new UTF8Encoding(false));
            return audit;
        }

        private static bool Covers(string arguments, long from, long to)
        {
            // "from=a;to=b"
            string[] parts = arguments.Split(';');
            if (parts.Length != 2 || !parts[0].StartsWith("from=", StringComparison.Ordinal) || !parts[1].StartsWith("to=", StringComparison.Ordinal))
            {
                return false;
            }

            return long.TryParse(parts[0].AsSpan(5), NumberStyles.Integer, CultureInfo.InvariantCulture, out long a)
                && long.TryParse(parts[1].AsSpan(3), NumberStyles.Integer, CultureInfo.InvariantCulture, out long b)
                && a <= to && b >= from;
        }

        private static string Seconds(long milliseconds) => (milliseconds / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);
    }
}
