using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Storage;
using AssetMeter.Metrology.Settlement;

namespace AssetMeter.Collector.Output
{
    /// <summary>The quality of one period's value in the data files.</summary>
    public static class PeriodStatus
    {
        /// <summary>Actual: a verified record with no error flag.</summary>
        public const string Actual = "A";

        /// <summary>Flagged: a verified record whose energy or time the meter marked as doubtful (see flags).</summary>
        public const string Flagged = "F";

        /// <summary>Quarantined: a record arrived but failed verification; nothing is counted.</summary>
        public const string Quarantined = "Q";

        /// <summary>Missing: no record for the period.</summary>
        public const string Missing = "M";
    }

    /// <summary>Names of the meter's period flags (vendor field XF), in bit order.</summary>
    public static class PeriodFlagNames
    {
        private static readonly string[] Names =
        {
            "clock-unsynchronised", "clock-adjusted", "power-lost", "ic-fault", "calibration-changed", "partial", "storage-alarm",
        };

        /// <summary>The set flags joined with '+', or empty.</summary>
        public static string Of(long flags)
        {
            var text = new StringBuilder();
            for (int bit = 0; bit < Names.Length; bit++)
            {
                if ((flags & (1L << bit)) != 0)
                {
                    if (text.Length > 0)
                    {
                        text.Append('+');
                    }

                    text.Append(Names[bit]);
                }
            }

            long unknown = flags & ~((1L << Names.Length) - 1);
            if (unknown != 0)
            {
                text.Append(text.Length > 0 ? "+" : string.Empty).Append("unknown-").Append(unknown.ToString(CultureInfo.InvariantCulture));
            }

            return text.ToString();
        }

        /// <summary>Every flag bit the meter defines.</summary>
        public static IReadOnlyList<string> All => Names;
    }

    /// <summary>What was written.</summary>
    public sealed class DataFileSummary
    {
        public List<string> Files { get; } = new();

        public int Amsids { get; set; }

        public long PeriodRows { get; set; }

        public long SettlementRows { get; set; }
    }

    /// <summary>
    /// The data files settlement needs: for every AMSID, the UTC half-hour consumption (<c>utc/&lt;AMSID&gt;.csv</c>)
    /// and the same mapped onto GB settlement days of 46, 48 or 50 local periods (<c>settlement/&lt;AMSID&gt;.csv</c>).
    /// Every period in a meter's range has a row, so a gap is a visible row with status M, never a missing line. Energy is
    /// exact kWh (six decimals, from the records' milliwatt-hours).
    /// </summary>
    public static class DataFiles
    {
        public const string UtcHeader = "amsid,meter_serial,direction,period_start_utc,period_end_utc,energy_kwh,status,flags";

        public const string SettlementHeader = "amsid,meter_serial,direction,settlement_date,settlement_period,period_start_utc,period_start_local,energy_kwh,status,flags";

        /// <summary>
        /// Writes the files for every registered meter, covering every period from the first to the last that any of
        /// its records (stored or quarantined) is for.
        /// </summary>
        public static DataFileSummary Write(CollectorStore store, string directory)
        {
            var summary = new DataFileSummary();
            Directory.CreateDirectory(Path.Combine(directory, "utc"));
            Directory.CreateDirectory(Path.Combine(directory, "settlement"));
            foreach (MeterRegistration meter in store.Meters())
            {
                MeterPeriods data = MeterPeriods.Load(store, meter.Serial);
                if (data.First > data.Last)
                {
                    continue;
                }

                WriteAmsid(meter, data, meter.AmsidImport, "import", directory, summary);
                if (meter.AmsidExport != null)
                {
                    WriteAmsid(meter, data, meter.AmsidExport, "export", directory, summary);
                }
            }

            return summary;
        }

