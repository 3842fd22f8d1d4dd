using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector.Input;
using AssetMeter.Collector.Operational;
using AssetMeter.Collector.Registry;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Host;
using AssetMeter.Firmware.Operational;
using AssetMeter.Firmware.Records;
using AssetMeter.Hardware.Emulation;
using AssetMeter.TestServers;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using CollectorStagger = AssetMeter.Collector.Operational.OperationalStagger;
using MeterStagger = AssetMeter.Firmware.Operational.OperationalStagger;

namespace AssetMeter.Collector.Tests
{
    /// <summary>
    /// The collector's side of the operational stream: its own check of the meter's messages (MAC, form, freshness,
    /// replay), its own stagger computation against the meter's, the portfolio sums against a naive recomputation, and
    /// the whole path through mosquitto in real time with the latency from the meter's read to the collector measured.
    /// </summary>
    [TestClass]
    public sealed class OperationalTests
    {
        private static readonly DateTime Now = new(2026, 11, 23, 3, 0, 0, DateTimeKind.Utc);
        private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

        private static byte[] Message(string serial, long sequence, DateTime utc, long power, byte[]? key = null)
        {
            var builder = new OperationalMessageBuilder(serial, key ?? Key);
            int length = builder.Build(sequence, utc.Ticks, 'S', 60, power, 60_000, 1_000, 0, 5_000_000, 0);
            return builder.Message.AsSpan(0, length).ToArray();
        }

        private static OperationalService Service(params string[] serials)
        {
            var meters = serials.Select((s, i) => new OperationalMeter { Serial = s, AmsidImport = "AMSID-" + s, Key = Key }).ToList();
            var portfolio = new Portfolio { Name = "all", Serials = serials };
            return new OperationalService(new OperationalOptions { CloseEvery = TimeSpan.Zero, PortfolioTopicPrefix = null }, meters, new[] { portfolio }, TimeProvider.System, _ => { });
        }

        [TestMethod]
        public void The_collector_computes_every_meters_stagger_offset_as_the_meter_does()
        {
            Prop.ForAll(
                Arb.From(Gen.Choose(1, 60)),
                Arb.From(Gen.Elements("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789-_.".ToCharArray()).ArrayOf().Where(a => a.Length > 0 && a.Length < 40).Select(a => new string(a))),
                (interval, amsid) => CollectorStagger.OffsetSeconds(amsid, interval) == MeterStagger.OffsetSeconds(amsid, interval))
                .QuickCheckThrowOnFailure();
        }

        [TestMethod]
        public void A_message_the_meter_built_is_accepted_and_any_changed_byte_is_refused()
        {
            byte[] good = Message("am-op-1", 7, Now, 7_286_397);
            OperationalReading? reading = OperationalMessage.Read("am-op-1", good, Key, out string reason, out _);
            Assert.IsNotNull(reading, reason);
            Assert.AreEqual(7_286_397, reading.PowerMilliwatts);
            Assert.AreEqual(Now, reading.MeterUtc);
            Assert.AreEqual(7, reading.Sequence);

            // Every single-byte change anywhere in the message, every one of the 255 (all of them: some 64,000): never accepted.
            var accepted = new List<string>();
            for (int at = 0; at < good.Length; at++)
            {
                for (int flip = 1; flip < 256; flip++)
                {
                    byte[] changed = (byte[])good.Clone();
                    changed[at] ^= (byte)flip;
                    if (OperationalMessage.Read("am-op-1", changed, Key, out _, out _) != null)
                    {
                        accepted.Add($"byte {at} ^ {flip}: {Encoding.ASCII.GetString(changed)}");
                    }
                }
            }

            Assert.AreEqual(0, accepted.Count, string.Join("\n", accepted.Take(3)));

            Assert.IsNull(OperationalMessage.Read("am-op-1", Message("am-op-1", 7, Now, 1, RandomNumberGenerator.GetBytes(32)), Key, out reason, out _));
            Assert.AreEqual("bad-mac", reason);
            Assert.IsNull(OperationalMessage.Read("am-op-2", good, Key, out reason, out _));
            Assert.AreEqual("identity-mismatch", reason, "a good message of one meter replayed on another's topic");
            Assert.IsNull(OperationalMessage.Read("am-op-1", Encoding.ASCII.GetBytes("AMO1|{}|00"), Key, out reason, out _));
            Assert.AreEqual("malformed", reason);
        }

