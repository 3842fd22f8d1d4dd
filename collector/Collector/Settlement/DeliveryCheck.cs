using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AssetMeter.Collector.Input;
using AssetMeter.Collector.Operational;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.Collector.Settlement
{
    /// <summary>
    /// A dispatch instruction: from <see cref="StartUtc"/> to <see cref="EndUtc"/> (half-hour boundaries), change the
    /// power of an asset, or of every asset of a portfolio together, by <see cref="Megawatts"/> in the BSC's sign:
    /// positive is an offer (less import or more export), negative a bid (more import or less export).
    /// </summary>
    public sealed class DispatchInstruction
    {
        public required string Id { get; init; }

        public DateTime StartUtc { get; init; }

        public DateTime EndUtc { get; init; }

        /// <summary><c>asset</c> or <c>portfolio</c>.</summary>
        public required string Scope { get; init; }

        /// <summary>The AMSID (asset scope) or the portfolio's name.</summary>
        public required string Target { get; init; }

        public decimal Megawatts { get; init; }

        /// <summary>The serials dispatched.</summary>
        public required IReadOnlyList<string> Serials { get; init; }

        public List<SettlementPeriod> Periods => Baselines.PeriodsBetween(StartUtc, EndUtc);

        /// <summary>The instructed volume, mWh: MW times the hours, exact.</summary>
        public long InstructedMilliwattHours => (long)Math.Round(Megawatts * 1_000_000_000m * (decimal)(EndUtc - StartUtc).TotalHours, MidpointRounding.AwayFromZero);

        /// <summary>
        /// Reads instructions: a CSV file with columns <c>instruction,start_utc,end_utc,scope,target,mw</c>
        /// (docs/settlement.md). Times are <c>yyyy-MM-ddTHH:mmZ</c> on half-hour boundaries, end after start; the
        /// target an AMSID of an asset in <paramref name="sites"/> or a portfolio of <paramref name="portfolios"/>.
        /// </summary>
        public static List<DispatchInstruction> Load(string path, SiteRegistry sites, IReadOnlyList<Portfolio> portfolios) =>
            Parse(CsvInput.Read(path, "instruction", "start_utc", "end_utc", "scope", "target", "mw"), sites, portfolios);

        public static List<DispatchInstruction> Parse(IEnumerable<CsvRow> rows, SiteRegistry sites, IReadOnlyList<Portfolio> portfolios)
        {
            var instructions = new List<DispatchInstruction>();
            foreach (CsvRow row in rows)
            {
                DateTime start = Time(row, "start_utc");
                DateTime end = Time(row, "end_utc");
                if (end <= start)
                {
                    throw row.Error("end_utc is not after start_utc");
                }

                if (!decimal.TryParse(row["mw"], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal mw) || mw == 0)
                {
                    throw row.Error($"mw '{row["mw"]}' is not a non-zero number of megawatts");
                }

                List<string> serials;
                if (row["scope"] == "asset")
                {
                    SiteAsset asset = sites.ByAmsid(row["target"]) ?? throw row.Error($"AMSID '{row["target"]}' is not in the site registry");
                    serials = new List<string> { asset.Serial };
                }
                else if (row["scope"] == "portfolio")
                {
                    Portfolio portfolio = portfolios.FirstOrDefault(p => p.Name == row["target"]) ?? throw row.Error($"no portfolio '{row["target"]}' is defined");
                    serials = portfolio.Serials.ToList();
                    string? outside = serials.FirstOrDefault(s => sites.Assets.All(a => a.Serial != s));
                    if (outside != null)
                    {
                        throw row.Error($"meter {outside} of portfolio '{portfolio.Name}' is in no site of the registry: its delivery cannot be checked against a boundary");
                    }
                }
                else
                {
                    throw row.Error($"scope '{row["scope"]}' is neither asset nor portfolio");
                }

                if (instructions.Any(i => i.Id == row["instruction"]))
                {
                    throw row.Error($"instruction '{row["instruction"]}' is given twice");
                }

                instructions.Add(new DispatchInstruction { Id = row["instruction"], StartUtc = start, EndUtc = end, Scope = row["scope"], Target = row["target"], Megawatts = mw, Serials = serials });
            }

            return instructions;
        }

        private static DateTime Time(CsvRow row, string column)
        {
            if (!DateTime.TryParseExact(row[column], new[] { "yyyy-MM-dd'T'HH:mm'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'" }, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime utc))
            {
                throw row.Error($"{column} '{row[column]}' is not yyyy-MM-ddTHH:mmZ");
            }

            if (utc.Ticks % UtcPeriods.TicksPerPeriod != 0)
            {
                throw row.Error($"{column} {row[column]} is not on a half-hour boundary");
            }

            return utc;
        }
    }

    /// <summary>How close the boundary must come to the assets' delivery (docs/settlement.md, "The delivery check").</summary>
    public sealed class DeliveryTolerance
    {
        /// <summary>Fraction of the assets' delivered volume: 3 %.</summary>
        public decimal Relative { get; init; } = 0.03m;

        /// <summary>Plus this much per site and instruction, mWh: 50 Wh.</summary>
        public long AbsoluteMilliwattHours { get; init; } = 50_000;

        /// <summary>Plus this many times the combined spread of the baselines: 2.</summary>
        public double SpreadFactor { get; init; } = 2.0;
    }

    /// <summary>One asset's delivery in one settlement period of an instruction.</summary>
    public sealed class AssetDelivery
    {
        public required SiteAsset Asset { get; init; }

        public required string Instruction { get; init; }

        public SettlementPeriod Period { get; init; }

        /// <summary>The asset meter's net volume (BSC sign), or null when missing.</summary>
        public long? MeteredMilliwattHours { get; init; }

        public required BaselineValue Baseline { get; init; }

        /// <summary>Metered − baseline: positive is delivered in the offer direction; null when either is missing.</summary>
        public long? DeliveredMilliwattHours { get; init; }

        /// <summary>The delivered volume capped so that it never exceeds the metered volume (<see cref="DeliveredVolume.Cap"/>).</summary>
        public long? CappedMilliwattHours => DeliveredMilliwattHours.HasValue && MeteredMilliwattHours.HasValue ? DeliveredVolume.Cap(DeliveredMilliwattHours.Value, MeteredMilliwattHours.Value) : null;

        public required string Status { get; init; }

        public required IReadOnlyList<string> Flags { get; init; }
    }

    /// <summary>The P483 check of one instruction at one site: do the boundary's data corroborate what the asset meters claim?</summary>
    public sealed class SiteDeliveryCheck
    {
        public required DispatchInstruction Instruction { get; init; }

        public required string Mpan { get; init; }

        public required IReadOnlyList<AssetDelivery> Assets { get; init; }

        /// <summary>Σ over the site's dispatched assets and the instruction's periods of their delivered volume, mWh.</summary>
        public long? AssetDeliveredMilliwattHours { get; init; }

        /// <summary>
        /// Σ over the periods of the boundary's net volume minus its baseline, less the change of the site's other
        /// metered assets from theirs (their deliveries are not these assets'), mWh.
        /// </summary>
        public long? BoundaryChangeMilliwattHours { get; init; }

        public long? ToleranceMilliwattHours { get; init; }

        /// <summary><c>corroborated</c>, <c>uncorroborated</c> or <c>not-checked</c> (an input missing).</summary>
        public required string Verdict { get; init; }

        public required IReadOnlyList<string> Flags { get; init; }

        public decimal? Ratio => AssetDeliveredMilliwattHours is long d && d != 0 && BoundaryChangeMilliwattHours is long b ? Math.Round((decimal)b / d, 4) : null;
    }

    /// <summary>The AMSID pair delivered volume and its cap.</summary>
    public static class DeliveredVolume
    {
        /// <summary>
        /// The delivered volume capped by the metered volume: its magnitude is at most the metered volume's, its sign
        /// its own. So capping never increases a volume, and never turns it round.
        /// </summary>
        public static long Cap(long delivered, long metered)
        {
            long limit = Math.Abs(metered);
            return Math.Abs(delivered) <= limit ? delivered : Math.Sign(delivered) * limit;
        }
    }

    /// <summary>
    /// P483 delivery checks: for each instruction and each site with a dispatched asset, the assets' delivered volume
    /// (their meters' volume minus their baselines) against the boundary's change from its own baseline. Where the
    /// boundary does not show the change the assets claim, within the tolerance, the delivery is flagged.
    /// </summary>
    public static class DeliveryChecks
    {
        public static List<SiteDeliveryCheck> Check(IReadOnlyList<DispatchInstruction> instructions, SiteRegistry sites, BoundaryData boundary, AssetVolumes volumes,
            BaselineMethod method, DeliveryTolerance tolerance)
        {
            var checks = new List<SiteDeliveryCheck>();
            foreach (DispatchInstruction instruction in instructions)
            {
                List<SettlementPeriod> periods = instruction.Periods;
                foreach (var site in instruction.Serials.Select(s => sites.Assets.First(a => a.Serial == s)).GroupBy(a => a.Mpan).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    string mpan = site.Key;

                    // Days with a dispatch of this site are not typical: like-day baselines leave them out.
                    var excluded = new HashSet<DateOnly>(instructions.Where(i => i != instruction && i.Serials.Any(s => site.Any(a => a.Serial == s)))
                        .SelectMany(i => i.Periods.Select(p => p.Date)));
                    excluded.UnionWith(periods.Select(p => p.Date));
                    var flags = new List<string>();
                    var deliveries = new List<AssetDelivery>();
                    long? assetTotal = 0;
                    double variance = 0;
                    foreach (SiteAsset asset in site)
                    {
                        List<BaselineValue> baselines = Baselines.For(method, periods, index => volumes.Get(asset.Serial, index).NetMilliwattHours, excluded);
                        for (int i = 0; i < periods.Count; i++)
                        {
                            AssetPeriod volume = volumes.Get(asset.Serial, periods[i].PeriodIndex);
                            var periodFlags = new List<string>();
                            if (volume.NetMilliwattHours == null)
                            {
                                periodFlags.Add((volume.Status == "Q" ? "asset-quarantined:" : "asset-missing:") + asset.AmsidImport + "@" + periods[i]);
                            }
                            else if (volume.Status == "F")
                            {
                                periodFlags.Add("asset-flagged:" + asset.AmsidImport + "@" + periods[i]);
                            }

                            if (baselines[i].MilliwattHours == null)
                            {
                                periodFlags.Add("asset-baseline-unavailable:" + asset.AmsidImport + "@" + periods[i]);
                            }
                            else if (baselines[i].Used < baselines[i].Wanted)
                            {
                                periodFlags.Add("asset-baseline-short:" + asset.AmsidImport + "@" + periods[i]);
                            }

                            long? delivered = volume.NetMilliwattHours - baselines[i].MilliwattHours;
                            assetTotal = assetTotal + delivered;
                            variance += baselines[i].SpreadMilliwattHours * baselines[i].SpreadMilliwattHours;
                            flags.AddRange(periodFlags);
                            deliveries.Add(new AssetDelivery
                            {
                                Asset = asset, Instruction = instruction.Id, Period = periods[i], MeteredMilliwattHours = volume.NetMilliwattHours, Baseline = baselines[i],
                                DeliveredMilliwattHours = delivered, Status = volume.Status, Flags = periodFlags,
                            });
                        }
                    }

                    List<BaselineValue> boundaryBaselines = Baselines.For(method, periods, index => boundary.Get(mpan, index)?.NetMilliwattHours, excluded);
                    long? boundaryChange = 0;
                    for (int i = 0; i < periods.Count; i++)
                    {
                        BoundaryPeriod? b = boundary.Get(mpan, periods[i].PeriodIndex);
                        if (b == null)
                        {
                            flags.Add("boundary-missing@" + periods[i]);
                        }
                        else if (b.Status != 'A')
                        {
                            flags.Add((b.Status == 'E' ? "boundary-estimated@" : "boundary-flagged@") + periods[i]);
                        }

                        if (boundaryBaselines[i].MilliwattHours == null)
                        {
                            flags.Add("boundary-baseline-unavailable@" + periods[i]);
                        }
                        else if (boundaryBaselines[i].Used < boundaryBaselines[i].Wanted)
                        {
                            flags.Add("boundary-baseline-short@" + periods[i]);
                        }

                        boundaryChange = boundaryChange + (b?.NetMilliwattHours - boundaryBaselines[i].MilliwattHours);
                        variance += boundaryBaselines[i].SpreadMilliwattHours * boundaryBaselines[i].SpreadMilliwattHours;
                    }

                    // Other metered assets behind the same boundary (another VLP's, or one not dispatched) change the
                    // boundary too: their own change from their baselines is taken out, so it is not credited to (or
                    // held against) the dispatched assets.
                    long? othersChange = 0;
                    foreach (SiteAsset other in sites.At(mpan).Where(a => site.All(d => d.Serial != a.Serial)))
                    {
                        List<BaselineValue> baselines = Baselines.For(method, periods, index => volumes.Get(other.Serial, index).NetMilliwattHours, excluded);
                        for (int i = 0; i < periods.Count; i++)
                        {
                            long? metered = volumes.Get(other.Serial, periods[i].PeriodIndex).NetMilliwattHours;
                            if (metered == null || baselines[i].MilliwattHours == null)
                            {
                                flags.Add("other-asset-unavailable:" + other.AmsidImport + "@" + periods[i]);
                            }

                            othersChange = othersChange + (metered - baselines[i].MilliwattHours);
                            variance += baselines[i].SpreadMilliwattHours * baselines[i].SpreadMilliwattHours;
                        }
                    }

                    boundaryChange = boundaryChange - othersChange;
                    long? allowed = assetTotal.HasValue
                        ? (long)Math.Round((tolerance.Relative * Math.Abs(assetTotal.Value)) + tolerance.AbsoluteMilliwattHours + (decimal)(tolerance.SpreadFactor * Math.Sqrt(variance)), MidpointRounding.AwayFromZero)
                        : null;
                    string verdict = assetTotal == null || boundaryChange == null ? "not-checked"
                        : Math.Abs(boundaryChange.Value - assetTotal.Value) <= allowed!.Value ? "corroborated" : "uncorroborated";
                    checks.Add(new SiteDeliveryCheck
                    {
                        Instruction = instruction, Mpan = mpan, Assets = deliveries, AssetDeliveredMilliwattHours = assetTotal, BoundaryChangeMilliwattHours = boundaryChange,
                        ToleranceMilliwattHours = allowed, Verdict = verdict, Flags = flags,
                    });
                }
            }

            return checks;
        }
    }
}
