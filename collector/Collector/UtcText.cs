using System;
using System.Globalization;

namespace AssetMeter.Collector
{
    /// <summary>
    /// UTC instants as text, <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>: how the store keeps times (identical in SQLite and
    /// PostgreSQL, and sortable as text) and how files and reports show them.
    /// </summary>
    public static class UtcText
    {
        public static string Format(DateTime utc) => AsUtc(utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        /// <summary>Minutes precision, for period boundaries in files: <c>yyyy-MM-ddTHH:mmZ</c>.</summary>
        public static string Minutes(DateTime utc) => AsUtc(utc).ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);

        public static DateTime Parse(string text)
        {
            return DateTime.ParseExact(text, new[] { "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'" }, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        }

        public static bool TryParse(string? text, out DateTime utc)
        {
            utc = default;
            return text != null && DateTime.TryParseExact(text, new[] { "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'" }, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out utc);
        }

        /// <summary>A DateTime taken as UTC: a local time is converted, an unspecified one is UTC already.</summary>
        public static DateTime AsUtc(DateTime time) => time.Kind switch
        {
            DateTimeKind.Local => time.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(time, DateTimeKind.Utc),
            _ => time,
        };

        /// <summary>The UTC half-hour period index of an instant (UTC ticks / 30 min), as the meter numbers them.</summary>
        public static long PeriodIndex(DateTime utc) => AsUtc(utc).Ticks / (30 * TimeSpan.TicksPerMinute);

        public static DateTime PeriodStart(long index) => new(index * 30 * TimeSpan.TicksPerMinute, DateTimeKind.Utc);
    }
}
