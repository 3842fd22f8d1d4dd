using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using AssetMeter.Collector.Operational;
using AssetMeter.Collector.Storage;

namespace AssetMeter.Collector.Settlement
{
    /// <summary>What the settlement computations read.</summary>
    public sealed class SettlementInputs
    {
        /// <summary>The AMSID–MPAN registry (CSV).</summary>
        public required string SitesFile { get; init; }

        /// <summary>The boundary meters' half-hourly data (CSV).</summary>
        public required string BoundaryFile { get; init; }

        /// <summary>Dispatch instructions (CSV), or null for none.</summary>
        public string? DispatchFile { get; init; }

        /// <summary>Portfolio definitions (CSV), needed by instructions to a portfolio.</summary>
        public string? PortfoliosFile { get; init; }

        public BaselineMethod Baseline { get; init; } = BaselineMethod.Default;

        public DeliveryTolerance Tolerance { get; init; } = new();

        /// <summary>The time the files are made: a settlement day's delivered volumes are written once it has ended (D+1).</summary>
        public DateTime AsOfUtc { get; init; } = DateTime.UtcNow;
    }

    /// <summary>What was computed and written, for the console and the validation report.</summary>
    public sealed class SettlementSummary
    {
        public List<string> Files { get; } = new();

        public int Sites { get; set; }

        public int Assets { get; set; }

        public int SitePeriods { get; set; }

        /// <summary>Site periods with Primary computed and every input actual.</summary>
        public int CleanPeriods { get; set; }

        /// <summary>Site periods by flag kind (the part before ':' or '@').</summary>
        public SortedDictionary<string, int> FlagCounts { get; } = new(StringComparer.Ordinal);

        /// <summary>Site periods where Primary + Σ Secondary differs from Boundary (always 0; the identity is checked as the files are written).</summary>
        public int IdentityFailures { get; set; }

        public (DateOnly First, DateOnly Last)? Days { get; set; }

        public List<SiteDeliveryCheck> Checks { get; } = new();

        public List<DispatchInstruction> Instructions { get; } = new();

        /// <summary>Settlement days whose delivered-volume file was not written because the day had not ended by the as-of time.</summary>
        public List<DateOnly> DeliveredDaysPending { get; } = new();

        public int DeliveredRows { get; set; }

        public int CappedRows { get; set; }
    }

    /// <summary>
    /// Writes the settlement files from the collector's store and the documented input files (docs/settlement.md):
    /// <c>p375/sites.csv</c>, <c>p375/assets.csv</c>, <c>p375/secondary-bmus.csv</c>;
    /// <c>delivered/&lt;date&gt;-amsid-pair-delivered-volumes.csv</c> (one per settlement day, D+1); and
    /// <c>p483/instructions.csv</c>, <c>p483/delivery-checks.csv</c>, <c>p483/delivery-periods.csv</c>.
    /// </summary>
    public static class SettlementFiles
    {
        public const string SitesHeader = "mpan,settlement_date,settlement_period,period_start_utc,period_start_local,boundary_import_kwh,boundary_export_kwh,boundary_net_kwh,boundary_status,secondary_net_kwh,primary_net_kwh,assets,flags";

        public const string AssetsHeader = "mpan,secondary_bmu,amsid_import,amsid_export,meter_serial,settlement_date,settlement_period,import_kwh,export_kwh,net_kwh,status,flags";

        public const string BmuHeader = "secondary_bmu,settlement_date,settlement_period,net_kwh,assets,complete,flags";

        public const string DeliveredHeader = "settlement_date,settlement_period,amsid_import,amsid_export,secondary_bmu,mpan,instruction,metered_volume_mwh,baseline_volume_mwh,uncapped_delivered_mwh,delivered_volume_mwh,capped,status,flags";

        public const string InstructionsHeader = "instruction,start_utc,end_utc,scope,target,mw,instructed_kwh,asset_delivered_kwh,boundary_change_kwh,sites,corroborated,uncorroborated,not_checked";

        public const string ChecksHeader = "instruction,mpan,amsids,periods,asset_delivered_kwh,boundary_change_kwh,difference_kwh,tolerance_kwh,boundary_over_asset,verdict,flags";

        public const string CheckPeriodsHeader = "instruction,mpan,amsid_import,settlement_date,settlement_period,metered_kwh,baseline_kwh,baseline_days,delivered_kwh,capped_delivered_kwh,status,flags";

