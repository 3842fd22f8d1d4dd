using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using AssetMeter.Collector.Input;

namespace AssetMeter.Collector.Settlement
{
    /// <summary>One settlement period of a boundary meter's half-hourly data.</summary>
    public sealed class BoundaryPeriod
    {
        public required string Mpan { get; init; }

        public SettlementPeriod Period { get; init; }

        public long ImportMilliwattHours { get; init; }

        public long ExportMilliwattHours { get; init; }

        /// <summary>Net volume in the BSC's sign: export positive, import negative.</summary>
        public long NetMilliwattHours => ExportMilliwattHours - ImportMilliwattHours;

        /// <summary>A (actual), E (estimated) or F (flagged by whoever sent it).</summary>
        public char Status { get; init; }
    }

    /// <summary>
    /// Boundary-meter half-hourly data per MPAN, as an HHDC or supplier provides it, in a documented CSV
    /// (docs/settlement.md): <c>mpan,settlement_date,settlement_period,import_kwh,export_kwh,status</c>, one line per
    /// MPAN and settlement period; <c>export_kwh</c> may be left out as a column (an import-only boundary). Energies
    /// are kWh with at most six decimals, read exactly into milliwatt-hours. A period absent from the file is missing,
    /// and stays missing: nothing is filled with zero.
    /// </summary>
    public sealed class BoundaryData
    {
        public const string Header = "mpan,settlement_date,settlement_period,import_kwh,export_kwh,status";

        private readonly Dictionary<(string Mpan, long Index), BoundaryPeriod> _periods = new();

        public IEnumerable<string> Mpans => _periods.Keys.Select(k => k.Mpan).Distinct().OrderBy(m => m, StringComparer.Ordinal);

        public int Count => _periods.Count;

        public BoundaryPeriod? Get(string mpan, long periodIndex) => _periods.TryGetValue((mpan, periodIndex), out BoundaryPeriod? p) ? p : null;

        /// <summary>The first and last settlement day the file has data for at <paramref name="mpan"/>.</summary>
        public (DateOnly First, DateOnly Last)? Days(string mpan)
        {
            var days = _periods.Values.Where(p => p.Mpan == mpan).Select(p => p.Period.Date).ToList();
            return days.Count == 0 ? null : (days.Min(), days.Max());
        }

        public static BoundaryData Load(string path) => Parse(CsvInput.Read(path, "mpan", "settlement_date", "settlement_period", "import_kwh", "status"));

        public static BoundaryData Parse(IEnumerable<CsvRow> rows)
        {
            var data = new BoundaryData();
            foreach (CsvRow row in rows)
            {
                string mpan = row["mpan"];
                if (!Mpan.IsValid(mpan))
                {
                    throw row.Error($"'{mpan}' is not an MPAN core (13 digits with a valid check digit)");
                }

                if (!SettlementCalendar.TryParseDate(row["settlement_date"], out DateOnly date))
                {
                    throw row.Error($"settlement_date '{row["settlement_date"]}' is not yyyy-MM-dd");
                }

                int count = SettlementCalendar.PeriodCount(date);
                if (!int.TryParse(row["settlement_period"], NumberStyles.None, CultureInfo.InvariantCulture, out int period) || period < 1 || period > count)
                {
                    throw row.Error($"settlement_period '{row["settlement_period"]}' is not 1 to {count} ({SettlementCalendar.DateText(date)} has {count} periods)");
                }

                if (!VolumeText.TryParseKilowattHours(row["import_kwh"], out long import) || import < 0)
                {
                    throw row.Error($"import_kwh '{row["import_kwh"]}' is not a non-negative kWh value with at most six decimals");
                }

                long export = 0;
                if (row.Has("export_kwh") && (!VolumeText.TryParseKilowattHours(row["export_kwh"], out export) || export < 0))
                {
                    throw row.Error($"export_kwh '{row["export_kwh"]}' is not a non-negative kWh value with at most six decimals");
                }

                string status = row["status"];
                if (status is not ("A" or "E" or "F"))
                {
                    throw row.Error($"status '{status}' is not A (actual), E (estimated) or F (flagged)");
                }

                var value = new BoundaryPeriod { Mpan = mpan, Period = new SettlementPeriod(date, period), ImportMilliwattHours = import, ExportMilliwattHours = export, Status = status[0] };
                if (!data._periods.TryAdd((mpan, value.Period.PeriodIndex), value))
                {
                    throw row.Error($"MPAN {mpan} settlement period {value.Period} is given twice");
                }
            }

            return data;
        }

        /// <summary>Writes periods in the documented format (the demo's boundary meters; test data).</summary>
        public static void Write(string path, IEnumerable<BoundaryPeriod> periods)
        {
            using var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
            writer.WriteLine(Header);
            foreach (BoundaryPeriod p in periods.OrderBy(p => p.Mpan, StringComparer.Ordinal).ThenBy(p => p.Period.PeriodIndex))
            {
                writer.WriteLine(string.Join(',', p.Mpan, SettlementCalendar.DateText(p.Period.Date), p.Period.Period.ToString(CultureInfo.InvariantCulture),
                    VolumeText.KilowattHours(p.ImportMilliwattHours), VolumeText.KilowattHours(p.ExportMilliwattHours), p.Status.ToString()));
            }
        }
    }
}
