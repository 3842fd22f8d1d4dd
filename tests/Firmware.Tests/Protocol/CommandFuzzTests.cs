using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Text.Json;
using AssetMeter.Firmware.Commands;
using AssetMeter.Firmware.Events;
using AssetMeter.Firmware.Journal;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Protocol
{
    /// <summary>
    /// A hundred thousand random and mutated command messages thrown at a running meter: nothing escapes as an
    /// exception, nothing is accepted that is not validly signed, and the meter ends exactly where a twin that
    /// received nothing ends (journal, registers, clock, counters), apart from refusal events, which are logged at
    /// most sixty a minute.
    /// </summary>
    [TestClass]
    public class CommandFuzzTests
    {
        private const int Messages = 100_000;
        private const long FreshFrom = 1_000_000;

        [TestMethod]
        public void A_hundred_thousand_mutated_commands_are_refused_and_change_nothing_but_the_refusal_log()
        {
            var watch = Stopwatch.StartNew();
            using var collector = new CollectorKey();
            using var stranger = new CollectorKey();
            using var fuzzed = new ProtocolMeter(Signing.Hmac, collector: collector);
            using var twin = new ProtocolMeter(Signing.Hmac, collector: collector);
            fuzzed.Transport.Keep = false;
            twin.Transport.Keep = false;
            foreach (var meter in new[] { fuzzed, twin })
            {
                meter.Rig.Run(30 * ProtocolMeter.Minute);
            }

            // Both accept the same command, so commands with counters up to FreshFrom are stale for both.
            var setup = collector.Sign(CollectorKey.Payload(ProtocolMeter.Serial, FreshFrom, fuzzed.MeterUtc.AddMinutes(5), "read"));
            fuzzed.Deliver(setup);
            twin.Deliver(setup);
            Assert.AreEqual(FreshFrom, fuzzed.Meter.Loop.State.LastCommandCounter);

            var bases = BaseMessages(collector, stranger, fuzzed.MeterUtc.AddHours(20), fuzzed.Rig.Journal.LastPeriodIndex);
            var basePayloads = bases.Select(Payload).ToList();
            long replies = 0;
            long accepted = 0;
            fuzzed.Transport.Observer = (topic, payload) =>
            {
                if (topic == fuzzed.Topics.Reply)
                {
                    replies++;
                    if (payload.Span.IndexOf("\"result\":\"ok\""u8) >= 0)
                    {
                        accepted++;
                    }
                }
            };

            var random = new Random(20261123);
            int sent = 0;
            int validVariants = 0;
            long verificationsBefore = fuzzed.Verifier.Calls;
            while (sent < Messages)
            {
                byte[] message = Mutate(random, bases);
                if (IsValidlySigned(message, basePayloads, bases, collector))
                {
                    // e.g. the signature's hex in capitals: the same command, which the meter may accept.
                    validVariants++;
                    continue;
                }

                fuzzed.Meter.OnMessage(fuzzed.Topics.Command, message, message.Length);
                sent++;
                if (sent % 8 == 0)
                {
                    fuzzed.Rig.Step();
                    twin.Rig.Step();
                }
            }

            fuzzed.Rig.Step();
            twin.Rig.Step();
            double seconds = watch.Elapsed.TotalSeconds;
            long verifications = fuzzed.Verifier.Calls - verificationsBefore;
            Console.WriteLine($"{sent} messages refused in {seconds:F1} s; {verifications} reached the ECDSA verifier ({100.0 * verifications / sent:F2} %); "
                + $"{validVariants} validly signed variants not sent; {fuzzed.Events.Count(e => e.Code == EventCode.CommandRefused)} refusals logged over "
                + $"{(fuzzed.Rig.Clock.Ticks / ProtocolMeter.Minute) - 30} simulated minutes");

            Assert.AreEqual(0, fuzzed.Meter.InboxDropped);
            Assert.AreEqual(sent, replies, "every message is answered");
            Assert.AreEqual(0, accepted, "nothing is accepted");
            Assert.IsFalse(fuzzed.Events.Any(e => e.Code == EventCode.CommandAccepted && e.Value2 != FreshFrom), "no command-accepted event");
            Assert.IsTrue(verifications < sent / 20, $"{verifications} verifications: most messages must be refused before the ECDSA verification");

            // The same state as the twin's.
            Assert.AreEqual(twin.Meter.Loop.ImportMicrowattHours, fuzzed.Meter.Loop.ImportMicrowattHours);
            Assert.AreEqual(twin.Meter.Loop.ExportMicrowattHours, fuzzed.Meter.Loop.ExportMicrowattHours);
            Assert.AreEqual(twin.Meter.Loop.UtcNow(), fuzzed.Meter.Loop.UtcNow());
            Assert.AreEqual(FreshFrom, fuzzed.Meter.Loop.State.LastCommandCounter);
            Assert.AreEqual(twin.Meter.Loop.State.AcknowledgedPeriodIndex, fuzzed.Meter.Loop.State.AcknowledgedPeriodIndex);
            Assert.AreEqual(twin.Meter.Loop.Ic.Calibration.Version, fuzzed.Meter.Loop.Ic.Calibration.Version);
            Assert.AreEqual(twin.Meter.NextPeriodToSend, fuzzed.Meter.NextPeriodToSend);
            Assert.AreEqual(Comparable(twin.Meter.Loop.State), Comparable(fuzzed.Meter.Loop.State));
            var fuzzedFiles = fuzzed.JournalFilesExceptEvents();
            var twinFiles = twin.JournalFilesExceptEvents();
            CollectionAssert.AreEquivalent(twinFiles.Keys.ToList(), fuzzedFiles.Keys.ToList());
            foreach (var (name, bytes) in twinFiles)
            {
                if (name.StartsWith("ck", StringComparison.Ordinal))
                {
                    Assert.AreEqual(Comparable(CheckpointCodec.Read(bytes, bytes.Length, out _)), Comparable(CheckpointCodec.Read(fuzzedFiles[name], fuzzedFiles[name].Length, out _)), name);
                }
                else
                {
                    CollectionAssert.AreEqual(bytes, fuzzedFiles[name], name);
                }
            }

            // Events: the twin's, in the same order, plus refusals; those at most sixty in each minute.
            var others = fuzzed.Events.Where(e => e.Code != EventCode.CommandRefused).Select(e => (e.Code, e.UtcTicks, e.Value1, e.Value2)).ToList();
            CollectionAssert.AreEqual(twin.Events.Select(e => (e.Code, e.UtcTicks, e.Value1, e.Value2)).ToList(), others);
            var refusals = fuzzed.Events.Where(e => e.Code == EventCode.CommandRefused).ToList();
            long firstRefusal = refusals[0].UtcTicks;
            foreach (var minute in refusals.GroupBy(e => (e.UtcTicks - firstRefusal) / ProtocolMeter.Minute))
            {
                Assert.IsTrue(minute.Count() <= MeterApplicationLimits.RefusalsPerMinute, $"{minute.Count()} refusals logged in minute {minute.Key}");
            }

            Assert.IsTrue(refusals.Count >= 60 * 100, $"{refusals.Count} refusals logged: the limit is per minute, not in total");
            Assert.IsTrue(seconds < 60, $"{seconds:F1} s");
        }

        [TestMethod]
        public void Arbitrary_bytes_and_strings_never_throw_and_are_never_accepted()
        {
            var verifier = new CountingVerifier();
            using var collector = new CollectorKey();
            var authenticator = new CommandAuthenticator(ProtocolMeter.Serial, new[] { collector.PublicKey }, verifier);
            var command = new Command();
            long now = new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc).Ticks;

            Prop.ForAll<byte[]>(bytes =>
            {
                return authenticator.Check(bytes, bytes?.Length ?? 0, now, 0, command) != CommandRefusal.None;
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(5000));

            // Strings shaped like commands: the envelope, a flat object of arbitrary keys and values, a signature.
            var fields = from key in Gen.Elements("v", "ms", "n", "ex", "op", "to", "from", "utc", "cal", "x", "")
                         from value in Gen.OneOf(
                             ArbMap.Default.GeneratorFor<long>().Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                             ArbMap.Default.GeneratorFor<string>().Select(v => JsonSerializer.Serialize(v ?? string.Empty)),
                             Gen.Elements("\"am-proto-1\"", "\"read\"", "\"ack\"", "\"2026-11-23T10:00:00Z\"", "true", "null", "{}", "[]", "1e9", "01"))
                         select "\"" + key + "\":" + value;
            var messages = from list in Gen.ListOf(fields)
                           from signature in Gen.Elements("", "30", "3006020101020101", new string('a', 142), "zz")
                           select "AMC1|{" + string.Join(",", list) + "}|" + signature;
            Prop.ForAll(messages.ToArbitrary(), text =>
            {
                byte[] bytes = Encoding.UTF8.GetBytes(text);
                return authenticator.Check(bytes, bytes.Length, now, 0, command) != CommandRefusal.None;
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(5000));
        }

        private static object Comparable(MeterCheckpoint checkpoint)
        {
            var copy = checkpoint.Clone();
            copy.NextEventSequence = 0;
            copy.PublishedEventSequence = 0;
            return JsonSerializer.Serialize(copy, new JsonSerializerOptions { IncludeFields = true });
        }

        // Valid commands of every operation, most with stale counters (refused before the signature is checked),
        // some fresh; and a few signed by a key the meter does not hold.
        private static List<byte[]> BaseMessages(CollectorKey collector, CollectorKey stranger, DateTime expiry, long lastPeriod)
        {
            string[] arguments =
            {
                string.Empty, ",\"from\":" + (lastPeriod - 2) + ",\"to\":" + lastPeriod, ",\"utc\":\"2026-11-23T10:00:00Z\"",
                ",\"cal\":\"43414c315300000100000001\"", ",\"to\":" + lastPeriod,
            };
            string[] ops = { "read", "resend", "clock", "calibrate", "ack" };
            var messages = new List<byte[]>();
            for (int i = 0; i < 40; i++)
            {
                int op = i % ops.Length;
                long counter = i % 10 == 9 ? FreshFrom + 1 + i : 1 + (i * 7919 % (int)FreshFrom);
                var key = i % 13 == 12 ? stranger : collector;
                messages.Add(key.Sign(CollectorKey.Payload(i % 17 == 16 ? "am-other" : ProtocolMeter.Serial, counter, expiry, ops[op], arguments[op])));
            }

            return messages;
        }

        private static readonly string[] Snippets =
        {
            "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "|", "AMC1|", "null", "true", "-1", "1e400", "0.5", "99999999999999999999999",
            "\"n\":1", "\"n\":9223372036854775807", "\"op\":\"read\"", "\"v\":1", "{\"a\":{\"b\":[1,2,{}]}}", "\u00e9", "\u2603", "\ud83d\ude00",
            "\r\n", "\t", " ", "\0", "ff", "30", "3045", "0220",
        };

        private static byte[] Mutate(Random random, List<byte[]> bases)
        {
            byte[] message = (byte[])bases[random.Next(bases.Count)].Clone();
            int rounds = 1 + (random.Next(4) == 0 ? random.Next(4) : 0);
            for (int round = 0; round < rounds; round++)
            {
                message = MutateOnce(random, message, bases);
            }

            return message;
        }

        private static byte[] MutateOnce(Random random, byte[] m, List<byte[]> bases)
        {
            int at = m.Length == 0 ? 0 : random.Next(m.Length);
            switch (random.Next(16))
            {
                case 0: // bit flips
                    if (m.Length > 0)
                    {
                        for (int i = random.Next(1, 4); i > 0; i--)
                        {
                            m[random.Next(m.Length)] ^= (byte)(1 << random.Next(8));
                        }
                    }

                    return m;
                case 1: // a byte replaced by any value
                    if (m.Length > 0)
                    {
                        m[at] = (byte)random.Next(256);
                    }

                    return m;
                case 2: // truncation
                    return m[..at];
                case 3: // an inserted snippet (JSON syntax, huge numbers, unicode, control characters)
                    return Insert(m, at, Encoding.UTF8.GetBytes(Snippets[random.Next(Snippets.Length)]));
                case 4: // random bytes inserted
                    var noise = new byte[random.Next(1, 20)];
                    random.NextBytes(noise);
                    return Insert(m, at, noise);
                case 5: // a range deleted
                    int length = Math.Min(random.Next(1, 30), m.Length - at);
                    return m[..at].Concat(m[(at + length)..]).ToArray();
                case 6: // a duplicate key
                    int brace = Array.IndexOf(m, (byte)'{');
                    return brace < 0 ? m : Insert(m, brace + 1, Encoding.ASCII.GetBytes(random.Next(2) == 0 ? "\"n\":2000000," : "\"op\":\"ack\","));
                case 7: // two fields swapped
                    return SwapFields(random, m);
                case 8: // a number made huge, negative or fractional
                    return ReplaceNumber(random, m);
                case 9: // a value replaced by nested JSON
                    int colon = IndexOfNth(m, (byte)':', random.Next(1, 6));
                    return colon < 0 ? m : Insert(m, colon + 1, Encoding.ASCII.GetBytes(random.Next(2) == 0 ? "{\"x\":1}," : "[1,2],"));
                case 10: // spliced with another message
                    var other = bases[random.Next(bases.Count)];
                    int cut = random.Next(other.Length);
                    return m[..at].Concat(other[cut..]).ToArray();
                case 11: // the signature's hex made odd, longer, or in capitals
                    int bar = Array.LastIndexOf(m, (byte)'|');
                    if (bar < 0)
                    {
                        return m;
                    }

                    return random.Next(3) switch
                    {
                        0 => m[..^1],
                        1 => m.Concat(Encoding.ASCII.GetBytes("00")).ToArray(),
                        _ => m[..(bar + 1)].Concat(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(m[(bar + 1)..]).ToUpperInvariant())).ToArray(),
                    };
                case 12: // entirely random bytes
                    var garbage = new byte[random.Next(0, 3000)];
                    random.NextBytes(garbage);
                    return garbage;
                case 13: // oversized
                    return m.Concat(Enumerable.Repeat((byte)' ', CommandAuthenticator.MaximumLength + 1 - Math.Min(m.Length, CommandAuthenticator.MaximumLength) + random.Next(50))).ToArray();
                case 14: // another serial or operation word
                    string text = Encoding.UTF8.GetString(m);
                    return Encoding.UTF8.GetBytes(random.Next(2) == 0
                        ? text.Replace("am-proto-1", random.Next(2) == 0 ? "am-proto-\u00b9" : "am-proto-10", StringComparison.Ordinal)
                        : text.Replace("\"read\"", "\"reboot\"", StringComparison.Ordinal).Replace("\"ack\"", "\"ACK\"", StringComparison.Ordinal));
                default: // a random printable character replaced
                    if (m.Length > 0)
                    {
                        m[at] = (byte)random.Next(32, 127);
                    }

                    return m;
            }
        }

        private static byte[] Insert(byte[] m, int at, byte[] what) => m[..at].Concat(what).Concat(m[at..]).ToArray();

        private static int IndexOfNth(byte[] m, byte value, int n)
        {
            int at = -1;
            for (int i = 0; i < n; i++)
            {
                at = Array.IndexOf(m, value, at + 1);
                if (at < 0)
                {
                    return -1;
                }
            }

            return at;
        }

        private static byte[] SwapFields(Random random, byte[] m)
        {
            string text = Encoding.ASCII.GetString(m);
            int open = text.IndexOf('{', StringComparison.Ordinal);
            int close = text.IndexOf('}', StringComparison.Ordinal);
            if (open < 0 || close < open)
            {
                return m;
            }

            var fields = text[(open + 1)..close].Split(',');
            if (fields.Length < 2)
            {
                return m;
            }

            int a = random.Next(fields.Length);
            int b = random.Next(fields.Length);
            (fields[a], fields[b]) = (fields[b], fields[a]);
            return Encoding.ASCII.GetBytes(text[..(open + 1)] + string.Join(",", fields) + text[close..]);
        }

        private static byte[] ReplaceNumber(Random random, byte[] m)
        {
            string text = Encoding.ASCII.GetString(m);
            int n = text.IndexOf("\"n\":", StringComparison.Ordinal);
            if (n < 0)
            {
                return m;
            }

            int start = n + 4;
            int end = start;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            string[] numbers = { "999999999999999999", "9999999999999999999", "18446744073709551616", "-5", "1.0", "1e3", "0", "00", "2000000" };
            return Encoding.ASCII.GetBytes(text[..start] + numbers[random.Next(numbers.Length)] + text[end..]);
        }

        private static byte[] Payload(byte[] message)
        {
            int bar = Array.LastIndexOf(message, (byte)'|');
            return bar > 5 ? message[5..bar] : Array.Empty<byte>();
        }

        // The oracle. A payload no collector signed cannot carry a valid signature (that would be a forgery), so only
        // messages whose payload is exactly a base message's need a signature check; the rest are invalid.
        private static bool IsValidlySigned(byte[] message, List<byte[]> basePayloads, List<byte[]> bases, CollectorKey collector)
        {
            if (message.Length < 6 || !message.AsSpan(0, 5).SequenceEqual("AMC1|"u8))
            {
                return false;
            }

            byte[] payload = Payload(message);
            for (int i = 0; i < basePayloads.Count; i++)
            {
                if (payload.AsSpan().SequenceEqual(basePayloads[i]))
                {
                    return collector.SignatureVerifies(message);
                }
            }

            return false;
        }
    }

    /// <summary>The meter's documented limits, as the tests check them.</summary>
    internal static class MeterApplicationLimits
    {
        public const int RefusalsPerMinute = AssetMeter.Firmware.Mqtt.MeterApplication.RefusalsLoggedPerMinute;
    }
}
