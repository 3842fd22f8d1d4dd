using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AssetMeter.Collector.Input;
using AssetMeter.Collector.Output;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Storage;

namespace AssetMeter.Collector.Settlement
{
    /// <summary>An asset behind a boundary point: its meter, its AMSID pair, the MPAN it sits behind and its Secondary BM Unit.</summary>
    public sealed class SiteAsset
    {
        public required string Mpan { get; init; }

        public required string SecondaryBmu { get; init; }

        public required string Serial { get; init; }

        public required string AmsidImport { get; init; }

        public string? AmsidExport { get; init; }
    }

    /// <summary>
    /// The AMSID–MPAN registry: which asset sits behind which boundary point, and in which Secondary BM Unit. A CSV file
    /// (docs/settlement.md) with columns <c>mpan,amsid,secondary_bmu</c>, one asset a line, the AMSID either of a meter
    /// registered with the collector. An asset appears once; several assets (of one or several VLPs) may share an MPAN.
    /// </summary>
    public sealed class SiteRegistry
    {
        public SiteRegistry(IReadOnlyList<SiteAsset> assets)
        {
            Assets = assets;
        }

        public IReadOnlyList<SiteAsset> Assets { get; }

        public IEnumerable<string> Mpans => Assets.Select(a => a.Mpan).Distinct().OrderBy(m => m, StringComparer.Ordinal);

        public IEnumerable<SiteAsset> At(string mpan) => Assets.Where(a => a.Mpan == mpan);

        public SiteAsset? ByAmsid(string amsid) => Assets.FirstOrDefault(a => a.AmsidImport == amsid || a.AmsidExport == amsid);

        public static SiteRegistry Load(string path, IReadOnlyList<MeterRegistration> meters) => Parse(CsvInput.Read(path, "mpan", "amsid", "secondary_bmu"), meters);

        public static SiteRegistry Parse(IEnumerable<CsvRow> rows, IReadOnlyList<MeterRegistration> meters)
        {
            var assets = new List<SiteAsset>();
            foreach (CsvRow row in rows)
            {
                string mpan = row["mpan"];
                if (!Mpan.IsValid(mpan))
                {
                    throw row.Error($"'{mpan}' is not an MPAN core (13 digits with a valid check digit)");
                }

                string amsid = row["amsid"];
                MeterRegistration? meter = meters.FirstOrDefault(m => m.AmsidImport == amsid || m.AmsidExport == amsid);
                if (meter == null)
                {
                    throw row.Error($"AMSID '{amsid}' is not registered with any meter");
                }

                string bmu = row["secondary_bmu"];
                if (bmu.Length == 0 || !bmu.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                {
                    throw row.Error($"secondary_bmu '{bmu}' may only hold letters, digits, '_' and '-'");
                }

                if (assets.Any(a => a.Serial == meter.Serial))
                {
                    throw row.Error($"the asset of AMSID '{amsid}' (meter {meter.Serial}) is already in the registry");
                }

                assets.Add(new SiteAsset { Mpan = mpan, SecondaryBmu = bmu, Serial = meter.Serial, AmsidImport = meter.AmsidImport, AmsidExport = meter.AmsidExport });
            }

            return new SiteRegistry(assets);
        }
    }

    /// <summary>One settlement period of an asset meter, as the collector holds it.</summary>
    public sealed class AssetPeriod
    {
        public long? ImportMilliwattHours { get; init; }

        public long? ExportMilliwattHours { get; init; }

        /// <summary>Net in the BSC's sign (export positive); null unless the period is stored.</summary>
        public long? NetMilliwattHours => ImportMilliwattHours.HasValue ? ExportMilliwattHours!.Value - ImportMilliwattHours.Value : null;

        /// <summary>The data files' status: A actual, F flagged by the meter, Q quarantined, M missing.</summary>
        public required string Status { get; init; }

        /// <summary>The meter's flags, named (empty when none).</summary>
        public string Flags { get; init; } = string.Empty;
    }

    /// <summary>The asset meters' half-hour volumes, read through the store's public readers.</summary>
    public sealed class AssetVolumes
    {
        private readonly Dictionary<string, Dictionary<long, StoredPeriod>> _stored = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HashSet<long>> _quarantined = new(StringComparer.Ordinal);

        public static AssetVolumes Load(CollectorStore store, IEnumerable<string> serials)
        {
            var volumes = new AssetVolumes();
            var wanted = new HashSet<string>(serials, StringComparer.Ordinal);
            foreach (string serial in wanted)
            {
                volumes._stored[serial] = store.Periods(serial).ToDictionary(p => p.PeriodIndex);
                volumes._quarantined[serial] = new HashSet<long>();
            }

            foreach (QuarantinedRecord q in store.QuarantinedRecords())
            {
                if (wanted.Contains(q.Serial) && q.Pagination.Length > 1 && q.Pagination[0] == 'F'
                    && long.TryParse(q.Pagination.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out long index))
                {
                    volumes._quarantined[q.Serial].Add(index);
                }
            }

            return volumes;
        }

        /// <summary>Volumes given directly (tests; other sources of asset data).</summary>
        public void Add(string serial, long periodIndex, long importMilliwattHours, long exportMilliwattHours, long flags = 0)
        {
            if (!_stored.TryGetValue(serial, out var periods))
            {
                _stored[serial] = periods = new Dictionary<long, StoredPeriod>();
                _quarantined[serial] = new HashSet<long>();
            }

            periods[periodIndex] = new StoredPeriod
            {
                Serial = serial, PeriodIndex = periodIndex, ImportStart = 0, ImportEnd = importMilliwattHours, ExportStart = 0, ExportEnd = exportMilliwattHours,
                Flags = flags, TimeStatus = "S", ErrorFlags = flags == 0 ? string.Empty : "flagged", AmsidImport = string.Empty, Record = string.Empty,
            };
        }

        public AssetPeriod Get(string serial, long periodIndex)
        {
            if (_stored.TryGetValue(serial, out var periods) && periods.TryGetValue(periodIndex, out StoredPeriod? p))
            {
                return new AssetPeriod
                {
                    ImportMilliwattHours = p.ImportMilliwattHours,
                    ExportMilliwattHours = p.ExportMilliwattHours,
                    Status = p.ErrorFlags.Length == 0 ? PeriodStatus.Actual : PeriodStatus.Flagged,
                    Flags = PeriodFlagNames.Of(p.Flags),
                };
            }

            bool quarantined = _quarantined.TryGetValue(serial, out var q) && q.Contains(periodIndex);
            return new AssetPeriod { Status = quarantined ? PeriodStatus.Quarantined : PeriodStatus.Missing };
        }

        /// <summary>The first and last stored period of a meter, or null.</summary>
        public (long First, long Last)? Range(string serial) =>
            _stored.TryGetValue(serial, out var periods) && periods.Count > 0 ? (periods.Keys.Min(), periods.Keys.Max()) : null;
    }
}