        public static SettlementSummary Write(CollectorStore store, SettlementInputs inputs, string directory)
        {
            var meters = store.Meters();
            SiteRegistry sites = SiteRegistry.Load(inputs.SitesFile, meters);
            BoundaryData boundary = BoundaryData.Load(inputs.BoundaryFile);
            AssetVolumes volumes = AssetVolumes.Load(store, sites.Assets.Select(a => a.Serial));
            List<Portfolio> portfolios = inputs.PortfoliosFile != null ? Portfolio.Load(inputs.PortfoliosFile, meters) : new List<Portfolio>();
            List<DispatchInstruction> instructions = inputs.DispatchFile != null ? DispatchInstruction.Load(inputs.DispatchFile, sites, portfolios) : new List<DispatchInstruction>();
            return Write(sites, boundary, volumes, instructions, inputs, directory);
        }

        public static SettlementSummary Write(SiteRegistry sites, BoundaryData boundary, AssetVolumes volumes, IReadOnlyList<DispatchInstruction> instructions, SettlementInputs inputs, string directory)
        {
            var summary = new SettlementSummary { Sites = sites.Mpans.Count(), Assets = sites.Assets.Count };
            summary.Days = DifferenceMetering.Span(sites, boundary, volumes);
            summary.Instructions.AddRange(instructions);
            if (summary.Days is (DateOnly first, DateOnly last))
            {
                WriteDifferenceMetering(DifferenceMetering.Compute(sites, boundary, volumes, first, last), Path.Combine(directory, "p375"), summary);
            }

            if (instructions.Count > 0)
            {
                List<SiteDeliveryCheck> checks = DeliveryChecks.Check(instructions, sites, boundary, volumes, inputs.Baseline, inputs.Tolerance);
                summary.Checks.AddRange(checks);
                WriteDeliveryChecks(checks, instructions, Path.Combine(directory, "p483"), summary);
                WriteDeliveredVolumes(checks, Path.Combine(directory, "delivered"), inputs.AsOfUtc, summary);
            }

            return summary;
        }

        private static void WriteDifferenceMetering(List<SitePeriod> rows, string directory, SettlementSummary summary)
        {
            Directory.CreateDirectory(directory);
            using (var sites = Writer(Path.Combine(directory, "sites.csv"), SitesHeader, summary))
            using (var assets = Writer(Path.Combine(directory, "assets.csv"), AssetsHeader, summary))
            {
                foreach (SitePeriod row in rows)
                {
                    summary.SitePeriods++;
                    if (row.PrimaryNetMilliwattHours is long primary && primary + row.SecondaryNetMilliwattHours!.Value != row.Boundary!.NetMilliwattHours)
                    {
                        summary.IdentityFailures++;
                    }

                    if (row.PrimaryNetMilliwattHours.HasValue && row.Flags.Count == 0)
                    {
                        summary.CleanPeriods++;
                    }

                    foreach (string kind in row.Flags.Select(Kind).Distinct())
                    {
                        summary.FlagCounts[kind] = summary.FlagCounts.GetValueOrDefault(kind) + 1;
                    }

                    string date = SettlementCalendar.DateText(row.Period.Date);
                    string period = row.Period.Period.ToString(CultureInfo.InvariantCulture);
                    sites.WriteLine(string.Join(',', row.Mpan, date, period, UtcText.Minutes(row.Period.StartUtc), SettlementCalendar.LocalStart(row.Period),
                        VolumeText.KilowattHours(row.Boundary?.ImportMilliwattHours), VolumeText.KilowattHours(row.Boundary?.ExportMilliwattHours),
                        VolumeText.KilowattHours(row.Boundary?.NetMilliwattHours), row.Boundary != null ? row.Boundary.Status.ToString() : "M",
                        VolumeText.KilowattHours(row.SecondaryNetMilliwattHours), VolumeText.KilowattHours(row.PrimaryNetMilliwattHours),
                        row.Assets.Count.ToString(CultureInfo.InvariantCulture), string.Join(';', row.Flags)));
                    foreach (AssetShare share in row.Assets)
                    {
                        assets.WriteLine(string.Join(',', row.Mpan, share.Asset.SecondaryBmu, share.Asset.AmsidImport, share.Asset.AmsidExport ?? string.Empty, share.Asset.Serial,
                            date, period, VolumeText.KilowattHours(share.Volume.ImportMilliwattHours), VolumeText.KilowattHours(share.Volume.ExportMilliwattHours),
                            VolumeText.KilowattHours(share.Volume.NetMilliwattHours), share.Volume.Status, share.Volume.Flags));
                    }
                }
            }

            using var bmus = Writer(Path.Combine(directory, "secondary-bmus.csv"), BmuHeader, summary);
            foreach (var (bmu, period, net, count, flags) in DifferenceMetering.SecondaryBmus(rows))
            {
                bmus.WriteLine(string.Join(',', bmu, SettlementCalendar.DateText(period.Date), period.Period.ToString(CultureInfo.InvariantCulture), VolumeText.KilowattHours(net),
                    count.ToString(CultureInfo.InvariantCulture), net.HasValue ? "true" : "false", string.Join(';', flags)));
            }
        }

