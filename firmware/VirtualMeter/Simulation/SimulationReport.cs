using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using AssetMeter.Metrology.Periods;
using AssetMeter.Metrology.Settlement;

namespace AssetMeter.VirtualMeter.Simulation
{
    /// <summary>Prints a simulated day's periods and energy account, and writes them as CSV and JSON.</summary>
    public static class SimulationReport
    {
        public static void Print(SimulationResult result, TextWriter output, TimeSpan wallTime)
        {
            output.WriteLine($"Simulated UTC day {result.Options.UtcDate:yyyy-MM-dd}: 86,400 one-second polls in {wallTime.TotalMilliseconds:F0} ms ({86400 / wallTime.TotalSeconds:N0} simulated seconds per second)");
            output.WriteLine();
            output.WriteLine("  UTC period    GB settlement  Import kWh  Export kWh  Import register kWh  Export register kWh  Flags");
            output.WriteLine("  ------------  -------------  ----------  ----------  -------------------  -------------------  -----");
            foreach (var period in result.Periods)
            {
                var start = new DateTime(period.StartTicks, DateTimeKind.Utc);
                var day = SettlementDay.FromUtcPeriod(period.StartTicks, out int settlementPeriod);
                day.Date(out int y, out int m, out int d);
                output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                    "  {0:HH:mm}-{1:HH:mm}   {2:D2}-{3:D2} SP{4,-3}     {5,10}  {6,10}  {7,19}  {8,19}  {9}",
                    start, start.AddMinutes(30), m, d, settlementPeriod,
                    KilowattHours(period.ImportMicrowattHours), KilowattHours(period.ExportMicrowattHours),
                    KilowattHours(period.ImportEndMicrowattHours), KilowattHours(period.ExportEndMicrowattHours),
                    PeriodFlagsText.Describe(period.Flags)));
            }

            output.WriteLine();
            output.WriteLine($"  Periods closed: {result.Periods.Count} (48 a UTC day); flagged: {CountFlagged(result)}");
            output.WriteLine($"  True energy        import {WattHours(result.TrueImportNinths)} Wh   export {WattHours(result.TrueExportNinths)} Wh");
            output.WriteLine($"  Metered (registers) import {WattHours(result.MeteredImportMicrowattHours * 9)} Wh   export {WattHours(result.MeteredExportMicrowattHours * 9)} Wh");
            output.WriteLine($"  Lost at the power cut, measured since the last checkpoint: {WattHours(result.LostAtPowerCutNinths)} Wh");
            output.WriteLine($"  Lost inside the IC when it lost power (< 1 count):         {WattHours(result.LostInIcNinths)} Wh");
            output.WriteLine($"  Still inside the IC at the end of the day (< 1 count):     {WattHours(result.InsideIcNinths)} Wh");
            output.WriteLine(result.UnaccountedNinths == 0
                ? "  Energy account: exact, every ninth of a microwatt-hour is accounted for."
                : $"  Energy account: {WattHours(result.UnaccountedNinths)} Wh UNACCOUNTED FOR");
        }

        public static void Write(SimulationResult result, string directory)
        {
            Directory.CreateDirectory(directory);
            var csv = new StringBuilder();
            csv.AppendLine("utc_start,utc_end,settlement_date,settlement_period,import_wh,export_wh,import_register_start_wh,import_register_end_wh,export_register_start_wh,export_register_end_wh,flags");
            foreach (var period in result.Periods)
            {
                var day = SettlementDay.FromUtcPeriod(period.StartTicks, out int settlementPeriod);
                day.Date(out int y, out int m, out int d);
                csv.AppendLine(string.Join(',',
                    Iso(period.StartTicks), Iso(period.EndTicks), $"{y:D4}-{m:D2}-{d:D2}", settlementPeriod.ToString(CultureInfo.InvariantCulture),
                    ExactWattHours(period.ImportMicrowattHours), ExactWattHours(period.ExportMicrowattHours),
                    ExactWattHours(period.ImportStartMicrowattHours), ExactWattHours(period.ImportEndMicrowattHours),
                    ExactWattHours(period.ExportStartMicrowattHours), ExactWattHours(period.ExportEndMicrowattHours),
                    PeriodFlagsText.Describe(period.Flags)));
            }

            File.WriteAllText(Path.Combine(directory, "periods.csv"), csv.ToString());

            var summary = new
            {
                utcDate = result.Options.UtcDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                periodsClosed = result.Periods.Count,
                trueImportWh = WattHours(result.TrueImportNinths),
                trueExportWh = WattHours(result.TrueExportNinths),
                meteredImportWh = ExactWattHours(result.MeteredImportMicrowattHours),
                meteredExportWh = ExactWattHours(result.MeteredExportMicrowattHours),
                lostAtPowerCutWh = WattHours(result.LostAtPowerCutNinths),
                lostInIcWh = WattHours(result.LostInIcNinths),
                insideIcWh = WattHours(result.InsideIcNinths),
                unaccountedNinthsOfMicrowattHour = result.UnaccountedNinths,
            };
            File.WriteAllText(Path.Combine(directory, "summary.json"), JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
        }

        private static int CountFlagged(SimulationResult result)
        {
            int count = 0;
            foreach (var period in result.Periods)
            {
                if (period.Flags != PeriodFlags.None)
                {
                    count++;
                }
            }

            return count;
        }

        private static string Iso(long ticks) => new DateTime(ticks, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

        private static string KilowattHours(long microwattHours) => (microwattHours / 1e9).ToString("F3", CultureInfo.InvariantCulture);

        private static string ExactWattHours(long microwattHours) =>
            (microwattHours / 1000000).ToString(CultureInfo.InvariantCulture) + "." + (microwattHours % 1000000).ToString("D6", CultureInfo.InvariantCulture);

        private static string WattHours(long ninthsOfMicrowattHour) => (ninthsOfMicrowattHour / 9e6).ToString("F3", CultureInfo.InvariantCulture);
    }
}
