using AssetMeter.Metrology.Settlement;

namespace AssetMeter.Firmware.Records
{
    /// <summary>OCMF reading times: <c>2026-11-23T10:30:00,000+0000 S</c> (ISO 8601 with milliseconds, UTC, then the time status).</summary>
    public static class OcmfTime
    {
        private const long TicksPerMillisecond = 10000;

        /// <summary>Appends the OCMF time of <paramref name="utcTicks"/> with status letter <paramref name="status"/> (U, I, S or R).</summary>
        public static void Write(AsciiWriter writer, long utcTicks, char status)
        {
            int year;
            int month;
            int day;
            long dayNumber = utcTicks / CivilCalendar.TicksPerDay;
            CivilCalendar.Date(dayNumber, out year, out month, out day);
            long milliseconds = (utcTicks - (dayNumber * CivilCalendar.TicksPerDay)) / TicksPerMillisecond;
            writer.Padded(year, 4);
            writer.Char('-');
            writer.Padded(month, 2);
            writer.Char('-');
            writer.Padded(day, 2);
            writer.Char('T');
            writer.Padded(milliseconds / 3600000, 2);
            writer.Char(':');
            writer.Padded((milliseconds / 60000) % 60, 2);
            writer.Char(':');
            writer.Padded((milliseconds / 1000) % 60, 2);
            writer.Char(',');
            writer.Padded(milliseconds % 1000, 3);
            writer.Raw("+0000 ");
            writer.Char(status);
        }
    }
}
