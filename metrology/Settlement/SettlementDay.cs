using System;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.Metrology.Settlement
{
    /// <summary>
    /// A GB settlement day: a local (Europe/London) calendar day, divided into half-hour settlement periods
    /// numbered from 1 at local midnight. It has 48 periods, 46 on the day clocks go forward (last Sunday of
    /// March) and 50 on the day they go back (last Sunday of October).
    /// </summary>
    public struct SettlementDay
    {
        /// <summary>Day number of the local date (0 = 0001-01-01).</summary>
        public long DayNumber;

        /// <summary>Creates the settlement day for a local date.</summary>
        public static SettlementDay Of(int year, int month, int day)
        {
            SettlementDay result = new SettlementDay();
            result.DayNumber = CivilCalendar.DayNumber(year, month, day);
            return result;
        }

        /// <summary>UTC instant (ticks) of the local midnight that starts the day: the start of period 1.</summary>
        public long StartUtcTicks
        {
            get { return LocalMidnightToUtc(DayNumber); }
        }

        /// <summary>UTC instant (ticks) of the local midnight that ends the day.</summary>
        public long EndUtcTicks
        {
            get { return LocalMidnightToUtc(DayNumber + 1); }
        }

        /// <summary>Number of settlement periods in the day: 46, 48 or 50.</summary>
        public int PeriodCount
        {
            get { return (int)((EndUtcTicks - StartUtcTicks) / UtcPeriods.TicksPerPeriod); }
        }

        /// <summary>The local date.</summary>
        public void Date(out int year, out int month, out int day)
        {
            CivilCalendar.Date(DayNumber, out year, out month, out day);
        }

        /// <summary>UTC start (ticks) of settlement period <paramref name="period"/> (1-based).</summary>
        public long PeriodStartUtcTicks(int period)
        {
            if (period < 1 || period > PeriodCount)
            {
                throw new ArgumentOutOfRangeException("period", "no such settlement period on this day");
            }

            return StartUtcTicks + ((period - 1) * UtcPeriods.TicksPerPeriod);
        }

        /// <summary>
        /// The settlement day and period number of the UTC half hour starting at <paramref name="utcPeriodStartTicks"/>.
        /// </summary>
        public static SettlementDay FromUtcPeriod(long utcPeriodStartTicks, out int period)
        {
            if (!UtcPeriods.IsBoundary(utcPeriodStartTicks))
            {
                throw new ArgumentOutOfRangeException("utcPeriodStartTicks", "not the start of a half-hour period");
            }

            // The local date of the period's start instant; UK offsets are whole hours, so a half hour never
            // straddles local midnight.
            long local = UkTime.ToLocalTicks(utcPeriodStartTicks);
            SettlementDay day = new SettlementDay();
            day.DayNumber = local / CivilCalendar.TicksPerDay;
            period = (int)((utcPeriodStartTicks - day.StartUtcTicks) / UtcPeriods.TicksPerPeriod) + 1;
            return day;
        }

        private static long LocalMidnightToUtc(long dayNumber)
        {
            // Local midnight is 00:00 GMT or 23:00 UTC the day before in BST. Clock changes happen at 01:00 UTC,
            // never near midnight, so the offset at the GMT reading of midnight is the offset at midnight.
            long midnightAsUtc = dayNumber * CivilCalendar.TicksPerDay;
            return midnightAsUtc - UkTime.OffsetTicks(midnightAsUtc);
        }
    }
}
