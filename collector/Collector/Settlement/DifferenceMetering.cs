using System;
using System.Collections.Generic;
using System.Linq;

namespace AssetMeter.Collector.Settlement
{
    /// <summary>One asset's part in a site's settlement period.</summary>
    public sealed class AssetShare
    {
        public required SiteAsset Asset { get; init; }

        public required AssetPeriod Volume { get; init; }
    }

    /// <summary>
    /// One settlement period at one boundary point under P375: the boundary meter's volume, the Secondary BM Unit
    /// volumes of the assets behind it, and the Primary BM Unit's remainder, Primary = Boundary − Σ Secondary, all net
    /// in the BSC's sign (export positive, import negative) and exact to the milliwatt-hour.
    /// </summary>
    public sealed class SitePeriod
    {
        public required string Mpan { get; init; }

        public SettlementPeriod Period { get; init; }

        public BoundaryPeriod? Boundary { get; init; }

        public required IReadOnlyList<AssetShare> Assets { get; init; }

        /// <summary>Σ of the assets' net volumes; null when any asset's volume is missing or quarantined.</summary>
        public long? SecondaryNetMilliwattHours { get; init; }

        /// <summary>Boundary − Σ Secondary; null when the boundary or any asset volume is missing (never a zero in their place).</summary>
        public long? PrimaryNetMilliwattHours { get; init; }

        /// <summary>Why the period needs a look: missing, estimated or flagged inputs (empty when none).</summary>
        public required IReadOnlyList<string> Flags { get; init; }
    }

    /// <summary>P375 difference metering, per boundary point and settlement period.</summary>
    public static class DifferenceMetering
    {
        /// <summary>
        /// Every settlement period, from <paramref name="first"/> to <paramref name="last"/> (46, 48 or 50 a day), of every
        /// MPAN in <paramref name="registry"/>: a row even where data is missing, so a gap shows as a flagged row.
        /// </summary>
        public static List<SitePeriod> Compute(SiteRegistry registry, BoundaryData boundary, AssetVolumes volumes, DateOnly first, DateOnly last)
        {
            var rows = new List<SitePeriod>();
            foreach (string mpan in registry.Mpans)
            {
                List<SiteAsset> assets = registry.At(mpan).ToList();
                foreach (SettlementPeriod period in SettlementCalendar.Periods(first, last))
                {
                    rows.Add(Period(mpan, assets, period, boundary.Get(mpan, period.PeriodIndex), volumes));
                }
            }

            return rows;
        }

        /// <summary>
        /// The settlement days to settle: those of the boundary file at the registry's MPANs (the boundary is what a
        /// site is settled on); when it has none of them, the days of the assets' stored periods.
        /// </summary>
        public static (DateOnly First, DateOnly Last)? Span(SiteRegistry registry, BoundaryData boundary, AssetVolumes volumes)
        {
            var days = new List<DateOnly>();
            foreach (string mpan in registry.Mpans)
            {
                if (boundary.Days(mpan) is (DateOnly a, DateOnly b))
                {
                    days.Add(a);
                    days.Add(b);
                }
            }

            if (days.Count == 0)
            {
                foreach (SiteAsset asset in registry.Assets)
                {
                    if (volumes.Range(asset.Serial) is (long from, long to))
                    {
                        days.Add(SettlementCalendar.Of(from).Date);
                        days.Add(SettlementCalendar.Of(to).Date);
                    }
                }
            }

            return days.Count == 0 ? null : (days.Min(), days.Max());
        }

        /// <summary>One period of one site: the identity Boundary = Primary + Σ Secondary holds exactly wherever Primary is given.</summary>
        public static SitePeriod Period(string mpan, IReadOnlyList<SiteAsset> assets, SettlementPeriod period, BoundaryPeriod? boundary, AssetVolumes volumes)
        {
            var flags = new List<string>();
            if (boundary == null)
            {
                flags.Add("boundary-missing");
            }
            else if (boundary.Status == 'E')
            {
                flags.Add("boundary-estimated");
            }
            else if (boundary.Status == 'F')
            {
                flags.Add("boundary-flagged");
            }

            var shares = new List<AssetShare>();
            long secondary = 0;
            bool complete = true;
            foreach (SiteAsset asset in assets)
            {
                AssetPeriod volume = volumes.Get(asset.Serial, period.PeriodIndex);
                shares.Add(new AssetShare { Asset = asset, Volume = volume });
                switch (volume.Status)
                {
                    case "M":
                        complete = false;
                        flags.Add("asset-missing:" + asset.AmsidImport);
                        break;
                    case "Q":
                        complete = false;
                        flags.Add("asset-quarantined:" + asset.AmsidImport);
                        break;
                    case "F":
                        flags.Add("asset-flagged:" + asset.AmsidImport + ":" + volume.Flags);
                        break;
                }

                if (volume.NetMilliwattHours.HasValue)
                {
                    secondary = checked(secondary + volume.NetMilliwattHours.Value);
                }
            }

            long? secondaryNet = complete ? secondary : null;
            return new SitePeriod
            {
                Mpan = mpan,
                Period = period,
                Boundary = boundary,
                Assets = shares,
                SecondaryNetMilliwattHours = secondaryNet,
                PrimaryNetMilliwattHours = boundary != null && secondaryNet.HasValue ? checked(boundary.NetMilliwattHours - secondaryNet.Value) : null,
                Flags = flags,
            };
        }

        /// <summary>A Secondary BM Unit's volume per settlement period: Σ over its assets, at every site.</summary>
        public static List<(string Bmu, SettlementPeriod Period, long? NetMilliwattHours, int Assets, IReadOnlyList<string> Flags)> SecondaryBmus(IEnumerable<SitePeriod> sites)
        {
            var result = new List<(string, SettlementPeriod, long?, int, IReadOnlyList<string>)>();
            foreach (var group in sites.SelectMany(s => s.Assets.Select(a => (Site: s, Share: a)))
                .GroupBy(x => (x.Share.Asset.SecondaryBmu, x.Site.Period.PeriodIndex))
                .OrderBy(g => g.Key.SecondaryBmu, StringComparer.Ordinal).ThenBy(g => g.Key.PeriodIndex))
            {
                long sum = 0;
                bool complete = true;
                var flags = new List<string>();
                foreach (var (_, share) in group)
                {
                    if (share.Volume.NetMilliwattHours is long net)
                    {
                        sum += net;
                        if (share.Volume.Status == "F")
                        {
                            flags.Add("asset-flagged:" + share.Asset.AmsidImport + ":" + share.Volume.Flags);
                        }
                    }
                    else
                    {
                        complete = false;
                        flags.Add((share.Volume.Status == "Q" ? "asset-quarantined:" : "asset-missing:") + share.Asset.AmsidImport);
                    }
                }

                result.Add((group.Key.SecondaryBmu, group.First().Site.Period, complete ? sum : null, group.Count(), flags));
            }

            return result;
        }
    }
}
