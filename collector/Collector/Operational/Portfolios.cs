using System;
using System.Collections.Generic;
using System.Linq;
using AssetMeter.Collector.Input;
using AssetMeter.Collector.Registry;

namespace AssetMeter.Collector.Operational
{
    /// <summary>A meter whose operational stream the collector reads: its serial, import AMSID (its stagger) and key.</summary>
    public sealed class OperationalMeter
    {
        public required string Serial { get; init; }

        public required string AmsidImport { get; init; }

        public string? AmsidExport { get; init; }

        /// <summary>The meter's operational key (HMAC-SHA256), at least 32 bytes.</summary>
        public required byte[] Key { get; init; }

        /// <summary>
        /// The registered meters that have an operational key in <paramref name="keysFile"/>: a CSV file with columns
        /// <c>serial,operational_key</c> (64 hex digits or more), one line per meter. A key for a meter the registry
        /// does not hold, a malformed key or a serial given twice is an error.
        /// </summary>
        public static List<OperationalMeter> Load(string keysFile, IReadOnlyList<MeterRegistration> registry)
        {
            var meters = new List<OperationalMeter>();
            var bySerial = registry.ToDictionary(m => m.Serial, StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (CsvRow row in CsvInput.Read(keysFile, "serial", "operational_key"))
            {
                string serial = row["serial"];
                if (!bySerial.TryGetValue(serial, out MeterRegistration? meter))
                {
                    throw row.Error($"meter '{serial}' is not in the registry (meters add first)");
                }

                if (!seen.Add(serial))
                {
                    throw row.Error($"meter '{serial}' is given twice");
                }

                byte[] key;
                try
                {
                    key = Convert.FromHexString(row["operational_key"]);
                }
                catch (FormatException)
                {
                    throw row.Error("operational_key is not hex");
                }

                if (key.Length < 32)
                {
                    throw row.Error("operational_key must be at least 32 bytes (64 hex digits)");
                }

                meters.Add(new OperationalMeter { Serial = serial, AmsidImport = meter.AmsidImport, AmsidExport = meter.AmsidExport, Key = key });
            }

            return meters;
        }
    }

    /// <summary>A named set of assets whose operational readings are summed, as a flexibility platform dispatches them.</summary>
    public sealed class Portfolio
    {
        public required string Name { get; init; }

        /// <summary>Serials of the member meters, in the order of the definition.</summary>
        public required IReadOnlyList<string> Serials { get; init; }

        /// <summary>
        /// Reads portfolio definitions: a CSV file with columns <c>portfolio,amsid</c>, one member a line; the AMSID
        /// is either AMSID of a registered meter. A name is letters, digits, '-', '_' and '.'; an unknown AMSID, or an
        /// asset listed twice in one portfolio, is an error. An asset may belong to several portfolios.
        /// </summary>
        public static List<Portfolio> Load(string file, IReadOnlyList<MeterRegistration> registry) => Parse(CsvInput.Read(file, "portfolio", "amsid"), registry);

        public static List<Portfolio> Parse(IEnumerable<CsvRow> rows, IReadOnlyList<MeterRegistration> registry)
        {
            var byAmsid = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (MeterRegistration meter in registry)
            {
                byAmsid[meter.AmsidImport] = meter.Serial;
                if (meter.AmsidExport != null)
                {
                    byAmsid[meter.AmsidExport] = meter.Serial;
                }
            }

            var members = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var order = new List<string>();
            foreach (CsvRow row in rows)
            {
                string name = row["portfolio"];
                if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                {
                    throw row.Error($"portfolio name '{name}' may only hold letters, digits, '-', '_' and '.'");
                }

                if (!byAmsid.TryGetValue(row["amsid"], out string? serial))
                {
                    throw row.Error($"AMSID '{row["amsid"]}' is not registered with any meter");
                }

                if (!members.TryGetValue(name, out List<string>? list))
                {
                    members[name] = list = new List<string>();
                    order.Add(name);
                }

                if (list.Contains(serial))
                {
                    throw row.Error($"the asset of '{row["amsid"]}' ({serial}) is listed twice in portfolio '{name}'");
                }

                list.Add(serial);
            }

            return order.Select(n => new Portfolio { Name = n, Serials = members[n] }).ToList();
        }
    }
}
