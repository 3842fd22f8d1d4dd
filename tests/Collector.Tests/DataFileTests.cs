using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Output;
using AssetMeter.Metrology.Periods;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Collector.Tests
{
    [TestClass]
    public sealed class DataFileTests
    {
        [TestMethod]
        [DataRow(2026, 3, 29, 46, "2026-03-29T00:00Z", "2026-03-29T00:00+00:00", "2026-03-29T02:00+01:00")]
        [DataRow(2026, 10, 25, 50, "2026-10-24T23:00Z", "2026-10-25T00:00+01:00", "2026-10-25T01:00+00:00")]
        [DataRow(2026, 11, 23, 48, "2026-11-23T00:00Z", "2026-11-23T00:00+00:00", "2026-11-23T01:00+00:00")]
        public void A_settlement_day_has_46_48_or_50_periods_each_mapped_to_its_UTC_half_hour(int year, int month, int day, int periods, string firstUtc, string firstLocal, string thirdLocalOrLater)
        {
            using var meter = new TestMeter();
            using var temp = new TemporaryStore();
            temp.Store.Register(meter.Registration);
            var ingestor = new Ingestor(temp.Store, new MeterTopics());
            DateTime start = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Utc).AddDays(-1);
            List<HalfHourPeriod> all = TestMeter.Periods(start, 48 * 3);
            foreach (HalfHourPeriod p in all)
            {
                ingestor.Ingest(meter.Topic, meter.Record(p), start.AddDays(4));
            }

            DataFiles.Write(temp.Store, Path.Combine(temp.Directory, "out"));

            string date = $"{year:0000}-{month:00}-{day:00}";
            string[][] rows = File.ReadAllLines(Path.Combine(temp.Directory, "out", "settlement", meter.AmsidImport + ".csv"))
                .Skip(1).Select(l => l.Split(',')).Where(c => c[3] == date).ToArray();
            Assert.AreEqual(periods, rows.Length);
            CollectionAssert.AreEqual(Enumerable.Range(1, periods).Select(i => i.ToString()).ToArray(), rows.Select(r => r[4]).ToArray());
            Assert.AreEqual(firstUtc, rows[0][5]);
            Assert.AreEqual(firstLocal, rows[0][6]);
            Assert.IsTrue(rows.Any(r => r[6] == thirdLocalOrLater), "the local clock time after the change");

            // Each settlement period carries its UTC half hour's energy.
            var byUtc = File.ReadAllLines(Path.Combine(temp.Directory, "out", "utc", meter.AmsidImport + ".csv")).Skip(1).Select(l => l.Split(','))
                .ToDictionary(c => c[3], c => c[5]);
            foreach (string[] row in rows)
            {
                Assert.AreEqual(byUtc[row[5]], row[7]);
                Assert.AreEqual(PeriodStatus.Actual, row[8]);
            }

            // Consecutive UTC half hours, no gap, no overlap.
            for (int i = 1; i < rows.Length; i++)
            {
                Assert.AreEqual(DateTime.Parse(rows[i - 1][5]).AddMinutes(30), DateTime.Parse(rows[i][5]));
            }
        }

        [TestMethod]
        public void Every_period_in_a_meters_range_has_a_row_missing_and_flagged_ones_say_so_and_energy_is_exact()
        {
            using var meter = new TestMeter();
            using var temp = new TemporaryStore();
            temp.Store.Register(meter.Registration);
            var ingestor = new Ingestor(temp.Store, new MeterTopics());
            List<HalfHourPeriod> periods = TestMeter.Periods(TestMeter.Day.AddHours(1), 10);
            HalfHourPeriod flagged = periods[4];
            flagged.Flags = PeriodFlags.PowerLost | PeriodFlags.Partial;
            periods[4] = flagged;
            for (int i = 0; i < periods.Count; i++)
            {
                if (i != 7)
                {
                    ingestor.Ingest(meter.Topic, meter.Record(periods[i]), TestMeter.Day.AddDays(1));
                }
            }

            DataFiles.Write(temp.Store, Path.Combine(temp.Directory, "out"));
            string[] lines = File.ReadAllLines(Path.Combine(temp.Directory, "out", "utc", meter.AmsidImport + ".csv"));

            Assert.AreEqual(DataFiles.UtcHeader, lines[0]);
            Assert.AreEqual(11, lines.Length, "a row for each period from the first to the last, the missing one too");
            string[][] rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
            Assert.AreEqual("2026-11-23T01:00Z", rows[0][3]);
            Assert.AreEqual(PeriodStatus.Actual, rows[0][6]);
            Assert.AreEqual(PeriodStatus.Flagged, rows[4][6]);
            Assert.AreEqual("power-lost+partial", rows[4][7]);
            Assert.AreEqual(PeriodStatus.Missing, rows[7][6]);
            Assert.AreEqual(string.Empty, rows[7][5]);
            long expected = (periods[0].ImportEndMicrowattHours / 1000) - (periods[0].ImportStartMicrowattHours / 1000);
            Assert.AreEqual(EnergyText.KilowattHours(expected), rows[0][5]);
            string[] export = File.ReadAllLines(Path.Combine(temp.Directory, "out", "utc", meter.AmsidExport + ".csv"));
            Assert.AreEqual("export", export[3].Split(',')[2]);
            string[] settlement = File.ReadAllLines(Path.Combine(temp.Directory, "out", "settlement", meter.AmsidImport + ".csv"));
            Assert.AreEqual(11, settlement.Length, "the same ten periods by settlement day");
        }

        [TestMethod]
        [DataRow(0L, "0.000000")]
        [DataRow(1L, "0.000001")]
        [DataRow(1_234_567_890L, "1234.567890")]
        [DataRow(-1_500L, "-0.001500")]
        public void Energy_is_written_exactly(long milliwattHours, string kilowattHours)
        {
            Assert.AreEqual(kilowattHours, EnergyText.KilowattHours(milliwattHours));
        }
    }
}
