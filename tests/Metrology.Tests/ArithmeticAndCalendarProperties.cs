using System;
using System.Numerics;
using AssetMeter.Metrology.Accuracy;
using AssetMeter.Metrology.Arithmetic;
using AssetMeter.Metrology.Periods;
using AssetMeter.Metrology.Settlement;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Metrology.Tests
{
    /// <summary>The core's own arithmetic and calendar agree with .NET's (an independent implementation).</summary>
    [TestClass]
    public class ArithmeticAndCalendarProperties
    {
        private static readonly Config Many = Config.QuickThrowOnFailure.WithMaxTest(2000);

        [TestMethod]
        public void Multiply_and_divide_agree_with_UInt128()
        {
            Prop.ForAll<ulong, ulong, ulong>((a, b, d) =>
            {
                WideMath.Multiply(a, b, out ulong high, out ulong low);
                UInt128 product = (UInt128)a * b;
                Assert.AreEqual(product, new UInt128(high, low));

                ulong divisor = d == 0 ? 1 : d;
                if (high < divisor)
                {
                    ulong quotient = WideMath.Divide(high, low, divisor, out ulong remainder);
                    Assert.AreEqual(product / divisor, (UInt128)quotient);
                    Assert.AreEqual(product % divisor, (UInt128)remainder);
                }
            }).Check(Many);
        }

        [TestMethod]
        public void MultiplyDivide_is_the_exact_floor()
        {
            Prop.ForAll<long, long, long>((a, b, c) =>
            {
                a = Math.Abs(a % (1L << 50));
                b = Math.Abs(b % (1L << 40));
                c = Math.Abs(c % (1L << 45)) + 1;
                BigInteger exact = new BigInteger(a) * b;
                long result = WideMath.MultiplyDivide(a, b, c, out long remainder);
                Assert.AreEqual(exact / c, new BigInteger(result));
                Assert.AreEqual(exact % c, new BigInteger(remainder));
            }).Check(Many);
        }

        [TestMethod]
        public void Civil_calendar_agrees_with_DateTime()
        {
            Prop.ForAll(Gen.Choose(0, 3652058).ToArbitrary(), day =>
            {
                var date = new DateTime(day * TimeSpan.TicksPerDay, DateTimeKind.Utc);
                CivilCalendar.Date(day, out int y, out int m, out int d);
                Assert.AreEqual(date.Year, y);
                Assert.AreEqual(date.Month, m);
                Assert.AreEqual(date.Day, d);
                Assert.AreEqual(day, CivilCalendar.DayNumber(y, m, d));
                Assert.AreEqual((int)date.DayOfWeek, CivilCalendar.DayOfWeek(day));
            }).Check(Many);
        }

        [TestMethod]
        public void Uk_rule_agrees_with_the_Europe_London_time_zone_database()
        {
            var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
            long from = new DateTime(1997, 1, 1).Ticks / UtcPeriods.TicksPerPeriod;
            long to = new DateTime(2100, 12, 31).Ticks / UtcPeriods.TicksPerPeriod;
            Prop.ForAll(Gen.Choose(0, (int)(to - from)).ToArbitrary(), index =>
            {
                long utc = (from + index) * UtcPeriods.TicksPerPeriod;
                var offset = london.GetUtcOffset(new DateTime(utc, DateTimeKind.Utc));
                Assert.AreEqual(offset.Ticks, UkTime.OffsetTicks(utc));

                var day = SettlementDay.FromUtcPeriod(utc, out int period);
                var local = TimeZoneInfo.ConvertTimeFromUtc(new DateTime(utc, DateTimeKind.Utc), london);
                day.Date(out int y, out int m, out int d);
                Assert.AreEqual(local.Date, new DateTime(y, m, d));
                Assert.AreEqual(utc, day.PeriodStartUtcTicks(period));

                // The number of periods in the local day, from the database: local midnight to local midnight.
                var localMidnight = TimeZoneInfo.ConvertTimeToUtc(local.Date, london);
                var nextMidnight = TimeZoneInfo.ConvertTimeToUtc(local.Date.AddDays(1), london);
                Assert.AreEqual((int)((nextMidnight - localMidnight).Ticks / UtcPeriods.TicksPerPeriod), day.PeriodCount);
            }).Check(Many);
        }

        [TestMethod]
        public void Verdict_agrees_with_exact_rational_comparison()
        {
            var limits = LimitsOfError.CoP11Type5;
            Prop.ForAll(Gen.Choose(900000, 1100000).ToArbitrary(), Gen.Choose(1, 1000000).ToArbitrary(), Gen.Choose(0, 5000).ToArbitrary(), (meter, reference, uncertainty) =>
            {
                long meterEnergy = (long)meter * reference / 1000;
                long referenceEnergy = reference;
                meterEnergy = Math.Max(0, meterEnergy);
                var verdict = limits.Judge(meterEnergy, referenceEnergy, uncertainty);

                // error = (m - r) / r; compare error ± u against the limits, all as exact fractions over 1e6 * r.
                BigInteger scaledError = (new BigInteger(meterEnergy) - referenceEnergy) * 1000000;
                BigInteger r = referenceEnergy;
                bool pass = scaledError + (uncertainty * r) <= limits.UpperPpm * r && scaledError - (uncertainty * r) >= limits.LowerPpm * r;
                bool fail = scaledError - (uncertainty * r) > limits.UpperPpm * r || scaledError + (uncertainty * r) < limits.LowerPpm * r;
                var expected = pass ? VerdictOutcome.Pass : fail ? VerdictOutcome.Fail : VerdictOutcome.Inconclusive;
                Assert.AreEqual(expected, verdict.Outcome);
            }).Check(Many);
        }
    }
}
