using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using AssetMeter.Firmware.Commands;
using AssetMeter.Firmware.Events;
using AssetMeter.Firmware.Journal;
using AssetMeter.Hardware.Ade7953;
using AssetMeter.Hardware.Atm90e32;
using AssetMeter.Metrology.Periods;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Protocol
{
    /// <summary>
    /// Collector commands through the whole meter application (docs/protocol.md, "Commands"): every refusal is
    /// replied with its documented reason, logged as a command-refused event naming the command's counter, and
    /// changes nothing else; every operation, when accepted, does what it says.
    /// </summary>
    [TestClass]
    public class CommandTests
    {
        private const long Minute = ProtocolMeter.Minute;

        /// <summary>What a refused command must leave exactly as it was.</summary>
        private sealed record MeterState(
            Dictionary<string, byte[]> Files, long Import, long Export, long Utc, long Counter, long Acknowledged, int CalibrationVersion, long NextPeriod, int PublishedPeriods)
        {
            public static MeterState Of(ProtocolMeter meter) => new(
                meter.JournalFilesExceptEvents(),
                meter.Meter.Loop.ImportMicrowattHours,
                meter.Meter.Loop.ExportMicrowattHours,
                meter.Meter.Loop.UtcNow(),
                meter.Meter.Loop.State.LastCommandCounter,
                meter.Meter.Loop.State.AcknowledgedPeriodIndex,
                meter.Meter.Loop.Ic.Calibration.Version,
                meter.Meter.NextPeriodToSend,
                meter.Transport.On(meter.Topics.Period).Count);

            public void AssertSame(MeterState after, string what)
            {
                CollectionAssert.AreEquivalent(Files.Keys.ToList(), after.Files.Keys.ToList(), what + ": journal files");
                foreach (var (name, bytes) in Files)
                {
                    CollectionAssert.AreEqual(bytes, after.Files[name], $"{what}: journal file {name} changed");
                }

                Assert.AreEqual(this with { Files = after.Files }, after, what);
            }
        }

        /// <summary>A meter two hours into a day, with periods journaled and one command (counter 100) accepted.</summary>
        private static ProtocolMeter Meter()
        {
            var meter = new ProtocolMeter();
            meter.Rig.Run(2 * 60 * Minute);
            meter.Deliver(meter.Command("read", counter: 100));
            Assert.AreEqual(100, meter.Meter.Loop.State.LastCommandCounter);
            Settle(meter);
            return meter;
        }

        // Ticks without time passing until nothing is left due (checkpoints, snapshots, events), so that what a
        // command changes is all that can change.
        private static void Settle(ProtocolMeter meter)
        {
            for (int i = 0; i < 3; i++)
            {
                meter.Meter.Tick();
            }
        }

        private static void AssertRefused(ProtocolMeter meter, byte[] message, CommandRefusal reason, long counter, string op)
        {
            string what = $"{reason} ({Encoding.ASCII.GetString(message, 0, Math.Min(message.Length, 120))})";
            Settle(meter);
            var before = MeterState.Of(meter);
            int published = meter.Transport.Published.Count;
            int events = meter.Events.Count;

            meter.Deliver(message);

            var replies = meter.Replies(published);
            Assert.AreEqual(1, replies.Count, what + ": one reply");
            var reply = replies[0];
            Assert.AreEqual(counter, reply.GetProperty("n").GetInt64(), what + ": reply counter");
            Assert.AreEqual(op, reply.GetProperty("op").GetString(), what + ": reply op");
            Assert.AreEqual("refused", reply.GetProperty("result").GetString(), what);
            Assert.AreEqual(RefusalNames.Of(reason), reply.GetProperty("reason").GetString(), what);
            Assert.AreEqual(JsonValueKind.String, reply.GetProperty("utc").ValueKind);

            var logged = meter.Events.Skip(events).ToList();
            Assert.AreEqual(1, logged.Count, what + ": one event");
            Assert.AreEqual(EventCode.CommandRefused, logged[0].Code, what);
            Assert.AreEqual((long)reason, logged[0].Value1, what + ": event reason");
            Assert.AreEqual(counter, logged[0].Value2, what + ": event counter");
            Assert.IsTrue(meter.Transport.Published.Skip(published).Any(m => m.Topic == meter.Topics.Event && m.Text.Contains("\"name\":\"command-refused\"", StringComparison.Ordinal)), what + ": event published");

            before.AssertSame(MeterState.Of(meter), what);
            Assert.IsFalse(meter.Transport.Published.Skip(published).Any(m => m.Topic == meter.Topics.Snapshot), what + ": no snapshot");
        }

        private static string Utc(DateTime time) => time.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

        private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

        [TestMethod]
        public void A_replayed_command_is_refused_and_changes_nothing()
        {
            using var meter = Meter();
            var read = meter.Command("read", counter: 150);
            meter.Deliver(read);
            Assert.AreEqual(150, meter.Meter.Loop.State.LastCommandCounter);
            AssertRefused(meter, read, CommandRefusal.Replayed, 150, "read");

            // A fresh message with an old counter is stale all the same, and so is the counter accepted last.
            AssertRefused(meter, meter.Command("ack", ",\"to\":1", counter: 120), CommandRefusal.Replayed, 120, "ack");
            AssertRefused(meter, meter.Command("read", counter: 150), CommandRefusal.Replayed, 150, "read");
        }

        [TestMethod]
        public void Replay_protection_survives_a_restart()
        {
            using var meter = Meter();
            var read = meter.Command("read", counter: 180);
            meter.Deliver(read);
            meter.Rig.Step();
            meter.Rig.Boot();
            meter.Rig.Run(10 * ProtocolMeter.Second);
            Assert.AreEqual(180, meter.Meter.Loop.State.LastCommandCounter);
            AssertRefused(meter, read, CommandRefusal.Replayed, 180, "read");
        }

        [TestMethod]
        public void Forged_commands_are_refused_as_bad_signature_and_change_nothing()
        {
            using var meter = Meter();
            using var stranger = new CollectorKey();
            string payload = CollectorKey.Payload(ProtocolMeter.Serial, 200, meter.MeterUtc.AddMinutes(5), "ack", ",\"to\":" + meter.Rig.Journal.LastPeriodIndex);
            AssertRefused(meter, stranger.Sign(payload), CommandRefusal.BadSignature, 200, "ack");

            // A genuine command with one bit flipped: in the payload (a digit of the counter, so it stays well
            // formed), or in the signature (the last hex digit: still strict DER, a different s).
            byte[] genuine = meter.Collector.Sign(payload);
            byte[] payloadFlip = (byte[])genuine.Clone();
            int counterAt = Encoding.ASCII.GetString(genuine).IndexOf("\"n\":200", StringComparison.Ordinal) + 6;
            payloadFlip[counterAt] ^= 0x01;
            AssertRefused(meter, payloadFlip, CommandRefusal.BadSignature, 201, "ack");
            byte[] signatureFlip = (byte[])genuine.Clone();
            signatureFlip[^1] = (byte)(signatureFlip[^1] == (byte)'0' ? '1' : '0');
            AssertRefused(meter, signatureFlip, CommandRefusal.BadSignature, 200, "ack");

            // The genuine one is still fresh: nothing above used its counter.
            meter.Deliver(genuine);
            Assert.AreEqual("ok", meter.Replies().Last().GetProperty("result").GetString());
        }

        [TestMethod]
        public void Expired_commands_are_refused_beyond_the_skew_and_accepted_within_it()
        {
            using var meter = Meter();
            var now = meter.MeterUtc;
            AssertRefused(meter, meter.Collector.Sign(CollectorKey.Payload(ProtocolMeter.Serial, 300, now.AddMinutes(-16), "read")), CommandRefusal.Expired, 300, "read");
            AssertRefused(meter, meter.Collector.Sign(CollectorKey.Payload(ProtocolMeter.Serial, 301, now.AddDays(-3), "read")), CommandRefusal.Expired, 301, "read");

            // Fourteen minutes late is within the fifteen-minute skew.
            meter.Deliver(meter.Collector.Sign(CollectorKey.Payload(ProtocolMeter.Serial, 302, now.AddMinutes(-14), "read")));
            Assert.AreEqual("ok", meter.Replies().Last().GetProperty("result").GetString());

            // Claiming more than a day of validity (plus skew) is refused after the signature is checked.
            AssertRefused(meter, meter.Collector.Sign(CollectorKey.Payload(ProtocolMeter.Serial, 303, now.AddHours(25), "read")), CommandRefusal.BadArgument, 303, "read");
        }

        [TestMethod]
        public void A_command_for_another_meter_is_refused()
        {
            using var meter = Meter();
            AssertRefused(meter, meter.Collector.Sign(CollectorKey.Payload("am-proto-2", 400, meter.MeterUtc.AddMinutes(5), "read")), CommandRefusal.WrongMeter, 400, "read");
            AssertRefused(meter, meter.Collector.Sign(CollectorKey.Payload("AM-PROTO-1", 401, meter.MeterUtc.AddMinutes(5), "read")), CommandRefusal.WrongMeter, 401, "read");
        }

        [TestMethod]
        public void Malformed_commands_are_refused_with_the_counter_they_name_or_zero()
        {
            using var meter = Meter();
            var ex = Utc(meter.MeterUtc.AddMinutes(5));
            byte[] good = meter.Command("read", counter: 500);
            string text = Encoding.ASCII.GetString(good);
            string signature = text[(text.LastIndexOf('|') + 1)..];

            // The counter 100 was accepted last: a refusal must not name it (it once could, from a stale field).
            AssertRefused(meter, Ascii("AMC1|{\"v\":1,|" + signature), CommandRefusal.Malformed, 0, "none");
            AssertRefused(meter, Ascii("hello"), CommandRefusal.Malformed, 0, "none");
            AssertRefused(meter, Array.Empty<byte>(), CommandRefusal.Malformed, 0, "none");
            AssertRefused(meter, Ascii("AMC2" + text[4..]), CommandRefusal.Malformed, 0, "none");

            // Truncated: anywhere in the payload (no signature separator left), or in the signature.
            AssertRefused(meter, good[..40], CommandRefusal.Malformed, 0, "none");
            AssertRefused(meter, good[..^1], CommandRefusal.Malformed, 500, "read");
            AssertRefused(meter, good[..^2], CommandRefusal.Malformed, 500, "read");
            AssertRefused(meter, good[..(text.LastIndexOf('|') + 1)], CommandRefusal.Malformed, 500, "read");

            // Oversized: one byte over the limit, and far over it.
            var oversized = new byte[CommandAuthenticator.MaximumLength + 1];
            good.CopyTo(oversized, 0);
            AssertRefused(meter, oversized, CommandRefusal.Malformed, 0, "none");
            AssertRefused(meter, new byte[100_000], CommandRefusal.Malformed, 0, "none");

            // Bad hex and bad DER in the signature.
            AssertRefused(meter, Ascii(text[..^2] + "zz"), CommandRefusal.Malformed, 500, "read");
            AssertRefused(meter, Ascii(text[..(text.LastIndexOf('|') + 1)] + new string('0', 140)), CommandRefusal.Malformed, 500, "read");
            AssertRefused(meter, Ascii(text[..(text.LastIndexOf('|') + 1)] + "3006020101020101ff"), CommandRefusal.Malformed, 500, "read");
            AssertRefused(meter, Ascii(text[..(text.LastIndexOf('|') + 1)] + (signature[..2] + (signature[2..4] == "44" ? "45" : "44") + signature[4..])), CommandRefusal.Malformed, 500, "read");

            // JSON the strict reader refuses: nesting, floats, negatives, leading zeros, duplicate keys, unicode,
            // escapes other than \" and \\, trailing bytes, a wrong version, a missing field.
            // The counter and operation of a refusal are those of the payload when it parsed as a flat object, else 0 and none.
            string head = "{\"v\":1,\"ms\":\"am-proto-1\",";
            string tail = ",\"ex\":\"" + ex + "\",\"op\":\"read\"}";
            foreach (var (payload, counter, op) in new[]
            {
                (head + "\"n\":501" + tail[..^1] + ",\"x\":{\"y\":1}}", 0L, "none"),
                (head + "\"n\":501.5" + tail, 0L, "none"),
                (head + "\"n\":-501" + tail, 0L, "none"),
                (head + "\"n\":0501" + tail, 0L, "none"),
                (head + "\"n\":501,\"n\":502" + tail, 0L, "none"),
                (head + "\"n\":501,\"u\":\"\u00f6\"" + tail, 0L, "none"),
                (head + "\"n\":501,\"u\":\"\\u0031\"" + tail, 0L, "none"),
                (head + "\"n\":501" + tail + "x", 0L, "none"),
                ("[" + head + "\"n\":501" + tail + "]", 0L, "none"),
                (head + "\"n\":501" + tail[..^1], 0L, "none"),
                (head + "\"n\":9999999999999999999" + tail, 0L, "none"),
                (head + "\"n\":501,\"n2\":true,\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,\"f\":1,\"g\":1" + tail, 0L, "none"),
                (head.Replace("\"v\":1", "\"v\":2", StringComparison.Ordinal) + "\"n\":501" + tail, 501L, "read"),
                (head + "\"m\":501" + tail, 0L, "read"),
                (head + "\"n\":\"501\"" + tail, 0L, "read"),
                (head + "\"n\":501,\"ex\":\"tomorrow\",\"op\":\"read\"}", 501L, "read"),
                (head + "\"n\":501,\"ex\":\"" + ex + "\",\"op\":7}", 501L, "none"),
            })
            {
                AssertRefused(meter, meter.Collector.Sign(payload), CommandRefusal.Malformed, counter, op);
            }
        }

        [TestMethod]
        public void Authentic_commands_with_unknown_operations_or_bad_arguments_are_refused_and_keep_their_counter_fresh()
        {
            using var meter = Meter();
            long last = meter.Rig.Journal.LastPeriodIndex;
            var now = meter.MeterUtc;
            AssertRefused(meter, meter.Command("reboot", counter: 600), CommandRefusal.UnknownOperation, 600, "none");
            AssertRefused(meter, meter.Command("read", ",\"extra\":1", counter: 600), CommandRefusal.BadArgument, 600, "read");
            AssertRefused(meter, meter.Command("resend", ",\"from\":5,\"to\":4", counter: 600), CommandRefusal.BadArgument, 600, "resend");
            AssertRefused(meter, meter.Command("resend", ",\"from\":5", counter: 600), CommandRefusal.BadArgument, 600, "resend");
            AssertRefused(meter, meter.Command("resend", ",\"from\":1,\"to\":20001", counter: 600), CommandRefusal.BadArgument, 600, "resend");
            AssertRefused(meter, meter.Command("ack", ",\"to\":" + (last + 1), counter: 600), CommandRefusal.BadArgument, 600, "ack");
            AssertRefused(meter, meter.Command("ack", ",\"to\":\"1\"", counter: 600), CommandRefusal.BadArgument, 600, "ack");
            AssertRefused(meter, meter.Command("clock", ",\"utc\":\"" + Utc(now.AddDays(32)) + "\"", counter: 600), CommandRefusal.BadArgument, 600, "clock");
            AssertRefused(meter, meter.Command("clock", ",\"utc\":\"" + Utc(now.AddDays(-32)) + "\"", counter: 600), CommandRefusal.BadArgument, 600, "clock");
            AssertRefused(meter, meter.Command("clock", ",\"utc\":\"2026-13-01T00:00:00Z\"", counter: 600), CommandRefusal.BadArgument, 600, "clock");
            AssertRefused(meter, meter.Command("calibrate", ",\"cal\":\"zz\"", counter: 600), CommandRefusal.BadArgument, 600, "calibrate");
            AssertRefused(meter, meter.Command("calibrate", ",\"cal\":\"" + Convert.ToHexStringLower(Ade7953Calibration.Nominal(0).ToBytes()) + "\"", counter: 600), CommandRefusal.BadArgument, 600, "calibrate");
            AssertRefused(meter, meter.Command("calibrate", ",\"cal\":\"" + Convert.ToHexStringLower(Atm90e32Calibration.Nominal().NextVersion().ToBytes()) + "\"", counter: 600), CommandRefusal.BadArgument, 600, "calibrate");
            byte[] damaged = Ade7953Calibration.Nominal(2).ToBytes();
            damaged[^1] ^= 1;
            AssertRefused(meter, meter.Command("calibrate", ",\"cal\":\"" + Convert.ToHexStringLower(damaged) + "\"", counter: 600), CommandRefusal.BadArgument, 600, "calibrate");

            // None of those used up counter 600.
            meter.Deliver(meter.Command("read", counter: 600));
            Assert.AreEqual("ok", meter.Replies().Last().GetProperty("result").GetString());
        }

        [TestMethod]
        public void Read_publishes_a_signed_snapshot_and_replies_ok()
        {
            using var meter = Meter();
            int from = meter.Transport.Published.Count;
            int events = meter.Events.Count;
            meter.Deliver(meter.Command("read", counter: 700));
            var snapshots = meter.Snapshots(from);
            Assert.AreEqual(1, snapshots.Count);
            Assert.IsTrue(meter.Transport.On(meter.Topics.Snapshot).Last().Retain);
            Assert.IsTrue(RecordVerifiers.Own(meter.MeterPublicKey!, snapshots[0].Payload, snapshots[0].Signature));
            Assert.AreEqual(meter.Meter.Loop.ImportMicrowattHours / 1000, snapshots[0].MilliwattHours(0));
            var reply = meter.Replies(from).Single();
            Assert.AreEqual("{\"n\":700,\"op\":\"read\",\"result\":\"ok\",\"reason\":\"ok\",\"utc\":", reply.GetRawText()[..55]);
            var accepted = meter.Events.Skip(events).Single(e => e.Code == EventCode.CommandAccepted);
            Assert.AreEqual((long)CommandKind.Read, accepted.Value1);
            Assert.AreEqual(700, accepted.Value2);
            Assert.AreEqual(700, meter.Meter.Loop.State.LastCommandCounter);
        }

        [TestMethod]
        public void Resend_sends_the_range_again_in_order_even_when_acknowledged()
        {
            using var meter = Meter();
            long last = meter.Rig.Journal.LastPeriodIndex;
            long first = meter.Rig.Journal.FirstPeriodIndex;
            meter.Deliver(meter.Command("ack", ",\"to\":" + last));
            var originals = meter.PeriodRecords().GroupBy(r => r.PaginationNumber).ToDictionary(g => g.Key, g => g.First());

            int from = meter.Transport.Published.Count;
            meter.Deliver(meter.Command("resend", ",\"from\":" + (first + 1) + ",\"to\":" + (last - 1)));
            meter.Rig.Run(5 * ProtocolMeter.Second);
            var resent = meter.PeriodRecords(from);
            CollectionAssert.AreEqual(Enumerable.Range(0, (int)(last - first - 1)).Select(i => first + 1 + i).ToList(), resent.Select(r => r.PaginationNumber).ToList());
            foreach (var record in resent)
            {
                CollectionAssert.AreEqual(originals[record.PaginationNumber].Payload, record.Payload, "the same record again");
                Assert.IsTrue(RecordVerifiers.Own(meter.MeterPublicKey!, record.Payload, record.Signature));
            }

            // A range reaching before the journal or past its end is sent as far as the journal holds it.
            from = meter.Transport.Published.Count;
            meter.Deliver(meter.Command("resend", ",\"from\":" + (first - 1000) + ",\"to\":" + (last + 1000)));
            meter.Rig.Run(5 * ProtocolMeter.Second);
            CollectionAssert.AreEqual(Enumerable.Range(0, (int)(last - first + 1)).Select(i => first + i).ToList(), meter.PeriodRecords(from).Select(r => r.PaginationNumber).ToList());
        }

        [TestMethod]
        public void Clock_is_applied_logged_and_flags_the_period_clock_adjusted()
        {
            using var meter = Meter();
            var before = meter.MeterUtc;
            var target = before.AddSeconds(90);
            int events = meter.Events.Count;
            meter.Deliver(meter.Command("clock", ",\"utc\":\"" + target.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) + "\""));
            Assert.AreEqual("ok", meter.Replies().Last().GetProperty("result").GetString());
            Assert.IsTrue(Math.Abs((meter.MeterUtc - target).TotalMilliseconds) < 1, $"{meter.MeterUtc:O} vs {target:O}");
            var set = meter.Events.Skip(events).Single(e => e.Code == EventCode.ClockSetByCollector);
            Assert.IsTrue(Math.Abs(set.Value1 - before.Ticks) < 10_000 && set.Value2 == target.Ticks, $"{set.Value1} {set.Value2}");
            Assert.IsTrue((meter.Meter.Loop.Ledger.OpenPeriod.Flags & PeriodFlags.ClockAdjusted) != 0);

            long open = meter.Meter.Loop.Ledger.OpenPeriod.StartTicks / UtcPeriods.TicksPerPeriod;
            meter.Rig.Run(31 * Minute);
            var record = meter.PeriodRecords().Last(r => r.PaginationNumber == open);
            Assert.IsTrue((record.Flags & (int)PeriodFlags.ClockAdjusted) != 0);
            StringAssert.Contains(record.Reading(0).GetProperty("EF").GetString(), "t");
        }

        [TestMethod]
        public void Calibrate_is_applied_logged_kept_across_a_restart_and_flags_the_period()
        {
            using var meter = Meter();
            var calibration = Ade7953Calibration.Nominal(3);
            int events = meter.Events.Count;
            meter.Deliver(meter.Command("calibrate", ",\"cal\":\"" + Convert.ToHexStringLower(calibration.ToBytes()) + "\""));
            Assert.AreEqual("ok", meter.Replies().Last().GetProperty("result").GetString(), meter.Replies().Last().GetRawText());
            Assert.AreEqual(3, meter.Meter.Loop.Ic.Calibration.Version);
            Assert.AreEqual(3, meter.Meter.Loop.State.CalibrationVersion);
            var changed = meter.Events.Skip(events).Single(e => e.Code == EventCode.CalibrationChanged);
            Assert.AreEqual(3, changed.Value1);
            Assert.AreEqual(0, changed.Value2);
            Assert.IsTrue((meter.Meter.Loop.Ledger.OpenPeriod.Flags & PeriodFlags.CalibrationChanged) != 0);

            long open = meter.Meter.Loop.Ledger.OpenPeriod.StartTicks / UtcPeriods.TicksPerPeriod;
            meter.Rig.Run(31 * Minute);
            Assert.IsTrue((meter.PeriodRecords().Last(r => r.PaginationNumber == open).Flags & (int)PeriodFlags.CalibrationChanged) != 0);
            meter.Rig.Boot();
            meter.Rig.Run(5 * ProtocolMeter.Second);
            Assert.AreEqual(3, meter.Meter.Loop.Ic.Calibration.Version, "the calibration is kept on flash and reapplied");
            Assert.IsTrue(meter.Transport.RetainedText(meter.Topics.Status)!.Contains("\"calibration\":3", StringComparison.Ordinal));
        }

        [TestMethod]
        public void Ack_advances_what_the_journal_may_drop_and_survives_a_restart()
        {
            // A journal of two five-day segments: after ten days it must drop the oldest.
            using var acked = new ProtocolMeter(journalSegments: 2);
            using var unacked = new ProtocolMeter(journalSegments: 2);
            for (int day = 0; day < 11; day++)
            {
                acked.Rig.Run(24 * 60 * Minute);
                unacked.Rig.Run(24 * 60 * Minute);
                acked.Deliver(acked.Command("ack", ",\"to\":" + acked.Rig.Journal.LastPeriodIndex));
                Assert.AreEqual("ok", acked.Replies().Last().GetProperty("result").GetString());
                Assert.AreEqual(acked.Rig.Journal.LastPeriodIndex, acked.Meter.Loop.State.AcknowledgedPeriodIndex);
                Assert.AreEqual(acked.Rig.Journal.LastPeriodIndex, acked.Rig.Journal.AcknowledgedPeriodIndex);
            }

            Assert.IsFalse(acked.Events.Any(e => e.Code == EventCode.PeriodsDropped), "acknowledged periods are dropped silently");
            Assert.IsTrue(unacked.Events.Any(e => e.Code == EventCode.PeriodsDropped), "unacknowledged periods dropped are logged");
            Assert.IsTrue(unacked.PeriodRecords().Any(r => (r.Flags & (int)PeriodFlags.StorageAlarm) != 0));
            Assert.IsFalse(acked.PeriodRecords().Any(r => (r.Flags & (int)PeriodFlags.StorageAlarm) != 0));
            StringAssert.Contains(acked.Transport.RetainedText(acked.Topics.Status), "\"acknowledged\":" + acked.Rig.Journal.LastPeriodIndex);

            long acknowledged = acked.Meter.Loop.State.AcknowledgedPeriodIndex;
            acked.Rig.Step();
            acked.Rig.Boot();
            Assert.AreEqual(acknowledged, acked.Meter.Loop.State.AcknowledgedPeriodIndex, "kept in the checkpoint");
            Assert.AreEqual(acknowledged + 1, acked.Meter.NextPeriodToSend);
        }
    }
}