        private static void WriteDeliveryChecks(List<SiteDeliveryCheck> checks, IReadOnlyList<DispatchInstruction> instructions, string directory, SettlementSummary summary)
        {
            Directory.CreateDirectory(directory);
            using (var writer = Writer(Path.Combine(directory, "instructions.csv"), InstructionsHeader, summary))
            {
                foreach (DispatchInstruction instruction in instructions)
                {
                    List<SiteDeliveryCheck> own = checks.Where(c => c.Instruction == instruction).ToList();
                    long? delivered = own.Aggregate((long?)0, (sum, c) => sum + c.AssetDeliveredMilliwattHours);
                    long? change = own.Aggregate((long?)0, (sum, c) => sum + c.BoundaryChangeMilliwattHours);
                    writer.WriteLine(string.Join(',', instruction.Id, UtcText.Minutes(instruction.StartUtc), UtcText.Minutes(instruction.EndUtc), instruction.Scope, instruction.Target,
                        instruction.Megawatts.ToString(CultureInfo.InvariantCulture), VolumeText.KilowattHours(instruction.InstructedMilliwattHours), VolumeText.KilowattHours(delivered),
                        VolumeText.KilowattHours(change), own.Count.ToString(CultureInfo.InvariantCulture), Count(own, "corroborated"), Count(own, "uncorroborated"), Count(own, "not-checked")));
                }
            }

            using (var writer = Writer(Path.Combine(directory, "delivery-checks.csv"), ChecksHeader, summary))
            {
                foreach (SiteDeliveryCheck c in checks)
                {
                    writer.WriteLine(string.Join(',', c.Instruction.Id, c.Mpan, string.Join(';', c.Assets.Select(a => a.Asset.AmsidImport).Distinct()),
                        c.Instruction.Periods.Count.ToString(CultureInfo.InvariantCulture), VolumeText.KilowattHours(c.AssetDeliveredMilliwattHours),
                        VolumeText.KilowattHours(c.BoundaryChangeMilliwattHours), VolumeText.KilowattHours(c.BoundaryChangeMilliwattHours - c.AssetDeliveredMilliwattHours),
                        VolumeText.KilowattHours(c.ToleranceMilliwattHours), c.Ratio?.ToString("0.0000", CultureInfo.InvariantCulture) ?? string.Empty, c.Verdict, string.Join(';', c.Flags)));
                }
            }

            using (var writer = Writer(Path.Combine(directory, "delivery-periods.csv"), CheckPeriodsHeader, summary))
            {
                foreach (SiteDeliveryCheck c in checks)
                {
                    foreach (AssetDelivery d in c.Assets)
                    {
                        writer.WriteLine(string.Join(',', c.Instruction.Id, c.Mpan, d.Asset.AmsidImport, SettlementCalendar.DateText(d.Period.Date), d.Period.Period.ToString(CultureInfo.InvariantCulture),
                            VolumeText.KilowattHours(d.MeteredMilliwattHours), VolumeText.KilowattHours(d.Baseline.MilliwattHours),
                            d.Baseline.Used.ToString(CultureInfo.InvariantCulture) + "/" + d.Baseline.Wanted.ToString(CultureInfo.InvariantCulture),
                            VolumeText.KilowattHours(d.DeliveredMilliwattHours), VolumeText.KilowattHours(d.CappedMilliwattHours), d.Status, string.Join(';', d.Flags)));
                    }
                }
            }

        }

