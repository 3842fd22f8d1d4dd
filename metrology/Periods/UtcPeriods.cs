using System;

namespace AssetMeter.Metrology.Periods
{
    /// <summary>UTC half-hour arithmetic on DateTime ticks (100 ns since 0001-01-01), exact to the tick.</summary>
    public static class UtcPeriods
    {
        /// <summary>Ticks in one second.</summary>
        public const long TicksPerSecond = 10000000;

        /// <summary>Ticks in a half hour: 30 * 60 * 10^7.</summary>
        public const long TicksPerPeriod = 30 * 60 * TicksPerSecond;

        /// <summary>Ticks in a UTC day.</summary>
        public const long TicksPerDay = 48 * TicksPerPeriod;

        /// <summary>Half-hour periods in a UTC day.</summary>
        public const int PeriodsPerUtcDay = 48;

        /// <summary>The start of the period containing <paramref name="ticks"/>.</summary>
        public static long PeriodStart(long ticks)
        {
            if (ticks < 0)
            {
                throw new ArgumentOutOfRangeException("ticks", "DateTime ticks are never negative");
            }

            return ticks - (ticks % TicksPerPeriod);
        }

        /// <summary>True when <paramref name="ticks"/> is exactly on a half-hour boundary.</summary>
        public static bool IsBoundary(long ticks)
        {
            return ticks % TicksPerPeriod == 0;
        }

        /// <summary>The period's number within its UTC day, 1 to 48.</summary>
        public static int PeriodOfUtcDay(long periodStartTicks)
        {
            return (int)((periodStartTicks % TicksPerDay) / TicksPerPeriod) + 1;
        }
    }
}
