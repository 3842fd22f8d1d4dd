using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AssetMeter.Firmware.Journal;
using AssetMeter.Firmware.Records;
using AssetMeter.Hardware.Ade7953;
using AssetMeter.Metrology.Periods;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Protocol
{
    /// <summary>
    /// The signed records the meter application publishes (docs/records.md), checked as a collector or an auditor
    /// would: the signature with openssl, with the meter's own verifier and with .NET, over exactly the payload bytes
    /// sent; any single changed byte fails all three; the OCMF structure, pagination, register chain and flags.
    /// </summary>
    [TestClass]
    public class RecordVerificationTests
    {
        private const long Second = ProtocolMeter.Second;

        private static readonly string[] PeriodKeys = { "FV", "GI", "GS", "GV", "PG", "MV", "MM", "MS", "MF", "RD", "XK", "XF", "XI", "XE" };
        private static readonly string[] SnapshotKeys = { "FV", "GI", "GS", "GV", "PG", "MV", "MM", "MS", "MF", "IS", "IT", "RD", "XK", "XF", "XI", "XE" };
        private static readonly Regex OcmfTime = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2},\d{3}\+0000 [SU]$", RegexOptions.CultureInvariant);

        /// <summary>Four hours of a meter with an EV charger: periods, snapshots, a power cut, a clock command and a calibration.</summary>
        private static ProtocolMeter EventfulMeter(Signing signing)
        {
            var meter = new ProtocolMeter(signing);
            meter.Rig.Run(75 * ProtocolMeter.Minute);
            meter.Rig.Outage(7 * ProtocolMeter.Minute);
            meter.Rig.Boot();
            meter.Rig.Run(40 * ProtocolMeter.Minute);
            meter.Deliver(meter.Command("clock", ",\"utc\":\"" + meter.MeterUtc.AddSeconds(5).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) + "\""));
            meter.Rig.Run(35 * ProtocolMeter.Minute);
            var calibration = Ade7953Calibration.Nominal(1);
            meter.Deliver(meter.Command("calibrate", ",\"cal\":\"" + Convert.ToHexStringLower(calibration.ToBytes()) + "\""));
            meter.Rig.Run(100 * ProtocolMeter.Minute);
            Assert.IsTrue(meter.Replies().All(r => r.GetProperty("result").GetString() == "ok"), string.Join("\n", meter.Replies()));
            return meter;
        }

        /// <summary>Each period once (a period sent again after the power cut is the same record).</summary>
        private static List<OcmfRecord> DistinctPeriods(ProtocolMeter meter)
        {
            var byIndex = new SortedDictionary<long, OcmfRecord>();
            foreach (var record in meter.PeriodRecords())
            {
                if (byIndex.TryGetValue(record.PaginationNumber, out var earlier))
                {
                    CollectionAssert.AreEqual(earlier.Payload, record.Payload, "a period sent again must carry the same payload bytes");
                }
                else
                {
                    byIndex[record.PaginationNumber] = record;
                }
            }

            return byIndex.Values.ToList();
        }

        [TestMethod]
        public void Records_signed_by_the_emulated_secure_element_verify_with_openssl_our_verifier_and_dotnet()
        {
            using var meter = EventfulMeter(Signing.Atecc608);
            var key = meter.MeterPublicKey!;
            var periods = DistinctPeriods(meter);
            var snapshots = meter.Snapshots();
            Assert.IsTrue(periods.Count >= 8, $"{periods.Count} periods");
            Assert.IsTrue(snapshots.Count >= 10, $"{snapshots.Count} snapshots");

            using var openssl = new RecordVerifiers.Openssl(key);
            foreach (var record in periods.Concat(snapshots))
            {
                Assert.AreEqual("ECDSA-secp256r1-SHA256", record.Algorithm);
                Assert.AreEqual("hex", record.SignatureSection.GetProperty("SE").GetString());
                Assert.AreEqual("application/x-der", record.SignatureSection.GetProperty("SM").GetString());
                string what = ProtocolMeter.Ascii(record.Raw);
                Assert.IsTrue(RecordVerifiers.Own(key, record.Payload, record.Signature), "own verifier: " + what);
                Assert.IsTrue(RecordVerifiers.DotNet(key, record.Payload, record.Signature), ".NET: " + what);
                Assert.IsTrue(openssl.Verify(record.Payload, record.Signature), "openssl: " + what);
            }
        }

        [TestMethod]
        public void Any_changed_byte_of_payload_or_signature_fails_openssl_our_verifier_and_dotnet()
        {
            using var meter = new ProtocolMeter(Signing.Atecc608);
            meter.Rig.Run(95 * ProtocolMeter.Minute);
            var key = meter.MeterPublicKey!;
            var period = meter.PeriodRecords().Last();
            var snapshot = meter.Snapshots().Last();
            using var openssl = new RecordVerifiers.Openssl(key);
            var watch = Stopwatch.StartNew();
            int opensslRuns = 0;
            foreach (var record in new[] { period, snapshot })
            {
                // Every byte for our verifier and .NET; for openssl (a process per check) every signature byte and
                // a spread of payload bytes from the first to the last.
                var opensslPayloadPositions = RecordVerifiers.Positions(record.Payload.Length, all: false, spread: 40).ToHashSet();
                foreach (int i in RecordVerifiers.Positions(record.Payload.Length, all: true))
                {
                    byte[] changed = RecordVerifiers.Changed(record.Payload, i, text: true);
                    Assert.IsFalse(RecordVerifiers.Own(key, changed, record.Signature), $"own verifier accepted payload byte {i} changed");
                    Assert.IsFalse(RecordVerifiers.DotNet(key, changed, record.Signature), $".NET accepted payload byte {i} changed");
                    if (opensslPayloadPositions.Contains(i))
                    {
                        opensslRuns++;
                        Assert.IsFalse(openssl.Verify(changed, record.Signature), $"openssl accepted payload byte {i} changed");
                    }
                }

                foreach (int i in RecordVerifiers.Positions(record.Signature.Length, all: true))
                {
                    byte[] changed = RecordVerifiers.Changed(record.Signature, i, text: false);
                    Assert.IsFalse(RecordVerifiers.Own(key, record.Payload, changed), $"own verifier accepted signature byte {i} changed");
                    Assert.IsFalse(RecordVerifiers.DotNet(key, record.Payload, changed), $".NET accepted signature byte {i} changed");
                    opensslRuns++;
                    Assert.IsFalse(openssl.Verify(record.Payload, changed), $"openssl accepted signature byte {i} changed");
                }

                // And the untouched record still verifies with all three (the changes above were the only difference).
                Assert.IsTrue(openssl.Verify(record.Payload, record.Signature));
            }

            Console.WriteLine($"{opensslRuns} openssl checks of altered records in {watch.Elapsed.TotalSeconds:F1} s");
        }

        [TestMethod]
        public void Hmac_records_verify_with_dotnet_hmacsha256_and_fail_on_any_changed_byte()
        {
            using var meter = EventfulMeter(Signing.Hmac);
            var records = DistinctPeriods(meter).Concat(meter.Snapshots()).ToList();
            Assert.IsTrue(records.Count > 10);
            foreach (var record in records)
            {
                Assert.AreEqual("HMAC-SHA256", record.Algorithm);
                Assert.AreEqual("application/octet-stream", record.SignatureSection.GetProperty("SM").GetString());
                Assert.AreEqual(32, record.Signature.Length);
                Assert.IsTrue(RecordVerifiers.Hmac(meter.HmacKey!, record.Payload, record.Signature), ProtocolMeter.Ascii(record.Raw));
            }

            foreach (var record in new[] { records[0], records[^1] })
            {
                foreach (int i in RecordVerifiers.Positions(record.Payload.Length, all: true))
                {
                    Assert.IsFalse(RecordVerifiers.Hmac(meter.HmacKey!, RecordVerifiers.Changed(record.Payload, i, text: true), record.Signature), $"payload byte {i}");
                }

                foreach (int i in RecordVerifiers.Positions(record.Signature.Length, all: true))
                {
                    Assert.IsFalse(RecordVerifiers.Hmac(meter.HmacKey!, record.Payload, RecordVerifiers.Changed(record.Signature, i, text: false)), $"signature byte {i}");
                }
            }
        }

        [TestMethod]
        public void Period_records_have_the_documented_ocmf_structure_pagination_and_register_chain()
        {
            using var meter = EventfulMeter(Signing.Atecc608);
            var periods = DistinctPeriods(meter);
            Assert.IsTrue(periods.Count >= 8);
            OcmfRecord? previous = null;
            var flagsSeen = PeriodFlags.None;
            foreach (var record in periods)
            {
                CollectionAssert.AreEqual(PeriodKeys, record.Json.EnumerateObject().Select(p => p.Name).ToArray(), "payload fields and their order");
                Assert.AreEqual("1.3", record.Json.GetProperty("FV").GetString());
                Assert.AreEqual("AssetMeter CoP11 Type 5", record.Json.GetProperty("GI").GetString());
                Assert.AreEqual(ProtocolMeter.Serial, record.Json.GetProperty("GS").GetString());
                Assert.AreEqual(ProtocolMeter.Serial, record.Json.GetProperty("MS").GetString());
                Assert.AreEqual("AssetMeter", record.Json.GetProperty("MV").GetString());
                Assert.AreEqual("AM-T5-ADE7953", record.Json.GetProperty("MM").GetString());
                Assert.AreEqual("0.1.0", record.Json.GetProperty("MF").GetString());
                Assert.AreEqual("0.1.0", record.Json.GetProperty("GV").GetString());
                Assert.AreEqual("HH", record.Kind);
                Assert.AreEqual("AMSID-IMP-0001", record.Json.GetProperty("XI").GetString());
                Assert.AreEqual("AMSID-EXP-0001", record.Json.GetProperty("XE").GetString());
                StringAssert.StartsWith(record.Pagination, "F");
                Assert.IsFalse(record.Pagination.StartsWith("F0", StringComparison.Ordinal), "no leading zeros");

                // PG is the period index: the UTC start divided by 30 minutes, counted from 0001-01-01T00:00Z.
                long index = record.PaginationNumber;
                var start = new DateTime(index * UtcPeriods.TicksPerPeriod, DateTimeKind.Utc);
                Assert.AreEqual(4, record.ReadingCount);
                AssertReading(record.Reading(0), start, "01-00:01.08.00*FF", first: true);
                AssertReading(record.Reading(1), start.AddMinutes(30), null, first: false);
                AssertReading(record.Reading(2), start, "01-00:02.08.00*FF", first: false);
                AssertReading(record.Reading(3), start.AddMinutes(30), null, first: false);

                // Registers as journaled, truncated to the mWh.
                Assert.AreEqual(PeriodReadStatus.Ok, meter.Rig.Journal.TryReadPeriod(index, out var journaled));
                Assert.AreEqual(journaled.ImportStartMicrowattHours / 1000, record.MilliwattHours(0));
                Assert.AreEqual(journaled.ImportEndMicrowattHours / 1000, record.MilliwattHours(1));
                Assert.AreEqual(journaled.ExportStartMicrowattHours / 1000, record.MilliwattHours(2));
                Assert.AreEqual(journaled.ExportEndMicrowattHours / 1000, record.MilliwattHours(3));
                Assert.AreEqual((int)journaled.Flags, record.Flags);
                AssertFlagsMapping((PeriodFlags)record.Flags, record);
                flagsSeen |= (PeriodFlags)record.Flags;

                if (previous != null)
                {
                    Assert.AreEqual(previous.PaginationNumber + 1, record.PaginationNumber, "F pagination goes up by one per record");
                    Assert.AreEqual(previous.MilliwattHours(1), record.MilliwattHours(0), $"import chain {previous.Pagination} -> {record.Pagination}");
                    Assert.AreEqual(previous.MilliwattHours(3), record.MilliwattHours(2), $"export chain {previous.Pagination} -> {record.Pagination}");
                }

                Assert.IsTrue(record.MilliwattHours(1) >= record.MilliwattHours(0) && record.MilliwattHours(3) >= record.MilliwattHours(2));
                previous = record;
            }

            // The run produced the flags it was built to produce, each seen through the record.
            foreach (var flag in new[] { PeriodFlags.ClockUnsynchronised, PeriodFlags.Partial, PeriodFlags.PowerLost, PeriodFlags.ClockAdjusted, PeriodFlags.CalibrationChanged })
            {
                Assert.IsTrue((flagsSeen & flag) != 0, $"no record carried {flag}");
            }

            Assert.IsTrue(periods.Any(p => p.Flags == 0), "some periods are clean");
            Assert.IsTrue(periods.Sum(p => p.MilliwattHours(1) - p.MilliwattHours(0)) > 10_000_000, "the charger's energy is in the records");
        }

        [TestMethod]
        public void Snapshots_have_the_documented_ocmf_structure_and_increasing_t_pagination_across_restarts()
        {
            using var meter = EventfulMeter(Signing.Atecc608);
            var snapshots = meter.Snapshots();
            long previous = 0;
            foreach (var record in snapshots)
            {
                CollectionAssert.AreEqual(SnapshotKeys, record.Json.EnumerateObject().Select(p => p.Name).ToArray(), "payload fields and their order");
                Assert.AreEqual("SN", record.Kind);
                Assert.IsFalse(record.Json.GetProperty("IS").GetBoolean());
                Assert.AreEqual("NONE", record.Json.GetProperty("IT").GetString());
                StringAssert.StartsWith(record.Pagination, "T");
                Assert.AreEqual(2, record.ReadingCount);
                string tm = record.Reading(0).GetProperty("TM").GetString()!;
                Assert.AreEqual(tm, record.Reading(1).GetProperty("TM").GetString());
                Assert.AreEqual("01-00:01.08.00*FF", record.Reading(0).GetProperty("RI").GetString());
                Assert.AreEqual("01-00:02.08.00*FF", record.Reading(1).GetProperty("RI").GetString());
                AssertFlagsMapping((PeriodFlags)record.Flags, record, snapshot: true);

                // T is the snapshot's Unix time in seconds, or just above the last number used.
                var time = DateTime.ParseExact(tm[..23], "yyyy-MM-ddTHH:mm:ss,fff", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
                long unix = new DateTimeOffset(time).ToUnixTimeSeconds();
                Assert.IsTrue(record.PaginationNumber == unix || record.PaginationNumber == previous + 1, $"T{record.PaginationNumber} at {tm}");
                Assert.IsTrue(record.PaginationNumber > previous, "T pagination increases, across the restart too");
                previous = record.PaginationNumber;
            }

            Assert.IsTrue(snapshots.Count >= 10);
            Assert.AreEqual(ProtocolMeter.Ascii(snapshots[^1].Raw), meter.Transport.RetainedText(meter.Topics.Snapshot), "the last snapshot is the retained one");
        }

        [TestMethod]
        public void Snapshot_pagination_never_repeats_after_a_restart_even_when_the_clock_went_back()
        {
            using var meter = new ProtocolMeter(Signing.Hmac);
            meter.Rig.Run(20 * ProtocolMeter.Minute);
            meter.Deliver(meter.Command("read"));
            long before = meter.Snapshots().Last().PaginationNumber;

            // The collector sets the clock back ten minutes, the meter restarts at once (its checkpoint holds the
            // number used), and is asked for a snapshot again.
            meter.Deliver(meter.Command("clock", ",\"utc\":\"" + meter.MeterUtc.AddMinutes(-10).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) + "\""));
            meter.Rig.Step();
            meter.Rig.Boot();
            meter.Rig.Run(5 * Second);
            int from = meter.Transport.Published.Count;
            meter.Deliver(meter.Command("read"));
            var after = meter.Snapshots(from);
            Assert.IsTrue(after.Count >= 1);
            Assert.IsTrue(after.All(s => s.PaginationNumber > before), $"T{before} then T{after[0].PaginationNumber}");
        }

        [TestMethod]
        public void Every_flag_combination_maps_to_time_status_error_flags_and_meter_status_as_documented()
        {
            var signer = new HmacRecordSigner(new byte[32]);
            var builder = new OcmfRecordBuilder(new MeterIdentity("am-1", "AM-T5-ADE7953", "0.1.0", "A1", null), signer);
            long start = new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc).Ticks;
            for (int bits = 0; bits < 128; bits++)
            {
                var period = new HalfHourPeriod
                {
                    StartTicks = start,
                    ImportStartMicrowattHours = 12_345_678_901,
                    ImportEndMicrowattHours = 13_587_101_999,
                    ExportStartMicrowattHours = 999,
                    ExportEndMicrowattHours = 1_000,
                    Flags = (PeriodFlags)bits,
                };
                Assert.IsTrue(builder.BuildPeriod(period));
                var record = OcmfRecord.Parse(builder.Record.AsSpan(0, builder.RecordLength).ToArray());
                Assert.AreEqual(bits, record.Flags);
                AssertFlagsMapping((PeriodFlags)bits, record);
                Assert.AreEqual("12345.678", record.Reading(0).GetProperty("RV").GetRawText(), "truncated to the mWh");
                Assert.AreEqual("13587.101", record.Reading(1).GetProperty("RV").GetRawText());
                Assert.AreEqual("0.000", record.Reading(2).GetProperty("RV").GetRawText());
                Assert.AreEqual("0.001", record.Reading(3).GetProperty("RV").GetRawText());
                Assert.IsFalse(record.Json.TryGetProperty("XE", out _), "no XE without an export AMSID");
            }
        }

        // docs/records.md, "Flags": U when unsynchronised; EF E for power lost or IC fault, t for unsynchronised or
        // adjusted; ST F for an IC fault. A snapshot's time status is the clock's at the snapshot instead.
        private static void AssertFlagsMapping(PeriodFlags flags, OcmfRecord record, bool snapshot = false)
        {
            var first = record.Reading(0);
            string expectedErrors = ((flags & (PeriodFlags.PowerLost | PeriodFlags.IcFault)) != 0 ? "E" : string.Empty)
                + ((flags & (PeriodFlags.ClockUnsynchronised | PeriodFlags.ClockAdjusted)) != 0 ? "t" : string.Empty);
            Assert.AreEqual(expectedErrors, first.GetProperty("EF").GetString(), $"EF for {flags}");
            Assert.AreEqual((flags & PeriodFlags.IcFault) != 0 ? "F" : "G", first.GetProperty("ST").GetString(), $"ST for {flags}");
            if (!snapshot)
            {
                char status = (flags & PeriodFlags.ClockUnsynchronised) != 0 ? 'U' : 'S';
                for (int i = 0; i < record.ReadingCount; i++)
                {
                    Assert.AreEqual(status, record.Reading(i).GetProperty("TM").GetString()![^1], $"time status for {flags}");
                }
            }
        }

        private static void AssertReading(JsonElement reading, DateTime time, string? obis, bool first)
        {
            string tm = reading.GetProperty("TM").GetString()!;
            Assert.IsTrue(OcmfTime.IsMatch(tm), tm);
            Assert.AreEqual(time.ToString("yyyy-MM-ddTHH:mm:ss,fff", CultureInfo.InvariantCulture) + "+0000", tm[..28]);
            var names = reading.EnumerateObject().Select(p => p.Name).ToArray();
            string[] expected = first ? new[] { "TM", "RV", "RI", "RU", "RT", "EF", "ST" } : obis != null ? new[] { "TM", "RV", "RI" } : new[] { "TM", "RV" };
            CollectionAssert.AreEqual(expected, names, "fields equal to the previous reading's are left out");
            if (obis != null)
            {
                Assert.AreEqual(obis, reading.GetProperty("RI").GetString());
            }

            if (first)
            {
                Assert.AreEqual("Wh", reading.GetProperty("RU").GetString());
                Assert.AreEqual("AC", reading.GetProperty("RT").GetString());
            }
        }
    }
}
