using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Records;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Storage;
using AssetMeter.Collector.Verification;
using AssetMeter.Metrology.Periods;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Collector.Tests
{
    [TestClass]
    public sealed class IngestorTests
    {
        private static readonly DateTime Received = TestMeter.Day.AddDays(2);

        [TestMethod]
        public void A_meters_period_record_is_verified_parsed_exactly_and_stored()
        {
            using var meter = new TestMeter();
            using var temp = new TemporaryStore();
            temp.Store.Register(meter.Registration);
            HalfHourPeriod period = TestMeter.Periods(TestMeter.Day, 1)[0];
            var ingestor = new Ingestor(temp.Store, new MeterTopics());

            IngestOutcome outcome = ingestor.Ingest(meter.Topic, meter.Record(period), Received);

            Assert.AreEqual(IngestResult.Stored, outcome.Result, outcome.Detail);
            StoredPeriod stored = temp.Store.Period(meter.Serial, UtcText.PeriodIndex(TestMeter.Day))!;
            Assert.AreEqual(period.ImportStartMicrowattHours / 1000, stored.ImportStart);
            Assert.AreEqual(period.ImportEndMicrowattHours / 1000, stored.ImportEnd);
            Assert.AreEqual(period.ExportEndMicrowattHours / 1000, stored.ExportEnd);
            Assert.AreEqual("S", stored.TimeStatus);
            Assert.AreEqual(string.Empty, stored.ErrorFlags);
            Assert.AreEqual(meter.AmsidImport, stored.AmsidImport);
        }

        [TestMethod]
        public void A_period_sent_again_is_stored_once_even_though_its_ECDSA_signature_differs()
        {
            using var meter = new TestMeter();
            using var temp = new TemporaryStore();
            temp.Store.Register(meter.Registration);
            HalfHourPeriod period = TestMeter.Periods(TestMeter.Day, 1)[0];
            var ingestor = new Ingestor(temp.Store, new MeterTopics());
            byte[] first = meter.Record(period);
            byte[] again = meter.Record(period);
            CollectionAssert.AreNotEqual(first, again, "ECDSA signatures are randomised");

            Assert.AreEqual(IngestResult.Stored, ingestor.Ingest(meter.Topic, first, Received).Result);
            Assert.AreEqual(IngestResult.Duplicate, ingestor.Ingest(meter.Topic, again, Received).Result);
            Assert.AreEqual(IngestResult.Duplicate, ingestor.Ingest(meter.Topic, first, Received).Result);
            Assert.AreEqual(1L, temp.Store.PeriodCount());
            Assert.AreEqual(0, temp.Store.QuarantinedRecords().Count);
        }

        [TestMethod]
        public void Every_kind_of_bad_record_is_quarantined_with_its_reason_and_never_counted()
        {
            using var meter = new TestMeter();
            using var stranger = new TestMeter("am-stranger");
            using var impostor = new TestMeter();
            using var temp = new TemporaryStore();
            temp.Store.Register(meter.Registration);
            var meterWithLowDemand = new MeterRegistration
            {
                Serial = "am-small",
                Algorithm = meter.Registration.Algorithm,
                KeyHex = meter.Registration.KeyHex,
                AmsidImport = meter.AmsidImport,
                AmsidExport = meter.AmsidExport,
                MaximumDemandWatts = 2_000,
            };
            temp.Store.Register(meterWithLowDemand);
            var ingestor = new Ingestor(temp.Store, new MeterTopics());
            List<HalfHourPeriod> periods = TestMeter.Periods(TestMeter.Day, 4);
            Assert.AreEqual(IngestResult.Stored, ingestor.Ingest(meter.Topic, meter.Record(periods[0]), Received).Result);

            // Chain: the next period starts 1 mWh above where the stored one ended.
            HalfHourPeriod broken = periods[1];
            broken.ImportStartMicrowattHours += 1_000;
            broken.ImportEndMicrowattHours += 1_000;

            // Negative: the export register went backwards.
            HalfHourPeriod backwards = periods[2];
            backwards.ExportEndMicrowattHours = backwards.ExportStartMicrowattHours - 1_000;

            // Conflicting: period 0 again with other content.
            HalfHourPeriod conflicting = periods[0];
            conflicting.ImportEndMicrowattHours += 1_000_000;

            // Implausible: 1.5 kWh in half an hour for a 2 kW asset is fine; 1.5 kWh + 1 Wh over 2 kW is not.
            HalfHourPeriod tooMuch = periods[3];
            tooMuch.ImportEndMicrowattHours = tooMuch.ImportStartMicrowattHours + 1_001_000_000;

            byte[] forged = meter.Record(periods[3]);
            int digit = Encoding.ASCII.GetString(forged).IndexOf("\"RV\":", StringComparison.Ordinal) + 6;
            forged[digit] = (byte)(forged[digit] == '9' ? '8' : forged[digit] + 1);

            var cases = new (string Topic, byte[] Message, string Reason)[]
            {
                (meter.Topic, Encoding.ASCII.GetBytes("hello"), QuarantineReason.Malformed),
                (meter.Topic, new byte[] { 0x4f, 0x43, 0x4d, 0x46, 0x7c, 0x00, 0xff, 0x7c, 0x7b, 0x7d }, QuarantineReason.Malformed),
                (stranger.Topic, stranger.Record(periods[1]), QuarantineReason.UnknownMeter),
                (meter.Topic, impostor.Record(periods[1]), QuarantineReason.BadSignature),
                (meter.Topic, forged, QuarantineReason.BadSignature),
                (meter.Topic, meter.Record(broken), QuarantineReason.ChainBreak),
                (meter.Topic, meter.Record(backwards), QuarantineReason.NegativeConsumption),
                (meter.Topic, meter.Record(conflicting), QuarantineReason.ConflictingDuplicate),
                ("assetmeter/am-small/period", meter.Record(tooMuch), QuarantineReason.IdentityMismatch),
            };

            foreach (var (topic, message, reason) in cases)
            {
                IngestOutcome outcome = ingestor.Ingest(topic, message, Received);
                Assert.AreEqual(IngestResult.Quarantined, outcome.Result, reason);
                Assert.AreEqual(reason, outcome.Reason, outcome.Detail);
            }

            Assert.AreEqual(1L, temp.Store.PeriodCount(), "nothing but the first good period is counted");
            Assert.AreEqual(cases.Length, temp.Store.QuarantinedRecords().Count);
            Assert.IsTrue(temp.Store.QuarantinedRecords().Any(q => q.Message.StartsWith("hex:", StringComparison.Ordinal)), "binary garbage is kept, as hex");

            // The same messages again: quarantine keeps each once.
            foreach (var (topic, message, _) in cases)
            {
                ingestor.Ingest(topic, message, Received);
            }

            Assert.AreEqual(cases.Length, temp.Store.QuarantinedRecords().Count);
        }

        [TestMethod]
        public void More_energy_than_the_maximum_demand_allows_is_implausible()
        {
            using var meter = new TestMeter("am-small");
            using var temp = new TemporaryStore();
            MeterRegistration registration = meter.Registration;
            temp.Store.Register(new MeterRegistration
            {
                Serial = registration.Serial,
                Algorithm = registration.Algorithm,
                KeyHex = registration.KeyHex,
                AmsidImport = registration.AmsidImport,
                AmsidExport = registration.AmsidExport,
                MaximumDemandWatts = 2_000,
            });
            var ingestor = new Ingestor(temp.Store, new MeterTopics());
            List<HalfHourPeriod> periods = TestMeter.Periods(TestMeter.Day, 2, importWhPerPeriod: 1000);
            HalfHourPeriod tooMuch = periods[1];
            tooMuch.ImportEndMicrowattHours = tooMuch.ImportStartMicrowattHours + 1_000_001_000;

            Assert.AreEqual(IngestResult.Stored, ingestor.Ingest(meter.Topic, meter.Record(periods[0]), Received).Result, "exactly 2 kW for half an hour is plausible");
            IngestOutcome outcome = ingestor.Ingest(meter.Topic, meter.Record(tooMuch), Received);
            Assert.AreEqual(QuarantineReason.Implausible, outcome.Reason, outcome.Detail);
        }

        [TestMethod]
        public void A_record_signed_with_HMAC_is_refused_for_a_meter_registered_for_ECDSA()
        {
            using var ecdsaMeter = new TestMeter();
            using var hmacMeter = new TestMeter(hmac: true);
            using var temp = new TemporaryStore();
            temp.Store.Register(ecdsaMeter.Registration);
            var ingestor = new Ingestor(temp.Store, new MeterTopics());

            IngestOutcome outcome = ingestor.Ingest(ecdsaMeter.Topic, hmacMeter.Record(TestMeter.Periods(TestMeter.Day, 1)[0]), Received);

            Assert.AreEqual(QuarantineReason.BadSignature, outcome.Reason);
            StringAssert.Contains(outcome.Detail, "registered for ECDSA");
        }

        [TestMethod]
        public void HMAC_meters_records_verify_with_their_key()
        {
            using var meter = new TestMeter(hmac: true);
            using var temp = new TemporaryStore();
            temp.Store.Register(meter.Registration);
            var ingestor = new Ingestor(temp.Store, new MeterTopics());

            Assert.AreEqual(IngestResult.Stored, ingestor.Ingest(meter.Topic, meter.Record(TestMeter.Periods(TestMeter.Day, 1)[0]), Received).Result);
        }

        [TestMethod]
        public void A_period_from_more_than_an_hour_in_the_future_is_quarantined()
        {
            using var meter = new TestMeter();
            using var temp = new TemporaryStore();
            temp.Store.Register(meter.Registration);
            var ingestor = new Ingestor(temp.Store, new MeterTopics());

            IngestOutcome outcome = ingestor.Ingest(meter.Topic, meter.Record(TestMeter.Periods(TestMeter.Day, 1)[0]), TestMeter.Day.AddMinutes(-31));

            Assert.AreEqual(QuarantineReason.WrongTime, outcome.Reason);
        }

        [TestMethod]
        public void Whatever_the_order_and_repetition_of_delivery_the_store_ends_the_same()
        {
            using var meter = new TestMeter(hmac: true);
            List<HalfHourPeriod> periods = TestMeter.Periods(TestMeter.Day, 12);
            byte[][] records = periods.Select(meter.Record).ToArray();

            // Any delivery: each record at least once, in any order, some several times.
            Arbitrary<int[]> deliveries = Gen.ArrayOf(Gen.Choose(0, records.Length - 1))
                .Select(extra => Enumerable.Range(0, records.Length).Concat(extra).ToArray())
                .SelectMany(all => Gen.Shuffle(all))
                .ToArbitrary();

            Prop.ForAll(deliveries, order =>
            {
                using var temp = new TemporaryStore();
                temp.Store.Register(meter.Registration);
                var ingestor = new Ingestor(temp.Store, new MeterTopics());
                foreach (int i in order)
                {
                    IngestResult result = ingestor.Ingest(meter.Topic, records[i], Received).Result;
                    if (result == IngestResult.Quarantined)
                    {
                        return false;
                    }
                }

                List<StoredPeriod> stored = temp.Store.Periods(meter.Serial);
                return stored.Count == records.Length
                    && stored.Select(p => p.ImportEnd - p.ImportStart).Sum() == (periods[^1].ImportEndMicrowattHours / 1000) - (periods[0].ImportStartMicrowattHours / 1000);
            }).QuickCheckThrowOnFailure();
        }

        [TestMethod]
        public void Records_parse_exactly_whatever_their_register_values()
        {
            using var meter = new TestMeter(hmac: true);
            Arbitrary<(long Start, long Import, long Export)> registers = Gen.Choose(0, int.MaxValue)
                .SelectMany(a => Gen.Choose(0, 50_000_000), (a, b) => (a, b))
                .SelectMany(ab => Gen.Choose(0, 50_000_000), (ab, c) => ((long)ab.a * 997, (long)ab.b * 1000, (long)c * 1000))
                .ToArbitrary();

            Prop.ForAll(registers, r =>
            {
                var period = new HalfHourPeriod
                {
                    StartTicks = TestMeter.Day.Ticks,
                    ImportStartMicrowattHours = r.Start,
                    ImportEndMicrowattHours = r.Start + r.Import,
                    ExportStartMicrowattHours = r.Start / 3,
                    ExportEndMicrowattHours = (r.Start / 3) + r.Export,
                };
                OcmfEnvelope envelope = OcmfEnvelope.TryParse(meter.Record(period), out _)!;
                MeterRecord record = MeterRecord.TryParse(envelope.Payload, out string error)!;
                return record != null
                    && record.ImportStartMilliwattHours == r.Start / 1000
                    && record.ImportEndMilliwattHours == (r.Start + r.Import) / 1000
                    && record.ExportStartMilliwattHours == r.Start / 3 / 1000
                    && record.ExportEndMilliwattHours == ((r.Start / 3) + r.Export) / 1000
                    && record.PeriodIndex == UtcText.PeriodIndex(TestMeter.Day);
            }).QuickCheckThrowOnFailure();
        }
    }
}