        [TestMethod]
        public void The_service_refuses_unknown_meters_replays_and_readings_out_of_their_window()
        {
            var service = Service("am-op-1");
            DateTime received = DateTime.UtcNow;
            DateTime read = received.AddMilliseconds(-80);
            byte[] message = Message("am-op-1", 1, TruncateToMilliseconds(read), 1_000_000);
            Assert.IsTrue(service.Accept("assetmeter/am-op-1/operational", message, received));
            Assert.IsFalse(service.Accept("assetmeter/am-op-1/operational", message, received.AddMilliseconds(5)), "the same message again");
            Assert.IsFalse(service.Accept("assetmeter/am-op-9/operational", Message("am-op-9", 1, TruncateToMilliseconds(read), 1), received));
            Assert.IsFalse(service.Accept("assetmeter/am-op-1/operational", Message("am-op-1", 2, TruncateToMilliseconds(read.AddMinutes(-5)), 1), received));
            Assert.AreEqual(1, service.Counters.Accepted);
            Assert.AreEqual(1, service.Counters.Refused["not-newer"]);
            Assert.AreEqual(1, service.Counters.Refused["unknown-meter"]);
            Assert.AreEqual(1, service.Counters.Refused["out-of-window"]);
        }

        [TestMethod]
        public void Each_second_sums_the_latest_fresh_reading_of_every_asset_and_counts_the_rest()
        {
            // Random readings of five assets (intervals 1 to 60 s) over ten minutes, against a naive recomputation of
            // every second: the sum, the counts, the uncertainty; and each minute row the mean of its seconds.
            var settings = new AggregatorSettings();
            Gen<(int Asset, int Offset, int Power)> reading = Gen.Choose(0, 4).SelectMany(a => Gen.Choose(0, 600_000).SelectMany(o => Gen.Choose(-20_000_000, 100_000_000).Select(p => (a, o, p))));
            Prop.ForAll(Arb.From(reading.ListOf()), readings =>
            {
                string[] serials = { "m0", "m1", "m2", "m3", "m4" };
                int[] intervals = { 1, 5, 15, 60, 60 };
                var portfolio = new Portfolio { Name = "p", Serials = serials };
                DateTime start = Now;
                var aggregator = new PortfolioAggregator(new[] { portfolio }, settings, start);
                var sorted = readings.Select(r => (r.Asset, Ticks: start.Ticks + (r.Offset * TimeSpan.TicksPerMillisecond), r.Power))
                    .GroupBy(r => (r.Asset, r.Ticks)).Select(g => g.First()).OrderBy(r => r.Ticks).ToList();
                foreach (var r in sorted)
                {
                    aggregator.Add(new OperationalReading { Serial = serials[r.Asset], MeterUtc = new DateTime(r.Ticks, DateTimeKind.Utc), IntervalSeconds = intervals[r.Asset], PowerMilliwatts = r.Power, Sequence = 1 }, new DateTime(r.Ticks, DateTimeKind.Utc));
                }

                List<PortfolioRow> rows = aggregator.CloseThrough(start.AddMinutes(10));
                List<PortfolioRow> seconds = rows.Where(r => r.ResolutionSeconds == 1).ToList();
                if (seconds.Count != 600 || rows.Count(r => r.ResolutionSeconds == 60) != 10)
                {
                    return false;
                }

                foreach (PortfolioRow row in seconds)
                {
                    long end = row.Utc.Ticks + TimeSpan.TicksPerSecond;
                    long sum = 0;
                    int reporting = 0;
                    int stale = 0;
                    double variance = 0;
                    for (int a = 0; a < serials.Length; a++)
                    {
                        var latest = sorted.Where(r => r.Asset == a && r.Ticks < end).Select(r => ((long Ticks, int Power)?)(r.Ticks, r.Power)).LastOrDefault();
                        long age = latest.HasValue ? end - latest.Value.Ticks : long.MaxValue;
                        if (!latest.HasValue || age > settings.StaleLimit.Ticks)
                        {
                            continue;
                        }

                        if (age > (intervals[a] * TimeSpan.TicksPerSecond) + settings.ReportingGrace.Ticks)
                        {
                            stale++;
                            continue;
                        }

                        reporting++;
                        sum += latest.Value.Power;
                        variance += Math.Pow(0.01 * latest.Value.Power, 2) / 3;
                    }

                    if (row.SumMilliwatts != sum || row.Reporting != reporting || row.Stale != stale || row.Reporting + row.Stale + row.Missing != 5
                        || Math.Abs(row.UncertaintyMilliwatts - (2 * Math.Sqrt(variance))) > 1e-6 * (1 + row.UncertaintyMilliwatts))
                    {
                        return false;
                    }
                }

                foreach (PortfolioRow minute in rows.Where(r => r.ResolutionSeconds == 60))
                {
                    double mean = seconds.Where(s => s.Utc >= minute.Utc && s.Utc < minute.Utc.AddMinutes(1)).Average(s => (double)s.SumMilliwatts);
                    if (Math.Abs(minute.SumMilliwatts - mean) > 0.5)
                    {
                        return false;
                    }
                }

                return true;
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
        }

        [TestMethod]
        [Timeout(120_000, CooperativeCancellation = true)]
        public async Task Through_mosquitto_in_real_time_every_reading_arrives_within_its_latency_and_the_sum_is_within_1_percent_of_the_truth()
        {
            string directory = SharedServers.NewDirectory("operational");
            var meters = new List<(VirtualMeterRig Rig, MqttNetTransport Transport, OperationalMeter Meter)>();
            try
            {
                using var broker = new Mosquitto(directory);
                DateTime start = DateTime.UtcNow;
                var specs = new[] { ("am-rt-1", IcKind.Ade7953, 32.0), ("am-rt-2", IcKind.Atm90e32, 16.0), ("am-rt-3", IcKind.Ade7953, 8.0) };
                foreach ((string serial, IcKind ic, double amps) in specs)
                {
                    int phases = ic == IcKind.Ade7953 ? 1 : 3;

                    // A step half way: the sum must follow it.
                    var load = new LoadScenario(phases).From(0, PhaseLoad.At(230, amps, 0.98, true, false)).From(10, PhaseLoad.At(230, amps / 2, 1.0, true, false));
                    var transport = new MqttNetTransport(new MqttConnection { Host = "127.0.0.1", Port = broker.Port, ClientId = "meter-" + serial, SubscribeTopic = "assetmeter/" + serial + "/command" });
                    byte[] key = RandomNumberGenerator.GetBytes(32);
                    var rig = new VirtualMeterRig(new RigOptions
                    {
                        Ic = ic, Load = load, Serial = serial, AmsidImport = "AMSID-RT-" + serial, StartUtc = start, Transport = transport,
                        Signer = new HmacRecordSigner(RandomNumberGenerator.GetBytes(32)), OperationalIntervalSeconds = 1, OperationalKey = key,
                    }, new MemoryStorage());
                    meters.Add((rig, transport, new OperationalMeter { Serial = serial, AmsidImport = "AMSID-RT-" + serial, Key = key }));
                }

                var portfolio = new Portfolio { Name = "rt", Serials = specs.Select(s => s.Item1).ToList() };
                var latencies = new List<double>();
                var rows = new List<PortfolioRow>();
                int port = TestProcess.FreePort();
                await using var service = new OperationalService(
                    new OperationalOptions { BrokerHost = "127.0.0.1", BrokerPort = broker.Port, Instance = "operational-test", HttpPrefix = $"http://127.0.0.1:{port}/", OutputDirectory = directory },
                    meters.Select(m => m.Meter), new[] { portfolio }, TimeProvider.System, line => Console.WriteLine(line));
                service.ReadingAccepted += (reading, received) =>
                {
                    lock (latencies)
                    {
                        latencies.Add((received - reading.MeterUtc).TotalMilliseconds);
                    }
                };
                service.RowClosed += row =>
                {
                    lock (rows)
                    {
                        rows.Add(row);
                    }
                };
                service.Start();
                Assert.IsTrue(await service.WaitConnectedAsync(TimeSpan.FromSeconds(20)));
                foreach (var m in meters)
                {
                    m.Rig.Boot();
                }

                var connectDeadline = DateTime.UtcNow.AddSeconds(20);
                while (meters.Any(m => !m.Transport.IsConnected) && DateTime.UtcNow < connectDeadline)
                {
                    await Task.Delay(20);
                }

                // Each second of the wall clock: every meter's clock brought to the true UTC, then one tick (its read and
                // its message). The meters' time source is that same true UTC, so the message's utc is the wall clock of
                // the read and the collector's receipt time minus it is the latency, tick of measurement to receipt.
                DateTime end = DateTime.UtcNow.AddSeconds(20);
                var truth = new Dictionary<long, double>();
                while (DateTime.UtcNow < end)
                {
                    await Task.Delay(1000 - DateTime.UtcNow.Millisecond);
                    long wall = DateTime.UtcNow.Ticks;
                    double watts = 0;
                    foreach (var m in meters)
                    {
                        m.Rig.Clock.Advance(Math.Max(0, wall - m.Rig.TrueUtc));
                        m.Rig.Meter.SubmitTimeSample(new AssetMeter.Firmware.Clock.SntpSample { MonotonicTicks = m.Rig.Clock.Ticks, UtcMinusMonotonicTicks = m.Rig.UtcAtZero, DelayTicks = 2_000, Stratum = 2 });
                        m.Rig.Meter.Tick();
                        EmulatedMeteringChip chip = m.Rig.Chip;
                        for (int p = 0; p < chip.Scenario.PhaseCount; p++)
                        {
                            watts += chip.Scenario.At(chip.Now - 1e-6, p).ActivePowerWatts;
                        }
                    }

                    truth[wall / TimeSpan.TicksPerSecond] = watts;
                }

                await Task.Delay(3500);
                using var http = new HttpClient();
                string body = await http.GetStringAsync($"http://127.0.0.1:{port}/portfolios/rt");
                using JsonDocument live = JsonDocument.Parse(body);

                // The same sums, retained on the broker for a platform that subscribes late.
                using var platform = new MQTTnet.MqttClientFactory().CreateMqttClient();
                var published = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                platform.ApplicationMessageReceivedAsync += e =>
                {
                    published.TrySetResult(Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload)));
                    return Task.CompletedTask;
                };
                await platform.ConnectAsync(new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("platform").Build());
                await platform.SubscribeAsync(new MQTTnet.MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic("assetmeter-portfolio/rt/1s")).Build());
                using JsonDocument retained = JsonDocument.Parse(await published.Task.WaitAsync(TimeSpan.FromSeconds(10)));
                Assert.AreEqual("rt", retained.RootElement.GetProperty("portfolio").GetString());
                Assert.AreEqual(3, retained.RootElement.GetProperty("reporting").GetInt32());
                Assert.IsTrue(retained.RootElement.GetProperty("sum_w").GetDecimal() > 1000m);

                Assert.AreEqual(0, service.Counters.RefusedTotal, string.Join(", ", service.Counters.Refused.Select(p => p.Key + " " + p.Value)));
                Assert.AreEqual(0, service.Counters.OffSchedule);
                Assert.IsTrue(service.Counters.Accepted >= 3 * 15, $"{service.Counters.Accepted} readings");
                latencies.Sort();
                double p50 = latencies[latencies.Count / 2];
                double p95 = latencies[(int)Math.Ceiling(0.95 * latencies.Count) - 1];
                Console.WriteLine($"latency, the meter's read to the collector's receipt through mosquitto: {latencies.Count} readings, p50 {p50:F1} ms, p95 {p95:F1} ms, max {latencies[^1]:F1} ms");
                Assert.IsTrue(latencies[0] >= -5, $"min {latencies[0]} ms: the receipt cannot precede the read");
                Assert.IsTrue(latencies[^1] < 5000, $"max {latencies[^1]} ms, beyond the Balancing Mechanism's 5 s");

                // Each second where every asset reported (after the first read): the sum within 1 % of the true total.
                List<PortfolioRow> complete = rows.Where(r => r.ResolutionSeconds == 1 && r.Reporting == 3).ToList();
                Assert.IsTrue(complete.Count >= 12, $"{complete.Count} complete seconds");
                // Seconds next to the load step are left out: a tick late by a scheduler's hiccup puts a read on the
                // other side of the step from the truth sampled for its second (seen once: the whole step, 19.8 kW
                // against 10.1 kW), which says nothing of the sum's accuracy.
                DateTime step = start.AddSeconds(10);
                foreach (PortfolioRow row in complete.Where(r => Math.Abs((r.Utc - step).TotalSeconds) > 1.5))
                {
                    if (truth.TryGetValue(row.Utc.Ticks / TimeSpan.TicksPerSecond, out double watts))
                    {
                        double sum = row.SumMilliwatts / 1000.0;
                        Assert.IsTrue(Math.Abs(sum - watts) <= 0.01 * watts, $"{row.Utc:HH:mm:ss}: {sum} W against {watts} W");
                        Assert.IsTrue(row.UncertaintyMilliwatts > 0 && row.UncertaintyMilliwatts < 0.02 * row.SumMilliwatts);
                    }
                }

                Assert.AreEqual(3, live.RootElement.GetProperty("1s").GetProperty("assets").GetInt32());
                Assert.IsTrue(service.Files.Count >= 1 && service.Files.All(System.IO.File.Exists));
            }
            finally
            {
                foreach (var m in meters)
                {
                    await m.Transport.DisposeAsync();
                }

                SharedServers.Delete(directory);
            }
        }

