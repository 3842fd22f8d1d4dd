using System;
using System.Collections.Generic;
using System.Globalization;
using AssetMeter.Metrology.Periods;
using AssetMeter.Metrology.Settlement;

namespace AssetMeter.Collector.Settlement
{
    /// <summary>A settlement period: a GB settlement day (Europe/London) and its period number, 1 to 46, 48 or 50.</summary>
    public readonly record struct SettlementPeriod(DateOnly Date, int Period)
    {
        /// <summary>The UTC half-hour period index (UTC ticks / 30 minutes), as the meters and the store number them.</summary>
        public long PeriodIndex => SettlementCalendar.Day(Date).PeriodStartUtcTicks(Period) / UtcPeriods.TicksPerPeriod;

        public DateTime StartUtc => new(SettlementCalendar.Day(Date).PeriodStartUtcTicks(Period), DateTimeKind.Utc);

        public override string ToString() => SettlementCalendar.DateText(Date) + "/" + Period.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// GB settlement days over the meter's own clock-change rule (metrology/Settlement, tested against the IANA
    /// Europe/London zone): a local day of 46 periods when clocks go forward, 50 when they go back, 48 otherwise.
    /// </summary>
    public static class SettlementCalendar
    {
        public static SettlementDay Day(DateOnly date) => SettlementDay.Of(date.Year, date.Month, date.Day);

        public static int PeriodCount(DateOnly date) => Day(date).PeriodCount;

        /// <summary>The settlement period of UTC period index <paramref name="periodIndex"/>.</summary>
        public static SettlementPeriod Of(long periodIndex)
        {
            SettlementDay day = SettlementDay.FromUtcPeriod(periodIndex * UtcPeriods.TicksPerPeriod, out int period);
            day.Date(out int year, out int month, out int dayOfMonth);
            return new SettlementPeriod(new DateOnly(year, month, dayOfMonth), period);
        }

        /// <summary>Every settlement period of the days from <paramref name="first"/> to <paramref name="last"/>, in order.</summary>
        public static IEnumerable<SettlementPeriod> Periods(DateOnly first, DateOnly last)
        {
            for (DateOnly date = first; date <= last; date = date.AddDays(1))
            {
                int count = PeriodCount(date);
                for (int period = 1; period <= count; period++)
                {
                    yield return new SettlementPeriod(date, period);
                }
            }
        }

        /// <summary>Local (Europe/London) start of a settlement period, <c>yyyy-MM-ddTHH:mm+01:00</c>.</summary>
        public static string LocalStart(SettlementPeriod period)
        {
            long utc = period.StartUtc.Ticks;
            var local = new DateTime(UkTime.ToLocalTicks(utc), DateTimeKind.Unspecified);
            return local.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) + (UkTime.IsSummerTime(utc) ? "+01:00" : "+00:00");
        }

        /// <summary>Minutes from local midnight to the start of the period: how like days are matched across clock changes.</summary>
        public static int LocalMinuteOfDay(SettlementPeriod period)
        {
            long local = UkTime.ToLocalTicks(period.StartUtc.Ticks);
            return (int)((local % TimeSpan.TicksPerDay) / TimeSpan.TicksPerMinute);
        }

        public static string DateText(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        public static bool TryParseDate(string text, out DateOnly date) =>
            DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    /// <summary>An MPAN core: 13 digits, the last a check digit.</summary>
    public static class Mpan
    {
        private static readonly int[] Primes = { 3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43 };

        /// <summary>True for 13 digits whose last is the check digit of the first twelve.</summary>
        public static bool IsValid(string core) =>
            core.Length == 13 && core.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0 && core[12] - '0' == CheckDigit(core.AsSpan(0, 12));

        /// <summary>The check digit of twelve digits: the sum of each digit times its prime, mod 11, mod 10.</summary>
        public static int CheckDigit(ReadOnlySpan<char> twelve)
        {
            int sum = 0;
            for (int i = 0; i < 12; i++)
            {
                sum += (twelve[i] - '0') * Primes[i];
            }

            return sum % 11 % 10;
        }

        /// <summary>The MPAN core made of <paramref name="twelve"/> digits and their check digit.</summary>
        public static string Complete(string twelve) => twelve + CheckDigit(twelve).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Exact energy text for the settlement files.</summary>
    public static class VolumeText
    {
        private const decimal MilliwattHoursPerMegawattHour = 1_000_000_000m;

        /// <summary>
        /// Milliwatt-hours as MWh decimal(14,4): rounded to 0.0001 MWh (100 Wh), half away from zero. Only here, at the
        /// file's edge, is a volume rounded; every sum before it is exact. A long of mWh is at most 9,223,372,036.8548
        /// MWh, within the format's ten integer digits.
        /// </summary>
        public static string MegawattHours(long milliwattHours) =>
            Math.Round(milliwattHours / MilliwattHoursPerMegawattHour, 4, MidpointRounding.AwayFromZero).ToString("0.0000", CultureInfo.InvariantCulture);

        /// <summary>Exact kWh, six decimals (the store's milliwatt-hours).</summary>
        public static string KilowattHours(long milliwattHours) => EnergyText.KilowattHours(milliwattHours);

        public static string KilowattHours(long? milliwattHours) => milliwattHours.HasValue ? EnergyText.KilowattHours(milliwattHours.Value) : string.Empty;

        /// <summary>Parses kWh with at most six decimals into exact milliwatt-hours; false for anything else.</summary>
        public static bool TryParseKilowattHours(string text, out long milliwattHours)
        {
            milliwattHours = 0;
            if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal kwh)
                || decimal.Round(kwh, 6) != kwh || Math.Abs(kwh) > 1_000_000_000m)
            {
                return false;
            }

            milliwattHours = (long)(kwh * 1_000_000m);
            return true;
        }
    }
}
