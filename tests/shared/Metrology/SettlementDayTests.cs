using AssetMeter.Metrology.Periods;
using AssetMeter.Metrology.Settlement;
#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif

namespace AssetMeter.Tests.Metrology
{
    [TestClass]
    public class SettlementDayTests
    {
        [TestMethod]
        public void Clock_change_days_have_46_and_50_periods_every_year_2020_to_2100()
        {
            for (int year = 2020; year <= 2100; year++)
            {
                long spring = CivilCalendar.LastSunday(year, 3);
                long autumn = CivilCalendar.LastSunday(year, 10);
                Assert.AreEqual(46, Day(spring).PeriodCount);
                Assert.AreEqual(50, Day(autumn).PeriodCount);
                Assert.AreEqual(48, Day(spring - 1).PeriodCount);
                Assert.AreEqual(48, Day(spring + 1).PeriodCount);
                Assert.AreEqual(48, Day(autumn - 1).PeriodCount);
                Assert.AreEqual(48, Day(autumn + 1).PeriodCount);
            }
        }

        [TestMethod]
        public void A_year_of_settlement_days_covers_every_utc_half_hour_once()
        {
            long expectedStart = SettlementDay.Of(2027, 1, 1).StartUtcTicks;
            long total = 0;
            for (long day = CivilCalendar.DayNumber(2027, 1, 1); day <= CivilCalendar.DayNumber(2027, 12, 31); day++)
            {
                SettlementDay settlementDay = Day(day);
                Assert.AreEqual(expectedStart, settlementDay.StartUtcTicks);
                expectedStart = settlementDay.EndUtcTicks;
                total += settlementDay.PeriodCount;
            }

            Assert.AreEqual(365L * 48, total);
        }

        [TestMethod]
        public void Utc_periods_map_to_local_settlement_periods_across_the_autumn_change()
        {
            // 2026-10-25 is the last Sunday of October: local midnight is 23:00 UTC the evening before.
            long dayStart = SettlementDay.Of(2026, 10, 25).StartUtcTicks;
            Assert.AreEqual((CivilCalendar.DayNumber(2026, 10, 24) * CivilCalendar.TicksPerDay) + (23 * 2 * UtcPeriods.TicksPerPeriod), dayStart);

            int period;
            SettlementDay day = SettlementDay.FromUtcPeriod(dayStart, out period);
            Assert.AreEqual(1, period);
            AssertDate(day, 2026, 10, 25);

            // 00:00 UTC is 01:00 BST (period 3); 01:00 UTC is 01:00 GMT again (period 5 on the long day).
            long utcMidnight = CivilCalendar.DayNumber(2026, 10, 25) * CivilCalendar.TicksPerDay;
            SettlementDay.FromUtcPeriod(utcMidnight, out period);
            Assert.AreEqual(3, period);
            SettlementDay.FromUtcPeriod(utcMidnight + (2 * UtcPeriods.TicksPerPeriod), out period);
            Assert.AreEqual(5, period);

            // The last period of the long day is 23:30 UTC = 23:30 GMT, number 50.
            day = SettlementDay.FromUtcPeriod(utcMidnight + (47 * UtcPeriods.TicksPerPeriod), out period);
            Assert.AreEqual(50, period);
            AssertDate(day, 2026, 10, 25);
        }

        [TestMethod]
        public void Utc_periods_map_to_local_settlement_periods_across_the_spring_change()
        {
            // 2027-03-28: GMT until 01:00 UTC, then BST; the day ends at 23:00 UTC after 46 periods.
            long utcMidnight = CivilCalendar.DayNumber(2027, 3, 28) * CivilCalendar.TicksPerDay;
            int period;
            SettlementDay day = SettlementDay.FromUtcPeriod(utcMidnight + (2 * UtcPeriods.TicksPerPeriod), out period);
            Assert.AreEqual(3, period);
            day = SettlementDay.FromUtcPeriod(utcMidnight + (45 * UtcPeriods.TicksPerPeriod), out period);
            Assert.AreEqual(46, period);
            AssertDate(day, 2027, 3, 28);
            day = SettlementDay.FromUtcPeriod(utcMidnight + (46 * UtcPeriods.TicksPerPeriod), out period);
            Assert.AreEqual(1, period);
            AssertDate(day, 2027, 3, 29);
        }

        [TestMethod]
        public void Summer_time_starts_and_ends_at_one_in_the_morning_utc()
        {
            long start = UkTime.SummerTimeStartUtc(2030);
            Assert.IsFalse(UkTime.IsSummerTime(start - 1));
            Assert.IsTrue(UkTime.IsSummerTime(start));
            long end = UkTime.SummerTimeEndUtc(2030);
            Assert.IsTrue(UkTime.IsSummerTime(end - 1));
            Assert.IsFalse(UkTime.IsSummerTime(end));
            Assert.AreEqual(CivilCalendar.DayNumber(2030, 3, 31), start / CivilCalendar.TicksPerDay);
            Assert.AreEqual(CivilCalendar.DayNumber(2030, 10, 27), end / CivilCalendar.TicksPerDay);
        }

        [TestMethod]
        public void Civil_calendar_round_trips_and_knows_the_day_of_week()
        {
            // 2026-11-23 is a Monday; 2000-02-29 exists; 2100-02-28 is followed by March 1st.
            Assert.AreEqual(1, CivilCalendar.DayOfWeek(CivilCalendar.DayNumber(2026, 11, 23)));
            Assert.AreEqual(CivilCalendar.DayNumber(2000, 3, 1) - 1, CivilCalendar.DayNumber(2000, 2, 29));
            Assert.AreEqual(CivilCalendar.DayNumber(2100, 3, 1) - 1, CivilCalendar.DayNumber(2100, 2, 28));
            int y;
            int m;
            int d;
            CivilCalendar.Date(CivilCalendar.DayNumber(2096, 12, 31), out y, out m, out d);
            Assert.AreEqual(2096, y);
            Assert.AreEqual(12, m);
            Assert.AreEqual(31, d);
        }

        private static SettlementDay Day(long dayNumber)
        {
            SettlementDay day = new SettlementDay();
            day.DayNumber = dayNumber;
            return day;
        }

        private static void AssertDate(SettlementDay day, int year, int month, int dayOfMonth)
        {
            int y;
            int m;
            int d;
            day.Date(out y, out m, out d);
            Assert.AreEqual(year, y);
            Assert.AreEqual(month, m);
            Assert.AreEqual(dayOfMonth, d);
        }
    }
}