        [TestMethod]
        public void Portfolio_definitions_name_registered_assets_once_each()
        {
            var registry = new List<MeterRegistration>
            {
                new() { Serial = "a", Algorithm = MeterRegistration.Hmac, KeyHex = "00", AmsidImport = "AMSID-A-I", AmsidExport = "AMSID-A-E" },
                new() { Serial = "b", Algorithm = MeterRegistration.Hmac, KeyHex = "00", AmsidImport = "AMSID-B-I" },
            };
            List<Portfolio> portfolios = Portfolio.Parse(CsvInput.Parse("p.csv", new[] { "portfolio,amsid", "evs,AMSID-A-E", "evs,AMSID-B-I", "# a comment", "all,AMSID-B-I" }), registry);
            Assert.AreEqual(2, portfolios.Count);
            CollectionAssert.AreEqual(new[] { "a", "b" }, portfolios[0].Serials.ToList());
            var error = Assert.ThrowsExactly<InputFileException>(() => Portfolio.Parse(CsvInput.Parse("p.csv", new[] { "portfolio,amsid", "evs,AMSID-A-I", "evs,AMSID-A-E" }), registry));
            StringAssert.Contains(error.Message, "line 3");
            error = Assert.ThrowsExactly<InputFileException>(() => Portfolio.Parse(CsvInput.Parse("p.csv", new[] { "portfolio,amsid", "evs,AMSID-X" }), registry));
            StringAssert.Contains(error.Message, "not registered");
        }

        private static DateTime TruncateToMilliseconds(DateTime utc) => new(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }
}