        // One file per settlement day, written once the day is over (D+1): the day's AMSID pair delivered volumes.
        private static void WriteDeliveredVolumes(List<SiteDeliveryCheck> checks, string directory, DateTime asOfUtc, SettlementSummary summary)
        {
            Directory.CreateDirectory(directory);
            foreach (var day in checks.SelectMany(c => c.Assets).GroupBy(d => d.Period.Date).OrderBy(g => g.Key))
            {
                if (SettlementCalendar.Day(day.Key).EndUtcTicks > asOfUtc.Ticks)
                {
                    summary.DeliveredDaysPending.Add(day.Key);
                    continue;
                }

                string file = Path.Combine(directory, day.Key.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "-amsid-pair-delivered-volumes.csv");
                using var writer = Writer(file, DeliveredHeader, summary);
                foreach (AssetDelivery d in day.OrderBy(d => d.Period.Period).ThenBy(d => d.Asset.AmsidImport, StringComparer.Ordinal))
                {
                    long? capped = d.CappedMilliwattHours;
                    bool wasCapped = capped.HasValue && capped.Value != d.DeliveredMilliwattHours;
                    summary.DeliveredRows++;
                    summary.CappedRows += wasCapped ? 1 : 0;
                    writer.WriteLine(string.Join(',', SettlementCalendar.DateText(d.Period.Date), d.Period.Period.ToString(CultureInfo.InvariantCulture), d.Asset.AmsidImport,
                        d.Asset.AmsidExport ?? string.Empty, d.Asset.SecondaryBmu, d.Asset.Mpan, d.Instruction, Mwh(d.MeteredMilliwattHours), Mwh(d.Baseline.MilliwattHours),
                        Mwh(d.DeliveredMilliwattHours), Mwh(capped), wasCapped ? "true" : "false", d.Status, string.Join(';', d.Flags)));
                }
            }
        }

        private static string Mwh(long? milliwattHours) => milliwattHours.HasValue ? VolumeText.MegawattHours(milliwattHours.Value) : string.Empty;

        private static string Count(List<SiteDeliveryCheck> checks, string verdict) => checks.Count(c => c.Verdict == verdict).ToString(CultureInfo.InvariantCulture);

        private static string Kind(string flag)
        {
            int end = flag.IndexOfAny(new[] { ':', '@' });
            return end < 0 ? flag : flag.Substring(0, end);
        }

        private static StreamWriter Writer(string path, string header, SettlementSummary summary)
        {
            var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
            writer.WriteLine(header);
            summary.Files.Add(path);
            return writer;
        }

        /// <summary>The report's section on settlement: appended to validation-report.md by the demo and by <c>settlement</c>.</summary>
        public static string ReportSection(SettlementSummary s)
        {
            var text = new StringBuilder();
            text.AppendLine("## Settlement: P375 difference metering, delivered volumes, P483 delivery checks");
            text.AppendLine();
            if (s.Days is (DateOnly first, DateOnly last))
            {
                text.AppendLine($"{s.Sites} boundary points, {s.Assets} assets, settlement days {SettlementCalendar.DateText(first)} to {SettlementCalendar.DateText(last)}: "
                    + $"{s.SitePeriods} site periods, {s.CleanPeriods} with the Primary BM Unit computed from actual data and nothing flagged. "
                    + $"Primary + Σ Secondary = Boundary in every period computed ({s.IdentityFailures} failures).");
            }

            text.AppendLine();
            if (s.FlagCounts.Count > 0)
            {
                text.AppendLine("| Flag | Site periods |");
                text.AppendLine("|---|---:|");
                foreach (var pair in s.FlagCounts)
                {
                    text.AppendLine($"| `{pair.Key}` | {pair.Value} |");
                }

                text.AppendLine();
            }

            if (s.Checks.Count > 0)
            {
                text.AppendLine($"Delivery checks (P483) of {s.Instructions.Count} instructions:");
                text.AppendLine();
                text.AppendLine("| Instruction | MPAN | Assets claim kWh | Boundary change kWh | Tolerance kWh | Boundary / assets | Verdict |");
                text.AppendLine("|---|---|---:|---:|---:|---:|---|");
                foreach (SiteDeliveryCheck c in s.Checks)
                {
                    text.AppendLine($"| {c.Instruction.Id} | {c.Mpan} | {VolumeText.KilowattHours(c.AssetDeliveredMilliwattHours)} | {VolumeText.KilowattHours(c.BoundaryChangeMilliwattHours)} | "
                        + $"{VolumeText.KilowattHours(c.ToleranceMilliwattHours)} | {c.Ratio?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-"} | **{c.Verdict}**{(c.Flags.Count > 0 ? " (" + string.Join("; ", c.Flags.Take(4)) + (c.Flags.Count > 4 ? "; …" : string.Empty) + ")" : string.Empty)} |");
                }

                text.AppendLine();
                text.AppendLine($"AMSID pair delivered volumes: {s.DeliveredRows} rows (MWh, decimal(14,4)), {s.CappedRows} capped by the metered volume"
                    + (s.DeliveredDaysPending.Count > 0 ? $"; {s.DeliveredDaysPending.Count} settlement days not yet over (their D+1 files come later)" : string.Empty) + ".");
                text.AppendLine();
            }

            return text.ToString();
        }
    }
}
