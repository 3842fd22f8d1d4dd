using System;

namespace AssetMeter.Metrology.Settlement
{
    /// <summary>
    /// Proleptic Gregorian calendar arithmetic on day numbers, so that the core needs nothing of DateTime
    /// but its tick count (days since 0001-01-01 = DateTime.Ticks / ticks per day).
    /// </summary>
    /// <remarks>Days-from-civil and civil-from-days after H. Hinnant's public-domain date algorithms.</remarks>
    public static class CivilCalendar
    {
        /// <summary>Ticks in a civil day.</summary>
        public const long TicksPerDay = 864000000000;

        // Day number of 0000-03-01 relative to 0001-01-01 is -306; the algorithms count from 0000-03-01.
        private const long EpochShift = 306;

        /// <summary>Day number (0 = 0001-01-01, as DateTime) of a date.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The date is not valid.</exception>
        public static long DayNumber(int year, int month, int day)
        {
            if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month))
            {
                throw new ArgumentOutOfRangeException("day", "not a valid date");
            }

            long y = month <= 2 ? year - 1 : year;
            long era = y / 400;
            long yearOfEra = y - (era * 400);
            long monthFromMarch = month > 2 ? month - 3 : month + 9;
            long dayOfYear = ((153 * monthFromMarch) + 2) / 5 + day - 1;
            long dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
            return (era * 146097) + dayOfEra - EpochShift;
        }

        /// <summary>The date of a day number (0 = 0001-01-01).</summary>
        public static void Date(long dayNumber, out int year, out int month, out int day)
        {
            long z = dayNumber + EpochShift;
            long era = z / 146097;
            long dayOfEra = z - (era * 146097);
            long yearOfEra = (dayOfEra - (dayOfEra / 1460) + (dayOfEra / 36524) - (dayOfEra / 146096)) / 365;
            long dayOfYear = dayOfEra - ((365 * yearOfEra) + (yearOfEra / 4) - (yearOfEra / 100));
            long monthFromMarch = ((5 * dayOfYear) + 2) / 153;
            day = (int)(dayOfYear - (((153 * monthFromMarch) + 2) / 5) + 1);
            month = (int)(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9);
            year = (int)(yearOfEra + (era * 400) + (month <= 2 ? 1 : 0));
        }

        /// <summary>Day of week of a day number: 0 = Sunday ... 6 = Saturday (0001-01-01 was a Monday).</summary>
        public static int DayOfWeek(long dayNumber)
        {
            return (int)((dayNumber + 1) % 7);
        }

        /// <summary>True for a Gregorian leap year.</summary>
        public static bool IsLeapYear(int year)
        {
            return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        }

        /// <summary>Days in a month.</summary>
        public static int DaysInMonth(int year, int month)
        {
            switch (month)
            {
                case 2:
                    return IsLeapYear(year) ? 29 : 28;
                case 4:
                case 6:
                case 9:
                case 11:
                    return 30;
                default:
                    return 31;
            }
        }

        /// <summary>Day number of the last Sunday of a month.</summary>
        public static long LastSunday(int year, int month)
        {
            long last = DayNumber(year, month, DaysInMonth(year, month));
            return last - DayOfWeek(last);
        }
    }
}