        private static void WriteAmsid(MeterRegistration meter, MeterPeriods data, string amsid, string direction, string directory, DataFileSummary summary)
        {
            string safe = SafeName(amsid);
            bool import = direction == "import";
            summary.Amsids++;

            // From the meter's first known period to its last: a period inside with no record is a visible row (M).
            long firstIndex = data.First;
            long lastIndex = data.Last;
            string utcFile = Path.Combine(directory, "utc", safe + ".csv");
            using (var writer = new StreamWriter(utcFile, false, new UTF8Encoding(false)) { NewLine = "\n" })
            {
                writer.WriteLine(UtcHeader);
                for (long index = firstIndex; index <= lastIndex; index++)
                {
                    DateTime start = UtcText.PeriodStart(index);
                    writer.WriteLine(string.Join(',', amsid, meter.Serial, direction, UtcText.Minutes(start), UtcText.Minutes(start.AddMinutes(30)), data.Row(index, import)));
                    summary.PeriodRows++;
                }
            }

            summary.Files.Add(utcFile);

            // The same periods by GB settlement day and period number (46, 48 or 50 a day).
            SettlementDay day = SettlementDay.FromUtcPeriod(UtcText.PeriodStart(firstIndex).Ticks, out _);
            SettlementDay lastSettlementDay = SettlementDay.FromUtcPeriod(UtcText.PeriodStart(lastIndex).Ticks, out _);
            string settlementFile = Path.Combine(directory, "settlement", safe + ".csv");
            using (var writer = new StreamWriter(settlementFile, false, new UTF8Encoding(false)) { NewLine = "\n" })
            {
                writer.WriteLine(SettlementHeader);
                while (day.DayNumber <= lastSettlementDay.DayNumber)
                {
                    day.Date(out int year, out int month, out int dayOfMonth);
                    string date = year.ToString("0000", CultureInfo.InvariantCulture) + "-" + month.ToString("00", CultureInfo.InvariantCulture) + "-" + dayOfMonth.ToString("00", CultureInfo.InvariantCulture);
                    for (int period = 1; period <= day.PeriodCount; period++)
                    {
                        long startTicks = day.PeriodStartUtcTicks(period);
                        var start = new DateTime(startTicks, DateTimeKind.Utc);
                        long index = UtcText.PeriodIndex(start);
                        if (index < firstIndex || index > lastIndex)
                        {
                            continue;
                        }

                        var local = new DateTime(UkTime.ToLocalTicks(startTicks), DateTimeKind.Unspecified);
                        string localText = local.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) + (UkTime.IsSummerTime(startTicks) ? "+01:00" : "+00:00");
                        writer.WriteLine(string.Join(',', amsid, meter.Serial, direction, date, period.ToString(CultureInfo.InvariantCulture), UtcText.Minutes(start), localText,
                            data.Row(index, import)));
                        summary.SettlementRows++;
                    }

                    day = new SettlementDay { DayNumber = day.DayNumber + 1 };
                }
            }

            summary.Files.Add(settlementFile);
        }

        // An AMSID becomes a file name: anything but letters, digits, '-' and '_' is replaced.
        private static string SafeName(string amsid)
        {
            var name = new StringBuilder(amsid.Length);
            foreach (char c in amsid)
            {
                name.Append(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' ? c : '_');
            }

            return name.ToString();
        }

        /// <summary>A meter's periods as the files need them.</summary>
        internal sealed class MeterPeriods
        {
            private readonly Dictionary<long, StoredPeriod> _periods = new();
            private readonly HashSet<long> _quarantined = new();

            public long First { get; private set; } = long.MaxValue;

            public long Last { get; private set; } = long.MinValue;

            public static MeterPeriods Load(CollectorStore store, string serial)
            {
                var data = new MeterPeriods();
                foreach (StoredPeriod p in store.Periods(serial))
                {
                    data._periods[p.PeriodIndex] = p;
                    data.Extend(p.PeriodIndex);
                }

                foreach (QuarantinedRecord q in store.QuarantinedRecords())
                {
                    if (q.Serial == serial && q.Pagination.Length > 1 && q.Pagination[0] == 'F'
                        && long.TryParse(q.Pagination.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out long index))
                    {
                        data._quarantined.Add(index);
                        data.Extend(index);
                    }
                }

                return data;
            }

            private void Extend(long index)
            {
                First = Math.Min(First, index);
                Last = Math.Max(Last, index);
            }

            /// <summary><c>energy_kwh,status,flags</c> of one period.</summary>
            public string Row(long index, bool import)
            {
                if (_periods.TryGetValue(index, out StoredPeriod? p))
                {
                    long energy = import ? p.ImportMilliwattHours : p.ExportMilliwattHours;
                    string status = p.ErrorFlags.Length == 0 ? PeriodStatus.Actual : PeriodStatus.Flagged;
                    return EnergyText.KilowattHours(energy) + "," + status + "," + PeriodFlagNames.Of(p.Flags);
                }

                return "," + (_quarantined.Contains(index) ? PeriodStatus.Quarantined : PeriodStatus.Missing) + ",";
            }
        }
    }
}
