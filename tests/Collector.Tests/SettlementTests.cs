using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AssetMeter.Collector.Input;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Settlement;
using AssetMeter.Metrology.Periods;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Collector.Tests
{
    /// <summary>
    /// P375 difference metering, the AMSID pair delivered volumes and the P483 delivery check, on synthetic sites
    /// whose truth is known: the laws that hold for every input (Primary + Σ Secondary = Boundary, capping never
    /// increases a volume, 46 and 50 periods on clock-change days), and the checks a user relies on (an asset meter
    /// that over-reads by 5 % is caught; a missing boundary period is flagged, never taken as zero).
    /// </summary>
    [TestClass]
    public sealed class SettlementTests
    {
        private static readonly string MpanA = Mpan.Complete("180012345678");
        private static readonly string MpanB = Mpan.Complete("220098765432");

        private static readonly MeterRegistration[] Meters =
        {
            new() { Serial = "ev-1", Algorithm = MeterRegistration.Hmac, KeyHex = "00", AmsidImport = "AMSID-EV-1-I", AmsidExport = "AMSID-EV-1-E" },
            new() { Serial = "bat-1", Algorithm = MeterRegistration.Hmac, KeyHex = "00", AmsidImport = "AMSID-BAT-1-I", AmsidExport = "AMSID-BAT-1-E" },
            new() { Serial = "ev-2", Algorithm = MeterRegistration.Hmac, KeyHex = "00", AmsidImport = "AMSID-EV-2-I" },
        };

        private static SiteRegistry Sites() => SiteRegistry.Parse(CsvInput.Parse("sites.csv", new[]
        {
            "mpan,amsid,secondary_bmu",
            $"{MpanA},AMSID-EV-1-I,2__VLP001",
            $"{MpanA},AMSID-BAT-1-E,2__VLP002",
            $"{MpanB},AMSID-EV-2-I,2__VLP001",
        }), Meters);

        [TestMethod]
        public void Primary_plus_secondary_equals_boundary_in_every_period_and_gaps_are_flagged_never_zeroed()
        {
            SiteRegistry sites = Sites();
            var day = new DateOnly(2026, 11, 23);
            Gen<long?> volume = Gen.Frequency((1, Gen.Constant((long?)null)), (9, Gen.Choose(0, 50_000_000).Select(v => (long?)v)));
            Prop.ForAll(Arb.From(volume.ArrayOf(48 * 9)), values =>
            {
                var boundary = new List<BoundaryPeriod>();
                var assets = new AssetVolumes();
                int at = 0;
                foreach (SettlementPeriod period in SettlementCalendar.Periods(day, day))
                {
                    foreach (string mpan in new[] { MpanA, MpanB })
                    {
                        long? import = values[at++];
                        long? export = values[at++];
                        if (import.HasValue && export.HasValue)
                        {
                            boundary.Add(new BoundaryPeriod { Mpan = mpan, Period = period, ImportMilliwattHours = import.Value, ExportMilliwattHours = export.Value / 10, Status = 'A' });
                        }
                    }

                    foreach (string serial in new[] { "ev-1", "bat-1", "ev-2" })
                    {
                        long? import = values[at++];
                        if (import.HasValue)
                        {
                            assets.Add(serial, period.PeriodIndex, import.Value, values[at] ?? 0);
                        }
                    }

                    at++;
                }

                BoundaryData data = BoundaryData.Parse(BoundaryRows(boundary));
                List<SitePeriod> rows = DifferenceMetering.Compute(sites, data, assets, day, day);
                return rows.Count == 2 * 48 && rows.All(r =>
                {
                    bool boundaryMissing = r.Boundary == null;
                    bool assetMissing = r.Assets.Any(a => a.Volume.Status == "M");
                    if (boundaryMissing || assetMissing)
                    {
                        // Never a zero in place of what is missing: no Primary, and a flag that says why.
                        return r.PrimaryNetMilliwattHours == null
                            && r.Flags.Contains("boundary-missing") == boundaryMissing
                            && r.Flags.Any(f => f.StartsWith("asset-missing:", StringComparison.Ordinal)) == assetMissing;
                    }

                    return r.PrimaryNetMilliwattHours!.Value + r.SecondaryNetMilliwattHours!.Value == r.Boundary!.NetMilliwattHours
                        && r.SecondaryNetMilliwattHours == r.Assets.Sum(a => a.Volume.NetMilliwattHours!.Value);
                });
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
        }

        [TestMethod]
        public void Capping_never_increases_a_volume_nor_turns_it_round()
        {
            Prop.ForAll(Arb.From(Gen.Choose(-2_000_000_000, 2_000_000_000).Select(v => (long)v * 7)), Arb.From(Gen.Choose(-2_000_000_000, 2_000_000_000).Select(v => (long)v * 5)), (delivered, metered) =>
            {
                long capped = DeliveredVolume.Cap(delivered, metered);
                return Math.Abs(capped) <= Math.Abs(delivered)
                    && Math.Abs(capped) <= Math.Abs(metered)
                    && (capped == 0 || Math.Sign(capped) == Math.Sign(delivered))
                    && (Math.Abs(delivered) > Math.Abs(metered) || capped == delivered);
            }).QuickCheckThrowOnFailure();
        }

        [TestMethod]
        public void Clock_change_days_give_46_and_50_periods_and_the_files_follow_them()
        {
            // Every year of the rule: the last Sunday of March has 46 periods, of October 50, every other day 48.
            Prop.ForAll(Arb.From(Gen.Choose(1996, 2099)), Arb.From(Gen.Choose(0, 364)), (year, dayOfYear) =>
            {
                var date = new DateOnly(year, 1, 1).AddDays(dayOfYear);
                bool forward = date.Month == 3 && date.DayOfWeek == DayOfWeek.Sunday && date.AddDays(7).Month == 4;
                bool back = date.Month == 10 && date.DayOfWeek == DayOfWeek.Sunday && date.AddDays(7).Month == 11;
                int expected = forward ? 46 : back ? 50 : 48;
                var periods = SettlementCalendar.Periods(date, date).ToList();
                return SettlementCalendar.PeriodCount(date) == expected && periods.Count == expected
                    && periods.Select(p => p.PeriodIndex).SequenceEqual(Enumerable.Range(0, expected).Select(i => periods[0].PeriodIndex + i));
            }).QuickCheckThrowOnFailure();

            var forwardDay = new DateOnly(2027, 3, 28);
            var backDay = new DateOnly(2027, 10, 31);
            Assert.AreEqual(46, SettlementCalendar.PeriodCount(forwardDay));
            Assert.AreEqual(50, SettlementCalendar.PeriodCount(backDay));

            // The boundary file refuses a period the day does not have, and takes 49 and 50 on the long day.
            var error = Assert.ThrowsExactly<InputFileException>(() => BoundaryData.Parse(CsvInput.Parse("b.csv", new[] { BoundaryData.Header, $"{MpanA},2027-03-28,47,1.0,0,A" })));
            StringAssert.Contains(error.Message, "has 46 periods");
            BoundaryData.Parse(CsvInput.Parse("b.csv", new[] { BoundaryData.Header, $"{MpanA},2027-10-31,50,1.0,0,A" }));

            // P375 rows for the two days: 46 and 50 a site, the local times running through the change.
            var boundary = new List<BoundaryPeriod>();
            foreach (SettlementPeriod p in SettlementCalendar.Periods(forwardDay, forwardDay).Concat(SettlementCalendar.Periods(backDay, backDay)))
            {
                boundary.Add(new BoundaryPeriod { Mpan = MpanA, Period = p, ImportMilliwattHours = 500_000, Status = 'A' });
                boundary.Add(new BoundaryPeriod { Mpan = MpanB, Period = p, ImportMilliwattHours = 400_000, Status = 'A' });
            }

            var rows = DifferenceMetering.Compute(Sites(), BoundaryData.Parse(BoundaryRows(boundary)), new AssetVolumes(), forwardDay, forwardDay);
            Assert.AreEqual(2 * 46, rows.Count);
            rows = DifferenceMetering.Compute(Sites(), BoundaryData.Parse(BoundaryRows(boundary)), new AssetVolumes(), backDay, backDay);
            Assert.AreEqual(2 * 50, rows.Count);
            var locals = rows.Where(r => r.Mpan == MpanA).Select(r => SettlementCalendar.LocalStart(r.Period)).ToList();
            Assert.AreEqual("2027-10-31T01:00+01:00", locals[2]);
            Assert.AreEqual("2027-10-31T01:00+00:00", locals[4], "the repeated hour, in GMT");
            Assert.AreEqual("2027-10-31T23:30+00:00", locals[49]);
        }

        [TestMethod]
        [DataRow(0.05, "uncorroborated")]
        [DataRow(-0.05, "uncorroborated")]
        [DataRow(0.0, "corroborated")]
        [DataRow(0.02, "corroborated")]
        public void A_site_whose_asset_meter_over_reads_by_5_percent_is_caught_by_the_delivery_check(double meterError, string verdict)
        {
            // A week of a house (its own load, the same shape every day, a little different from day to day) with an EV
            // charger of 7.2 kW charging 17:00-21:00 every day; on the eighth day (a Monday) the VLP turns it down from
            // 18:00 to 19:00. The boundary meter sees the truth; the asset meter reads (1 + error) times it.
            var dispatchDay = new DateOnly(2026, 11, 23);
            var truth = Site(dispatchDay, days: 8, charger: (day, minute) => minute >= 17 * 60 && minute < 21 * 60 && !(day == dispatchDay && minute >= 18 * 60 && minute < 19 * 60) ? 7_200 : 0);
            var assets = new AssetVolumes();
            foreach (var (index, chargerMilliwattHours) in truth.Charger)
            {
                assets.Add("ev-1", index, (long)Math.Round(chargerMilliwattHours * (1 + meterError)), 0);
            }

            var instruction = Instruction("turn-down", dispatchDay, "18:00", "19:00", 0.0072m);
            List<SiteDeliveryCheck> checks = DeliveryChecks.Check(new[] { instruction }, OneSite(), BoundaryData.Parse(BoundaryRows(truth.Boundary)), assets, BaselineMethod.Default, new DeliveryTolerance());

            SiteDeliveryCheck check = checks.Single();
            Assert.AreEqual(verdict, check.Verdict, $"assets claim {check.AssetDeliveredMilliwattHours} mWh, boundary changed {check.BoundaryChangeMilliwattHours} mWh, tolerance {check.ToleranceMilliwattHours}");
            Assert.AreEqual(0, check.Flags.Count, string.Join("; ", check.Flags));
            Assert.AreEqual(7_200_000 * (1 + meterError), check.AssetDeliveredMilliwattHours!.Value, 10, "a 7.2 kWh turn-down, as the asset meter sees it");
            Assert.AreEqual(7_200_000, check.BoundaryChangeMilliwattHours!.Value, 60_000, "the boundary shows the true 7.2 kWh, within the house's day-to-day wobble");
        }

        [TestMethod]
        public void Another_vlps_asset_behind_the_same_boundary_is_taken_out_of_the_boundarys_change()
        {
            // While the EV is turned down, a home battery of another VLP at the same MPAN charges at 1.5 kW: the boundary
            // falls by 7.2 - 1.5 kWh only. With the battery's own meter in the registry its change is taken out.
            var dispatchDay = new DateOnly(2026, 11, 23);
            var truth = Site(dispatchDay, days: 8, charger: (day, minute) => minute >= 17 * 60 && minute < 21 * 60 && !(day == dispatchDay && minute >= 18 * 60 && minute < 19 * 60) ? 7_200 : 0);
            var assets = new AssetVolumes();
            foreach (var (index, mwh) in truth.Charger)
            {
                assets.Add("ev-1", index, mwh, 0);
                assets.Add("bat-1", index, 0, 0);
            }

            var window = SettlementCalendar.Periods(dispatchDay, dispatchDay).Where(p => p.Period is 37 or 38).Select(p => p.PeriodIndex).ToHashSet();
            foreach (long index in window)
            {
                assets.Add("bat-1", index, 750_000, 0);
            }

            BoundaryData boundary = BoundaryData.Parse(BoundaryRows(truth.Boundary.Select(b => window.Contains(b.Period.PeriodIndex)
                ? new BoundaryPeriod { Mpan = b.Mpan, Period = b.Period, ImportMilliwattHours = b.ImportMilliwattHours + 750_000, Status = 'A' } : b)));
            var instruction = Instruction("turn-down", dispatchDay, "18:00", "19:00", 0.0072m);
            SiteRegistry both = SiteRegistry.Parse(CsvInput.Parse("sites.csv", new[] { "mpan,amsid,secondary_bmu", $"{MpanA},AMSID-EV-1-I,2__VLP001", $"{MpanA},AMSID-BAT-1-I,2__VLP002" }), Meters);

            SiteDeliveryCheck check = DeliveryChecks.Check(new[] { instruction }, both, boundary, assets, BaselineMethod.Default, new DeliveryTolerance()).Single();
            Assert.AreEqual("corroborated", check.Verdict, $"{check.AssetDeliveredMilliwattHours} against {check.BoundaryChangeMilliwattHours}");
            check = DeliveryChecks.Check(new[] { instruction }, OneSite(), boundary, assets, BaselineMethod.Default, new DeliveryTolerance()).Single();
            Assert.AreEqual("uncorroborated", check.Verdict, "without the battery's meter the boundary shows 1.5 kWh less than the EV claims");
        }

        [TestMethod]
        public void A_missing_boundary_period_flags_the_delivery_and_the_primary_and_is_never_taken_as_zero()
        {
            var dispatchDay = new DateOnly(2026, 11, 23);
            var truth = Site(dispatchDay, days: 8, charger: (day, minute) => minute >= 17 * 60 && minute < 21 * 60 && !(day == dispatchDay && minute >= 18 * 60 && minute < 19 * 60) ? 7_200 : 0);
            var assets = new AssetVolumes();
            foreach (var (index, mwh) in truth.Charger)
            {
                assets.Add("ev-1", index, mwh, 0);
            }

            // The boundary's 18:30 period of the dispatch day never arrived.
            long lost = new SettlementPeriod(dispatchDay, 38).PeriodIndex;
            BoundaryData boundary = BoundaryData.Parse(BoundaryRows(truth.Boundary.Where(b => b.Period.PeriodIndex != lost)));
            var instruction = Instruction("turn-down", dispatchDay, "18:00", "19:00", 0.0072m);
            SiteDeliveryCheck check = DeliveryChecks.Check(new[] { instruction }, OneSite(), boundary, assets, BaselineMethod.Default, new DeliveryTolerance()).Single();
            Assert.AreEqual("not-checked", check.Verdict);
            Assert.IsNull(check.BoundaryChangeMilliwattHours);
            CollectionAssert.Contains(check.Flags.ToList(), "boundary-missing@2026-11-23/38");

            SitePeriod row = DifferenceMetering.Compute(OneSite(), boundary, assets, dispatchDay, dispatchDay).Single(r => r.Period.PeriodIndex == lost);
            Assert.IsNull(row.Boundary);
            Assert.IsNull(row.PrimaryNetMilliwattHours);
            CollectionAssert.Contains(row.Flags.ToList(), "boundary-missing");

            // In the file: an empty Primary, status M, the flag; the period before is computed.
            string directory = SharedServers.NewDirectory("settlement");
            try
            {
                SettlementSummary summary = SettlementFiles.Write(OneSite(), boundary, assets, new[] { instruction }, new SettlementInputs { SitesFile = "-", BoundaryFile = "-", AsOfUtc = new DateTime(2026, 11, 24, 6, 0, 0, DateTimeKind.Utc) }, directory);
                string line = File.ReadAllLines(Path.Combine(directory, "p375", "sites.csv")).Single(l => l.StartsWith($"{MpanA},2026-11-23,38,", StringComparison.Ordinal));
                string[] cells = line.Split(',');
                Assert.AreEqual("M", cells[8]);
                Assert.AreEqual(string.Empty, cells[10], "no Primary");
                Assert.AreEqual("boundary-missing", cells[12]);
                Assert.AreEqual(0, summary.IdentityFailures);
                Assert.AreEqual(1, summary.FlagCounts["boundary-missing"]);

                // The D+1 file of the dispatch day: MWh decimal(14,4); the asset's delivery is there (its own data is whole).
                string[] delivered = File.ReadAllLines(Path.Combine(directory, "delivered", "20261123-amsid-pair-delivered-volumes.csv"));
                Assert.AreEqual(SettlementFiles.DeliveredHeader, delivered[0]);
                Assert.AreEqual(3, delivered.Length);
                StringAssert.StartsWith(delivered[1], "2026-11-23,37,AMSID-EV-1-I,AMSID-EV-1-E,2__VLP001," + MpanA + ",turn-down,0.0000,-0.0036,0.0036,0.0000,true,A,");
            }
            finally
            {
                SharedServers.Delete(directory);
            }
        }

        [TestMethod]
        public void The_delivered_volume_is_capped_by_the_metered_volume_and_written_in_mwh_decimal_14_4()
        {
            Assert.AreEqual("0.0036", VolumeText.MegawattHours(3_600_000));
            Assert.AreEqual("-0.0036", VolumeText.MegawattHours(-3_550_000), "half away from zero");
            Assert.AreEqual("0.0000", VolumeText.MegawattHours(49_999));
            Assert.AreEqual("9000000000.0000", VolumeText.MegawattHours(9_000_000_000_000_000_000));
            Assert.AreEqual("9223372036.8548", VolumeText.MegawattHours(long.MaxValue), "any long of mWh fits decimal(14,4) MWh");
            Assert.AreEqual(1_000_000, DeliveredVolume.Cap(3_600_000, -1_000_000), "a 3.6 kWh turn-down of an asset that still took 1 kWh: capped at 1 kWh");
            Assert.AreEqual(-2_000_000, DeliveredVolume.Cap(-2_000_000, -3_600_000), "within the metered volume: unchanged");
        }

        [TestMethod]
        public void Bad_boundary_data_is_refused_with_its_line()
        {
            string Bad(params string[] lines) => Assert.ThrowsExactly<InputFileException>(() => BoundaryData.Parse(CsvInput.Parse("b.csv", new[] { BoundaryData.Header }.Concat(lines).ToList()))).Message;
            string wrongCheck = MpanA[..12] + ((MpanA[12] - '0' + 1) % 10).ToString();
            StringAssert.Contains(Bad($"{wrongCheck},2026-11-23,1,1.0,0,A"), "line 2: '" + wrongCheck + "' is not an MPAN core");
            StringAssert.Contains(Bad($"{MpanA},2026-11-23,1,1.0,0,A", $"{MpanA},2026-11-23,1,1.0,0,A"), "line 3: MPAN " + MpanA + " settlement period 2026-11-23/1 is given twice");
            StringAssert.Contains(Bad($"{MpanA},2026-11-23,1,1.0000001,0,A"), "at most six decimals");
            StringAssert.Contains(Bad($"{MpanA},2026-11-23,1,1.0,0,X"), "status 'X'");
            StringAssert.Contains(Bad($"{MpanA},23/11/2026,1,1.0,0,A"), "is not yyyy-MM-dd");
            BoundaryData ok = BoundaryData.Parse(CsvInput.Parse("b.csv", new[] { "mpan,settlement_date,settlement_period,import_kwh,status", $"{MpanA},2026-11-23,1,0.123456,E" }));
            Assert.AreEqual(123_456, ok.Get(MpanA, new SettlementPeriod(new DateOnly(2026, 11, 23), 1).PeriodIndex)!.ImportMilliwattHours, "an import-only boundary: no export column");
        }

        [TestMethod]
        public void A_like_day_baseline_matches_local_clock_time_across_the_autumn_change()
        {
            // Monday after the clocks went back: the 18:00 period's like days are the five weekdays before, found by
            // local time, which is a different UTC period before the change than after it.
            var monday = new DateOnly(2027, 11, 1);
            var target = new SettlementPeriod(monday, 37);
            var series = new Dictionary<long, long>();
            for (int back = 1; back <= 10; back++)
            {
                DateOnly day = monday.AddDays(-back);
                foreach (SettlementPeriod p in SettlementCalendar.Periods(day, day))
                {
                    series[p.PeriodIndex] = SettlementCalendar.LocalMinuteOfDay(p) == 18 * 60 ? 1_000 * back : 7;
                }
            }

            BaselineValue value = Baselines.For(BaselineMethod.Default, new[] { target }, i => series.TryGetValue(i, out long v) ? v : null, new HashSet<DateOnly>()).Single();
            Assert.AreEqual(5, value.Used);

            // The weekdays 3 (Friday, before the change) to 7 days back: the mean of 3000 to 7000. The weekend between,
            // the day of the change among it, is not like a Monday.
            Assert.AreEqual(5_000, value.MilliwattHours);
        }

        [TestMethod]
        [Timeout(120_000, CooperativeCancellation = true)]
        public void The_settlement_command_writes_files_whose_every_row_adds_up_and_names_a_bad_input_line()
        {
            using var store = new TemporaryStore();
            using var meter = new TestMeter("ev-1", hmac: true, amsidImport: "AMSID-EV-1-I", amsidExport: "AMSID-EV-1-E");
            store.Store.Register(meter.Registration);
            var day = new DateOnly(2027, 3, 28);
            var periods = SettlementCalendar.Periods(day, day).ToList();
            foreach (var (period, i) in periods.Select((p, i) => (p, i)).Where(x => x.i != 20))
            {
                store.Store.AddPeriod(new AssetMeter.Collector.Storage.StoredPeriod
                {
                    Serial = "ev-1", PeriodIndex = period.PeriodIndex, ImportStart = 1_000_000L * i, ImportEnd = (1_000_000L * i) + 900_000 + i, ExportStart = 0, ExportEnd = i % 3 == 0 ? 10_000 : 0,
                    Flags = 0, TimeStatus = "S", ErrorFlags = string.Empty, AmsidImport = "AMSID-EV-1-I", AmsidExport = "AMSID-EV-1-E", Record = "-", ReceivedUtc = DateTime.UtcNow,
                });
            }

            string dir = store.Directory;
            File.WriteAllLines(Path.Combine(dir, "sites.csv"), new[] { "mpan,amsid,secondary_bmu", $"{MpanA},AMSID-EV-1-E,2__VLP001" });
            File.WriteAllLines(Path.Combine(dir, "boundary.csv"), new[] { BoundaryData.Header }.Concat(periods.Where(p => p.Period != 5).Select(p =>
                $"{MpanA},2027-03-28,{p.Period},{1.2 + (p.Period / 1000.0):0.000000},0.000000,{(p.Period == 7 ? "E" : "A")}")));
            string cli = Path.Combine(AppContext.BaseDirectory, "assetmeter-collector.dll");
            var (exit, output) = AssetMeter.TestServers.TestProcess.Run("dotnet", new[] { cli, "settlement", "--store", store.Location, "--sites", Path.Combine(dir, "sites.csv"),
                "--boundary", Path.Combine(dir, "boundary.csv"), "--out", Path.Combine(dir, "out") }, TimeSpan.FromSeconds(90));
            Assert.AreEqual(0, exit, output);

            // The spring-forward day: 46 rows; each computed row adds up exactly; the gaps are flagged and left empty.
            string[] rows = File.ReadAllLines(Path.Combine(dir, "out", "p375", "sites.csv")).Skip(1).ToArray();
            Assert.AreEqual(46, rows.Length);
            foreach (string row in rows)
            {
                string[] c = row.Split(',');
                if (c[10].Length > 0)
                {
                    Assert.AreEqual(decimal.Parse(c[7], System.Globalization.CultureInfo.InvariantCulture),
                        decimal.Parse(c[10], System.Globalization.CultureInfo.InvariantCulture) + decimal.Parse(c[9], System.Globalization.CultureInfo.InvariantCulture), row);
                }
            }

            StringAssert.Contains(rows[4], ",M,", "period 5 has no boundary data");
            StringAssert.EndsWith(rows[4], "boundary-missing");
            StringAssert.EndsWith(rows[6], "boundary-estimated");
            StringAssert.EndsWith(rows[20], "asset-missing:AMSID-EV-1-I");
            Assert.AreEqual(string.Empty, rows[20].Split(',')[10], "no Primary where the asset is missing");

            File.AppendAllText(Path.Combine(dir, "boundary.csv"), $"{MpanA},2027-03-28,47,1.0,0,A\n");
            (exit, output) = AssetMeter.TestServers.TestProcess.Run("dotnet", new[] { cli, "settlement", "--store", store.Location, "--sites", Path.Combine(dir, "sites.csv"),
                "--boundary", Path.Combine(dir, "boundary.csv"), "--out", Path.Combine(dir, "out") }, TimeSpan.FromSeconds(90));
            Assert.AreEqual(2, exit);
            StringAssert.Contains(output, "boundary.csv, line 47: settlement_period '47' is not 1 to 46");
        }

        // ------------------------------------------------------------------ a synthetic site

        private static SiteRegistry OneSite() => SiteRegistry.Parse(CsvInput.Parse("sites.csv", new[] { "mpan,amsid,secondary_bmu", $"{MpanA},AMSID-EV-1-I,2__VLP001" }), Meters);

        private static DispatchInstruction Instruction(string id, DateOnly day, string from, string to, decimal mw) => new()
        {
            Id = id, Scope = "asset", Target = "AMSID-EV-1-I", Megawatts = mw, Serials = new[] { "ev-1" },
            StartUtc = DateTime.SpecifyKind(day.ToDateTime(TimeOnly.Parse(from)), DateTimeKind.Utc), EndUtc = DateTime.SpecifyKind(day.ToDateTime(TimeOnly.Parse(to)), DateTimeKind.Utc),
        };

        // Days up to and including the dispatch day: the house's own load (a daily shape, plus up to ±0.3 % a day) and the
        // charger, per UTC period (November: local time is UTC). Boundary = house + charger, import only.
        private static (List<BoundaryPeriod> Boundary, List<(long Index, long MilliwattHours)> Charger) Site(DateOnly dispatchDay, int days, Func<DateOnly, int, int> charger)
        {
            var boundary = new List<BoundaryPeriod>();
            var chargerVolumes = new List<(long, long)>();
            var random = new Random(7);
            for (DateOnly day = dispatchDay.AddDays(1 - days); day <= dispatchDay; day = day.AddDays(1))
            {
                double wobble = 1 + ((random.NextDouble() - 0.5) * 0.006);
                foreach (SettlementPeriod p in SettlementCalendar.Periods(day, day))
                {
                    int minute = SettlementCalendar.LocalMinuteOfDay(p);
                    double houseWatts = (300 + (900 * Math.Max(0, Math.Sin(Math.PI * (minute - (6 * 60)) / (16 * 60))))) * wobble;
                    long house = (long)Math.Round(houseWatts * 500);
                    long ev = charger(day, minute) * 500L;
                    chargerVolumes.Add((p.PeriodIndex, ev));
                    boundary.Add(new BoundaryPeriod { Mpan = MpanA, Period = p, ImportMilliwattHours = house + ev, Status = 'A' });
                }
            }

            return (boundary, chargerVolumes);
        }

        private static List<CsvRow> BoundaryRows(IEnumerable<BoundaryPeriod> periods)
        {
            var lines = new List<string> { BoundaryData.Header };
            lines.AddRange(periods.Select(p => string.Join(',', p.Mpan, SettlementCalendar.DateText(p.Period.Date), p.Period.Period, VolumeText.KilowattHours(p.ImportMilliwattHours), VolumeText.KilowattHours(p.ExportMilliwattHours), p.Status)));
            return CsvInput.Parse("boundary.csv", lines);
        }
    }
}
