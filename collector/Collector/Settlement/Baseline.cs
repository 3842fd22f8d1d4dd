using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.Collector.Settlement
{
    /// <summary>How a baseline is taken (docs/settlement.md, "Baselines").</summary>
    public enum BaselineKind
    {
        /// <summary>The same settlement periods (by local clock time) of the previous N like days: weekdays for a weekday, weekend days for a weekend day.</summary>
        LikeDays,

        /// <summary>The mean of the N settlement periods just before the instruction starts, for every period of it (an in-day baseline).</summary>
        Preceding,
    }

    /// <summary>A baseline method with its count, written <c>like-days:5</c> or <c>preceding:4</c>.</summary>
    public sealed record BaselineMethod(BaselineKind Kind, int Count)
    {
        /// <summary>Like days look back at most this far for their N days.</summary>
        public const int LookBackDays = 28;

        public static BaselineMethod Default { get; } = new(BaselineKind.LikeDays, 5);

        public override string ToString() => (Kind == BaselineKind.LikeDays ? "like-days:" : "preceding:") + Count.ToString(CultureInfo.InvariantCulture);

        public static BaselineMethod Parse(string text)
        {
            string[] parts = text.Split(':');
            if (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count is >= 1 and <= 20)
            {
                if (parts[0] == "like-days")
                {
                    return new BaselineMethod(BaselineKind.LikeDays, count);
                }

                if (parts[0] == "preceding")
                {
                    return new BaselineMethod(BaselineKind.Preceding, count);
                }
            }

            throw new FormatException($"baseline '{text}': use like-days:N or preceding:N, N from 1 to 20");
        }
    }

    /// <summary>A baseline value for one settlement period.</summary>
    public sealed class BaselineValue
    {
        /// <summary>The mean of the values used, mWh (rounded half away from zero to the mWh); null when none was available.</summary>
        public long? MilliwattHours { get; init; }

        /// <summary>Sample standard deviation of the values used, mWh (0 with fewer than two).</summary>
        public double SpreadMilliwattHours { get; init; }

        /// <summary>How many values went into it, of the method's N.</summary>
        public int Used { get; init; }

        public int Wanted { get; init; }
    }

    /// <summary>
    /// Baselines over a series of half-hour net volumes (a boundary meter's or an asset's), for the settlement periods
    /// of a dispatch. The series answers null for a period it does not have; a missing value is skipped, never taken as
    /// zero, and a baseline with fewer values than asked for says so.
    /// </summary>
    public static class Baselines
    {
        /// <summary>
        /// The baseline of each of <paramref name="periods"/> (consecutive settlement periods of one dispatch) from
        /// <paramref name="series"/>, leaving out the settlement days in <paramref name="excludedDays"/> (days with a
        /// dispatch of the same asset, which are not typical).
        /// </summary>
        public static List<BaselineValue> For(BaselineMethod method, IReadOnlyList<SettlementPeriod> periods, Func<long, long?> series, ISet<DateOnly> excludedDays)
        {
            if (method.Kind == BaselineKind.Preceding)
            {
                long first = periods[0].PeriodIndex;
                var values = new List<long>();
                for (long index = first - method.Count; index < first; index++)
                {
                    if (series(index) is long v)
                    {
                        values.Add(v);
                    }
                }

                BaselineValue value = Mean(values, method.Count);
                return periods.Select(_ => value).ToList();
            }

            var result = new List<BaselineValue>();
            foreach (SettlementPeriod period in periods)
            {
                int minute = SettlementCalendar.LocalMinuteOfDay(period);
                bool weekend = IsWeekend(period.Date);
                var values = new List<long>();
                int days = 0;
                for (int back = 1; back <= BaselineMethod.LookBackDays && days < method.Count; back++)
                {
                    DateOnly day = period.Date.AddDays(-back);
                    if (IsWeekend(day) != weekend || excludedDays.Contains(day))
                    {
                        continue;
                    }

                    days++;

                    // The period of that day that starts at the same local time (the first, on a day the clocks go back);
                    // a day the clocks go forward has no 01:00-02:00, and gives nothing for it.
                    SettlementPeriod? same = SettlementCalendar.Periods(day, day).Cast<SettlementPeriod?>().FirstOrDefault(p => SettlementCalendar.LocalMinuteOfDay(p!.Value) == minute);
                    if (same.HasValue && series(same.Value.PeriodIndex) is long v)
                    {
                        values.Add(v);
                    }
                }

                result.Add(Mean(values, method.Count));
            }

            return result;
        }

        private static bool IsWeekend(DateOnly day) => day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

        private static BaselineValue Mean(List<long> values, int wanted)
        {
            if (values.Count == 0)
            {
                return new BaselineValue { MilliwattHours = null, Used = 0, Wanted = wanted };
            }

            decimal sum = values.Sum(v => (decimal)v);
            long mean = (long)Math.Round(sum / values.Count, MidpointRounding.AwayFromZero);
            double spread = 0;
            if (values.Count > 1)
            {
                double average = (double)(sum / values.Count);
                spread = Math.Sqrt(values.Sum(v => (v - average) * (v - average)) / (values.Count - 1));
            }

            return new BaselineValue { MilliwattHours = mean, SpreadMilliwattHours = spread, Used = values.Count, Wanted = wanted };
        }

        /// <summary>The settlement periods from <paramref name="startUtc"/> (inclusive) to <paramref name="endUtc"/> (exclusive), both half-hour boundaries.</summary>
        public static List<SettlementPeriod> PeriodsBetween(DateTime startUtc, DateTime endUtc)
        {
            var periods = new List<SettlementPeriod>();
            for (long index = startUtc.Ticks / UtcPeriods.TicksPerPeriod; index < endUtc.Ticks / UtcPeriods.TicksPerPeriod; index++)
            {
                periods.Add(SettlementCalendar.Of(index));
            }

            return periods;
        }
    }
}
