using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Host;
using AssetMeter.Firmware.Operational;
using AssetMeter.Firmware.Records;
using AssetMeter.Firmware.Tests.Protocol;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Metrology.Periods;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Operational
{
    /// <summary>
    /// The operational metering stream of docs/protocol.md: its bytes, its MAC (checked with .NET and openssl), its
    /// stagger, the energy it reports against the registers, its power against the emulator's truth at 1 s reads, and
    /// that it neither delays the half-hour records nor allocates.
    /// </summary>
    [TestClass]
    public class OperationalStreamTests
    {
        internal const long Second = 10_000_000;
        internal static readonly byte[] Key = Convert.FromHexString("5f1c3a9e0b7d2c4e6a8f0e1d3c5b7a9f2e4d6c8b0a1f3e5d7c9b1a3f5e7d9c0b");
        private static readonly byte[] RecordKey = Encoding.ASCII.GetBytes("operational-tests-record-hmac-key!");

        /// <summary>A message as the collector sees it.</summary>
        internal sealed record Message(string Text, JsonElement Payload, string Mac, string PayloadText, long TrueUtc)
        {
            public long Sequence => Payload.GetProperty("seq").GetInt64();

            public DateTime Utc => DateTime.Parse(Payload.GetProperty("utc").GetString()!, null, System.Globalization.DateTimeStyles.AdjustToUniversal);

            public long UnixSeconds => (long)(Utc - DateTime.UnixEpoch).TotalSeconds;

            public long PowerMilliwatts => Payload.GetProperty("p_mw").GetInt64();

            public long CoveredMilliseconds => Payload.GetProperty("dt_ms").GetInt64();

            public long Imported => Payload.GetProperty("ei_uwh").GetInt64();

            public long Exported => Payload.GetProperty("ee_uwh").GetInt64();

            public long ImportRegister => Payload.GetProperty("ri_uwh").GetInt64();

            public long ExportRegister => Payload.GetProperty("re_uwh").GetInt64();

            public static Message Parse(byte[] bytes, int offset, int count, long trueUtc)
            {
                string text = Encoding.ASCII.GetString(bytes, offset, count);
                Assert.IsTrue(text.StartsWith("AMO1|", StringComparison.Ordinal), text);
                int last = text.LastIndexOf('|');
                string payload = text.Substring(5, last - 5);
                return new Message(text, JsonDocument.Parse(payload).RootElement.Clone(), text.Substring(last + 1), payload, trueUtc);
            }
        }

        /// <summary>A virtual meter with the stream on, and every operational message it sends, in order.</summary>
        internal sealed class StreamingMeter
        {
            public StreamingMeter(IcKind ic, LoadScenario load, int intervalSeconds, MetrologyErrorModel? error = null, string amsid = "AMSID-OPS-0001")
            {
                Transport = new LoopbackMqtt();
                Rig = new VirtualMeterRig(
                    new RigOptions
                    {
                        Ic = ic,
                        Load = load,
                        Error = error ?? MetrologyErrorModel.Ideal,
                        Transport = Transport,
                        Signer = new HmacRecordSigner(RecordKey),
                        Serial = "am-ops-1",
                        AmsidImport = amsid,
                        OperationalIntervalSeconds = intervalSeconds,
                        OperationalKey = Key,
                    },
                    new MemoryStorage());
                Transport.Delivered = (topic, payload, offset, count) =>
                {
                    Topics.Add(topic);
                    if (topic == Rig.Meter.Topics.Operational)
                    {
                        Messages.Add(Message.Parse(payload, offset, count, Rig.TrueUtc));
                        Observe?.Invoke(Messages[^1]);
                    }
                };
                Rig.Boot();
            }

            public VirtualMeterRig Rig { get; }

            public LoopbackMqtt Transport { get; }

            public List<Message> Messages { get; } = new();

            /// <summary>Every topic published, in order.</summary>
            public List<string> Topics { get; } = new();

            /// <summary>Called with each operational message as it is published (inside the meter's tick).</summary>
            public Action<Message>? Observe { get; set; }

            public OperationalStream Stream => Rig.Meter.Operational;
        }

        [TestMethod]
        public void The_message_is_the_documented_bytes_and_its_mac_verifies_with_dotnet_and_openssl()
        {
            var builder = new OperationalMessageBuilder("am-proto-1", Key);
            long utc = new DateTime(2026, 11, 23, 2, 44, 17, 200, DateTimeKind.Utc).Ticks;
            int length = builder.Build(42, utc, 'S', 60, 7_286_397, 60_000, 121_439_950, 0, 12_630_164_123, 0);
            string text = Encoding.ASCII.GetString(builder.Message, 0, length);
            const string Expected = "AMO1|{\"v\":1,\"ms\":\"am-proto-1\",\"seq\":42,\"utc\":\"2026-11-23T02:44:17.200Z\",\"ts\":\"S\",\"int\":60,\"p_mw\":7286397,"
                + "\"dt_ms\":60000,\"ei_uwh\":121439950,\"ee_uwh\":0,\"ri_uwh\":12630164123,\"re_uwh\":0}|";
            StringAssert.StartsWith(text, Expected);
            var message = Message.Parse(builder.Message, 0, length, 0);

            // .NET's HMAC over the payload bytes as sent.
            string mac = Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.ASCII.GetBytes(message.PayloadText)));
            Assert.AreEqual(mac, message.Mac);
            Assert.AreEqual(Expected + mac, text);

            // The document shows this very message, and its openssl recipe computes the same MAC.
            string document = File.ReadAllText(Path.Combine(Repository(), "docs", "protocol.md"));
            StringAssert.Contains(document.Replace("\n", string.Empty), text, "docs/protocol.md shows the message the code builds");
            string script = System.Text.RegularExpressions.Regex.Matches(document, "```bash\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline)
                .Select(m => m.Groups[1].Value).Single(block => block.Contains("-mac HMAC", StringComparison.Ordinal));
            Assert.AreEqual("MAC OK", Bash(script, text, Convert.ToHexStringLower(Key)).Trim());
            string altered = text.Replace("\"p_mw\":7286397", "\"p_mw\":7286398", StringComparison.Ordinal);
            Assert.AreEqual("MAC WRONG", Bash(script, altered, Convert.ToHexStringLower(Key)).Trim());
        }

        [TestMethod]
        public void Offsets_are_1_to_59_for_a_minute_stable_per_amsid_and_spread_a_fleet_evenly()
        {
            // A law for every AMSID and interval: in [1, N-1] for N >= 2, 0 for N = 1, and the same every time.
            Prop.ForAll(
                Arb.From(Gen.Choose(1, 60)),
                Arb.From(Gen.Elements("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".ToCharArray()).ArrayOf().Where(a => a.Length > 0).Select(a => new string(a))),
                (interval, amsid) =>
                {
                    int offset = OperationalStagger.OffsetSeconds(amsid, interval);
                    bool inRange = interval == 1 ? offset == 0 : offset >= 1 && offset <= interval - 1;
                    return inRange && offset == OperationalStagger.OffsetSeconds(amsid, interval);
                }).QuickCheckThrowOnFailure();

            // The rule as documented, computed independently with .NET's SHA-256.
            Assert.AreEqual(DocumentedOffset("AMSID-OPS-0001", 60), OperationalStagger.OffsetSeconds("AMSID-OPS-0001", 60));

            // 5,000 AMSIDs of a fleet fall evenly on seconds 1 to 59 (a chi-square test at the 0.1 % level: 58 degrees
            // of freedom, critical value 93.2); second 0, when half-hour records go, is left alone.
            var counts = new int[60];
            for (int i = 0; i < 5000; i++)
            {
                counts[OperationalStagger.OffsetSeconds("AMSID-FLEET-" + i.ToString("D5"), 60)]++;
            }

            Assert.AreEqual(0, counts[0]);
            double expected = 5000.0 / 59;
            double chiSquare = counts.Skip(1).Sum(c => (c - expected) * (c - expected) / expected);
            Assert.IsTrue(chiSquare < 93.2, $"chi-square {chiSquare:F1} over 59 seconds: {string.Join(",", counts)}");
        }

        [TestMethod]
        public void Each_meter_sends_every_interval_in_its_own_second_starting_at_its_first_slot()
        {
            var meter = new StreamingMeter(IcKind.Ade7953, new LoadScenario(1).From(0, PhaseLoad.At(230, 10, 1.0, true, false)), 60);
            meter.Rig.Run(20 * 60 * Second);

            int offset = meter.Stream.OffsetSeconds;
            Assert.AreEqual(DocumentedOffset("AMSID-OPS-0001", 60), offset);
            Assert.IsTrue(meter.Messages.Count >= 18, $"{meter.Messages.Count} messages in 20 minutes");
            for (int i = 0; i < meter.Messages.Count; i++)
            {
                Message m = meter.Messages[i];
                Assert.AreEqual(offset, (int)(m.UnixSeconds % 60), m.Text);
                Assert.AreEqual(i + 1, m.Sequence);
                Assert.AreEqual("S", m.Payload.GetProperty("ts").GetString());
                Assert.AreEqual(60, m.Payload.GetProperty("int").GetInt32());
                if (i > 0)
                {
                    Assert.AreEqual(60, m.UnixSeconds - meter.Messages[i - 1].UnixSeconds);
                    Assert.AreEqual(60_000, m.CoveredMilliseconds);
                }
            }

            // The first message waited for the slot; it carries no deltas (nothing before it to count from).
            Assert.AreEqual(0, meter.Messages[0].CoveredMilliseconds);
            Assert.AreEqual(0, meter.Messages[0].Imported);
        }

        [TestMethod]
        public void Energy_since_the_last_message_adds_up_to_the_registers_exactly_across_a_lost_connection()
        {
            var meter = new StreamingMeter(IcKind.Atm90e32, MeteringLoopCharger(3), 1);
            meter.Rig.Run(40 * 60 * Second);
            meter.Transport.Connected = false;
            meter.Rig.Run(5 * 60 * Second);
            long dropped = meter.Stream.MessagesDropped;
            meter.Transport.Connected = true;
            meter.Rig.Run(20 * 60 * Second);

            Assert.IsTrue(dropped >= 295, $"{dropped} slots passed while offline");
            var messages = meter.Messages;
            for (int i = 1; i < messages.Count; i++)
            {
                Assert.AreEqual(messages[i - 1].ImportRegister + messages[i].Imported, messages[i].ImportRegister, messages[i].Text);
                Assert.AreEqual(messages[i - 1].ExportRegister + messages[i].Exported, messages[i].ExportRegister, messages[i].Text);
            }

            Assert.AreEqual(messages[^1].ImportRegister - messages[0].ImportRegister, messages.Skip(1).Sum(m => m.Imported), "the deltas telescope to the registers");
            Assert.IsTrue(messages.Skip(1).Sum(m => m.Imported) > 0);
            Message afterOutage = messages.First(m => m.CoveredMilliseconds > 1_000);
            Assert.IsTrue(afterOutage.CoveredMilliseconds >= 300_000, "the message after the outage covers it");
            Assert.AreEqual(meter.Rig.Meter.Loop.ImportMicrowattHours, messages[^1].ImportRegister, "the last message carries the register of its read");
        }

        [TestMethod]
        public void After_an_outage_a_meter_on_a_minute_comes_back_in_its_own_second_not_at_once()
        {
            var meter = new StreamingMeter(IcKind.Ade7953, new LoadScenario(1).From(0, PhaseLoad.At(230, 10, 1.0, true, false)), 60);
            meter.Rig.Run(5 * 60 * Second);
            meter.Transport.Connected = false;
            meter.Rig.Run((3 * 60 * Second) + (17 * Second));
            int before = meter.Messages.Count;
            meter.Transport.Connected = true;
            meter.Rig.Run(3 * 60 * Second);
            Assert.IsTrue(meter.Messages.Count > before);
            Assert.IsTrue(meter.Messages.Skip(before).All(m => m.UnixSeconds % 60 == meter.Stream.OffsetSeconds));
        }

        [TestMethod]
        public void Clock_steps_forward_and_back_never_make_a_meter_send_off_its_stagger()
        {
            var meter = new StreamingMeter(IcKind.Ade7953, new LoadScenario(1).From(0, PhaseLoad.At(230, 10, 1.0, true, false)), 60);
            var loop = meter.Rig.Meter.Loop;
            meter.Rig.Run(5 * 60 * Second);
            loop.SetClock(loop.UtcNow() + (217 * Second), Second);
            meter.Rig.Run(30 * Second);
            loop.SetClock(loop.UtcNow() - (431 * Second), Second);
            meter.Rig.Run(10 * 60 * Second);

            int offset = meter.Stream.OffsetSeconds;
            Assert.IsTrue(meter.Messages.Count >= 10);
            foreach (Message m in meter.Messages)
            {
                long late = (((m.UnixSeconds - offset) % 60) + 60) % 60;
                Assert.IsTrue(late <= 1, $"{m.Utc:HH:mm:ss} is {late} s after the meter's second {offset}");
            }
        }

        [TestMethod]
        [DataRow(IcKind.Ade7953)]
        [DataRow(IcKind.Atm90e32)]
        public void At_1_s_reads_the_power_is_within_1_percent_of_the_emulators_true_power(IcKind ic)
        {
            // A calibrated front end with what calibration leaves: 0.3 % gain error, 0.2° phase error (shows at PF 0.5), a
            // 0.5 W offset, and the hardware tests' 0.2 W of noise. Loads from 1 A (230 W) to 48 A (11 kW) a phase, import
            // and export, PF 1 to 0.5.
            int phases = ic == IcKind.Ade7953 ? 1 : 3;
            var error = new MetrologyErrorModel { GainError = 0.003, PhaseErrorDegrees = 0.2, NoiseWatts = 0.2, OffsetWatts = 0.5 };
            var load = new LoadScenario(phases);
            double at = 0;
            foreach ((double amps, double pf, bool export) in new[] { (1.0, 1.0, false), (2.0, 0.95, false), (8.7, 1.0, false), (16.0, 0.5, false), (32.0, 0.99, false), (48.0, 1.0, false), (13.0, 1.0, true), (4.0, 0.9, true) })
            {
                load.From(at, PhaseLoad.At(230, amps, pf, true, export));
                at += 120;
            }

            var meter = new StreamingMeter(ic, load, 1, error);
            var errors = new List<double>();
            int energyCompared = 0;
            var energyViolations = new List<string>();
            double previousTrueImport = 0;
            double previousTrueExport = 0;
            double count = CountWattHours(meter);
            meter.Observe = m =>
            {
                // Inside the tick that read the IC: the emulator stands at the instant of the read.
                EmulatedMeteringChip chip = meter.Rig.Chip;
                double trueWatts = 0;
                for (int p = 0; p < phases; p++)
                {
                    PhaseLoad now = chip.Scenario.At(chip.Now - 1e-6, p);
                    trueWatts += now.CurrentRms == 0 ? 0 : now.ActivePowerWatts;
                }

                double trueNet = (chip.TrueImportWattHours - previousTrueImport) - (chip.TrueExportWattHours - previousTrueExport);
                previousTrueImport = chip.TrueImportWattHours;
                previousTrueExport = chip.TrueExportWattHours;
                if (Math.Abs(trueWatts) < 200 || chip.Now < 5)
                {
                    return;
                }

                errors.Add(((m.PowerMilliwatts / 1000.0) - trueWatts) / Math.Abs(trueWatts));

                // The energy since the last message against the true energy of the same second: within 1 % of it
                // plus two register counts a phase (the registers' resolution; their fractions carry to the next read).
                if (m.CoveredMilliseconds > 0)
                {
                    energyCompared++;
                    double metered = (m.Imported - m.Exported) / 1e6;
                    if (Math.Abs(metered - trueNet) > (0.01 * Math.Abs(trueNet)) + (2 * count * phases))
                    {
                        energyViolations.Add($"{m.Utc:HH:mm:ss}: {metered:F6} Wh against {trueNet:F6} Wh");
                    }
                }
            };
            meter.Rig.Run((long)(at * Second));

            Assert.IsTrue(errors.Count > 900, $"{errors.Count} readings compared");
            double worst = errors.Max(Math.Abs);
            Console.WriteLine($"{ic}: {errors.Count} one-second reads from {phases * 230} W to {phases * 11} kW, worst power error {worst:P3} of reading, mean {errors.Average():P4}; energy of {energyCompared} messages compared");
            Assert.IsTrue(worst <= 0.01, $"worst {worst:P3} of reading over {errors.Count} one-second reads");
            Assert.IsTrue(energyCompared > 900);
            Assert.AreEqual(0, energyViolations.Count, string.Join("; ", energyViolations.Take(5)));
        }

        [TestMethod]
        public void A_tick_that_closes_a_period_sends_the_half_hour_record_before_the_operational_message()
        {
            var meter = new StreamingMeter(IcKind.Ade7953, new LoadScenario(1).From(0, PhaseLoad.At(230, 10, 1.0, true, false)), 1);
            string period = meter.Rig.Meter.Topics.Period;
            string operational = meter.Rig.Meter.Topics.Operational;
            int ticksWithRecords = 0;
            int start = meter.Topics.Count;
            meter.Rig.Run(95 * 60 * Second, () =>
            {
                // What this tick published, in order.
                List<string> tick = meter.Topics.GetRange(start, meter.Topics.Count - start);
                start = meter.Topics.Count;
                int record = tick.LastIndexOf(period);
                if (record >= 0)
                {
                    ticksWithRecords++;
                    Assert.AreEqual(1, tick.Count(t => t == operational), "one operational message in the tick");
                    Assert.IsTrue(tick.IndexOf(operational) > record, string.Join(", ", tick));
                }

                return false;
            });

            Assert.IsTrue(ticksWithRecords >= 3, $"{ticksWithRecords} ticks sent period records");
        }

        [TestMethod]
        public void Nothing_is_sent_before_the_meter_knows_the_time()
        {
            var transport = new LoopbackMqtt();
            var rig = new VirtualMeterRig(
                new RigOptions
                {
                    Load = new LoadScenario(1).From(0, PhaseLoad.At(230, 10, 1.0, true, false)),
                    Transport = transport,
                    Signer = new HmacRecordSigner(RecordKey),
                    TimeSampleIntervalTicks = 0,
                    OperationalIntervalSeconds = 1,
                    OperationalKey = Key,
                },
                new MemoryStorage());
            rig.Boot();
            rig.Run(5 * 60 * Second);
            Assert.AreEqual(0, transport.MessagesOn(rig.Meter.Topics.Operational));
            Assert.AreEqual(0, rig.Meter.Operational.MessagesSent);
        }

        [TestMethod]
        [DataRow(IcKind.Ade7953)]
        [DataRow(IcKind.Atm90e32)]
        public void A_steady_state_tick_with_the_stream_at_1_s_allocates_nothing(IcKind ic)
        {
            var meter = new StreamingMeter(ic, new LoadScenario(ic == IcKind.Ade7953 ? 1 : 3).From(0, PhaseLoad.At(230, 20, 0.98, true, false)), 1);
            meter.Transport.Delivered = null;
            var app = meter.Rig.Meter;
            meter.Rig.Run(3600 * Second);
            long sentBefore = app.Operational.MessagesSent;
            long allocated = 0;
            long end = meter.Rig.Clock.Ticks + (3600 * Second);
            while (meter.Rig.Clock.Ticks < end)
            {
                meter.Rig.Clock.Advance(app.Loop.PollIntervalTicks);
                long before = GC.GetAllocatedBytesForCurrentThread();
                app.Tick();
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            }

            Assert.AreEqual(3600, app.Operational.MessagesSent - sentBefore);
            Assert.AreEqual(0, allocated, $"{allocated} bytes over an hour of ticks with a message each");
        }

        internal static int DocumentedOffset(string amsid, int interval)
        {
            if (interval == 1)
            {
                return 0;
            }

            byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes(amsid));
            uint h = ((uint)digest[0] << 24) | ((uint)digest[1] << 16) | ((uint)digest[2] << 8) | digest[3];
            return 1 + (int)(h % (uint)(interval - 1));
        }

        private static double CountWattHours(StreamingMeter meter) =>
            meter.Rig.Ic.Scale.MicrowattHoursPerCountNumerator / (double)meter.Rig.Ic.Scale.MicrowattHoursPerCountDenominator / 1e6;

        private static LoadScenario MeteringLoopCharger(int phases) => new LoadScenario(phases)
            .From(0, PhaseLoad.At(230, 32, 0.99, true, false))
            .From(30 * 60, PhaseLoad.At(230, 10, 1.0, true, true))
            .From(50 * 60, PhaseLoad.At(230, 16, 0.95, true, false));

        private static string Repository()
        {
            string? directory = AppContext.BaseDirectory;
            while (directory != null && !File.Exists(Path.Combine(directory, "AssetMeter.slnx")))
            {
                directory = Path.GetDirectoryName(directory);
            }

            return directory ?? throw new InvalidOperationException("repository root not found");
        }

        // The documented bash block, run as written with $message and $key set.
        private static string Bash(string script, string message, string key)
        {
            var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = System.Diagnostics.Process.Start(start)!;
            process.StandardInput.Write("message='" + message + "'\nkey=" + key + "\n" + script);
            process.StandardInput.Close();
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return output + error.Result;
        }
    }
}
