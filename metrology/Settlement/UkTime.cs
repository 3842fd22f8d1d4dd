using System;

namespace AssetMeter.Metrology.Settlement
{
    /// <summary>
    /// The civil time of Great Britain (Europe/London) from UTC, by rule: the device has no time-zone database.
    /// British Summer Time (UTC+1) runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
    /// Sunday of October; the rest of the year is GMT (UTC+0).
    /// </summary>
    /// <remarks>
    /// The rule has held since 1996 (the Summer Time Order 2002 keeps the EU-harmonised dates). Earlier years
    /// followed other rules and are refused; a future change of the law needs a firmware update.
    /// </remarks>
    public static class UkTime
    {
        /// <summary>First year the rule applies to.</summary>
        public const int FirstYear = 1996;

        private const long TicksPerHour = 36000000000;

        /// <summary>UTC instant (ticks) at which BST starts in <paramref name="year"/>.</summary>
        public static long SummerTimeStartUtc(int year)
        {
            RequireYear(year);
            return (CivilCalendar.LastSunday(year, 3) * CivilCalendar.TicksPerDay) + TicksPerHour;
        }

        /// <summary>UTC instant (ticks) at which BST ends in <paramref name="year"/>.</summary>
        public static long SummerTimeEndUtc(int year)
        {
            RequireYear(year);
            return (CivilCalendar.LastSunday(year, 10) * CivilCalendar.TicksPerDay) + TicksPerHour;
        }

        /// <summary>True when the UTC instant falls in British Summer Time.</summary>
        public static bool IsSummerTime(long utcTicks)
        {
            int year;
            int month;
            int day;
            CivilCalendar.Date(utcTicks / CivilCalendar.TicksPerDay, out year, out month, out day);
            return utcTicks >= SummerTimeStartUtc(year) && utcTicks < SummerTimeEndUtc(year);
        }

        /// <summary>Offset of UK civil time from UTC at the instant, in ticks (0 or one hour).</summary>
        public static long OffsetTicks(long utcTicks)
        {
            return IsSummerTime(utcTicks) ? TicksPerHour : 0;
        }

        /// <summary>UK civil time (ticks) at a UTC instant.</summary>
        public static long ToLocalTicks(long utcTicks)
        {
            return utcTicks + OffsetTicks(utcTicks);
        }

        private static void RequireYear(int year)
        {
            if (year < FirstYear)
            {
                throw new ArgumentOutOfRangeException("year", "the UK summer-time rule is implemented from 1996");
            }
        }
    }
}
