using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using AssetMeter.Collector.Operational;
using AssetMeter.Firmware.Mqtt;
using AssetMeter.Firmware.Operational;
using AssetMeter.TestServers;
using MQTTnet;
using MQTTnet.Protocol;
using CollectorStagger = AssetMeter.Collector.Operational.OperationalStagger;

namespace AssetMeter.Bench.Operational
{
    /// <summary>
    /// A fleet's operational stream through mosquitto in real time: each meter is the meter's own
    /// <see cref="OperationalStream"/>, offered a read once a second at its own phase within the second (as real meters
    /// poll, unsynchronised with each other), with the host's UTC as its clock; the messages go out over a few MQTT
    /// connections; one subscriber counts what the broker delivers in each second of the wall clock and checks every
    /// message with the collector's code (MAC, and the meter's stagger).
    /// </summary>
    internal sealed class StaggerRun
    {
        private const long TicksPerSecond = TimeSpan.TicksPerSecond;

        public required string Title { get; init; }

        public required int[] PerSecond { get; init; }

        /// <summary>Second of the minute (UTC) of each counted second, for the histogram's labels.</summary>
        public required long FirstUnixSecond { get; init; }

        public long Received { get; init; }

        public long Verified { get; init; }

        public long OffSchedule { get; init; }

        public long Sent { get; init; }

        public long Dropped { get; init; }

        public int Peak => PerSecond.Max();

        public double Mean => PerSecond.Average();

        public double PeakOverMean => Peak / Mean;

        /// <summary>The same over the seconds the stagger uses (second 0 of each interval is left to the half-hour records).</summary>
        public double PeakOverMeanOfUsedSeconds => Peak / Enumerable.Range(0, PerSecond.Length).Where(i => Interval < 2 || (FirstUnixSecond + i) % Interval != 0).Average(i => (double)PerSecond[i]);

        public int Interval { get; init; }

        public static StaggerRun Run(int meters, int interval, int warmUpSeconds, int measuredSeconds, int connections, bool staggered)
        {
            string directory = Path.Combine(Path.GetTempPath(), "operational-bench-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            try
            {
                using var broker = new Mosquitto(directory);
                return RunAsync(broker.Port, meters, interval, warmUpSeconds, measuredSeconds, connections, staggered).GetAwaiter().GetResult();
            }
            finally
            {
                Directory.Delete(directory, true);
            }
        }

        private static async Task<StaggerRun> RunAsync(int port, int count, int interval, int warmUpSeconds, int measuredSeconds, int connections, bool staggered)
        {
            var random = new Random(20261123);
            var keys = new Dictionary<string, OperationalMeter>(StringComparer.Ordinal);
            var fleet = new List<(OperationalStream Stream, double Phase, long Power, string Amsid)>();
            for (int i = 0; i < count; i++)
            {
                string serial = "am-bench-" + i.ToString("D5", CultureInfo.InvariantCulture);

                // Staggered: every meter's own AMSID. Not: the same AMSID for all, hence the same offset.
                string amsid = staggered ? "AMSID-BENCH-" + i.ToString("D5", CultureInfo.InvariantCulture) : "AMSID-BENCH-ONE-OFFSET";
                byte[] key = new byte[32];
                random.NextBytes(key);
                keys[serial] = new OperationalMeter { Serial = serial, AmsidImport = amsid, Key = key };
                fleet.Add((new OperationalStream("assetmeter/" + serial + "/operational", serial, amsid, interval, key), random.NextDouble(), random.Next(100, 22_000) * 1000L, amsid));
            }

            // The subscriber: counts per wall-clock second of receipt, and checks each message as the collector would.
            var clock = Stopwatch.StartNew();
            long startUnix = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
            int total = warmUpSeconds + measuredSeconds + 3;
            var perSecond = new int[total + 5];
            long received = 0;
            long verified = 0;
            long offSchedule = 0;
            using var subscriber = new MqttClientFactory().CreateMqttClient();
            subscriber.ApplicationMessageReceivedAsync += e =>
            {
                DateTime now = DateTime.UtcNow;
                long second = new DateTimeOffset(now).ToUnixTimeSeconds() - startUnix;
                if (second >= 0 && second < perSecond.Length)
                {
                    Interlocked.Increment(ref perSecond[second]);
                }

                Interlocked.Increment(ref received);
                string topic = e.ApplicationMessage.Topic;
                string serial = topic.Split('/')[1];
                OperationalReading? reading = OperationalMessage.Read(serial, e.ApplicationMessage.Payload.ToArray(), keys[serial].Key, out _, out _);
                if (reading != null)
                {
                    Interlocked.Increment(ref verified);
                    if (!CollectorStagger.OnSchedule(keys[serial].AmsidImport, interval, reading.MeterUtc))
                    {
                        Interlocked.Increment(ref offSchedule);
                    }
                }

                return Task.CompletedTask;
            };
            await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("bench-subscriber").Build());
            await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic("assetmeter/+/operational").WithAtMostOnceQoS()).Build());

            var links = new List<Link>();
            for (int c = 0; c < connections; c++)
            {
                links.Add(await Link.OpenAsync(port, "bench-fleet-" + c.ToString(CultureInfo.InvariantCulture)));
            }

            // Every meter reads once a second at its own phase: the fleet in phase order, paced by the wall clock.
            var order = Enumerable.Range(0, count).OrderBy(i => fleet[i].Phase).ToArray();
            var registers = new long[count];
            long firstSecond = DateTimeOffset.FromUnixTimeSeconds(startUnix).UtcTicks;
            long end = firstSecond + ((total - 3) * TicksPerSecond);
            for (long second = firstSecond; second < end; second += TicksPerSecond)
            {
                foreach (int i in order)
                {
                    long due = second + (long)(fleet[i].Phase * TicksPerSecond);
                    long wait = due - DateTime.UtcNow.Ticks;
                    if (wait > 10_000)
                    {
                        await Task.Delay(TimeSpan.FromTicks(wait));
                    }

                    long utc = DateTime.UtcNow.Ticks;
                    registers[i] += fleet[i].Power / 3600;
                    fleet[i].Stream.Offer(utc, true, clock.Elapsed.Ticks, fleet[i].Power, registers[i] * 1000, 0, links[i % links.Count]);
                }
            }

            await Task.Delay(2000);
            foreach (Link link in links)
            {
                await link.DisposeAsync();
            }

            await subscriber.DisconnectAsync();
            return new StaggerRun
            {
                Title = staggered
                    ? $"{count:N0} meters every {interval} s, each on its own offset (from its AMSID)"
                    : $"{count:N0} meters every {interval} s, all on one offset (the same AMSID rule, the same AMSID: as if they all sent at a fixed second)",
                PerSecond = Program.Take(perSecond, warmUpSeconds, measuredSeconds).ToArray(),
                Interval = interval,
                FirstUnixSecond = startUnix + warmUpSeconds,
                Received = Interlocked.Read(ref received),
                Verified = Interlocked.Read(ref verified),
                OffSchedule = Interlocked.Read(ref offSchedule),
                Sent = fleet.Sum(f => f.Stream.MessagesSent),
                Dropped = fleet.Sum(f => f.Stream.MessagesDropped),
            };
        }

        public void Print(TextWriter output, bool histogram)
        {
            var c = CultureInfo.InvariantCulture;
            output.WriteLine(Title);
            output.WriteLine(string.Format(c, "  messages: {0:N0} sent, {1:N0} dropped by the meters, {2:N0} received, {3:N0} verified (MAC), {4:N0} off their stagger",
                Sent, Dropped, Received, Verified, OffSchedule));
            int[] sorted = PerSecond.OrderBy(v => v).ToArray();
            output.WriteLine(string.Format(c, "  messages per second at the subscriber over {0} s: mean {1:F1}, min {2}, median {3}, max {4}, standard deviation {5:F1}; peak/mean {6:F2} ({7:F2} over the seconds the stagger uses)",
                PerSecond.Length, Mean, sorted[0], sorted[sorted.Length / 2], Peak, Program.StandardDeviation(PerSecond), PeakOverMean, PeakOverMeanOfUsedSeconds));
            var histogramOfCounts = PerSecond.GroupBy(v => v / 10 * 10).OrderBy(g => g.Key).ToList();
            output.WriteLine("  seconds by messages received (histogram):");
            foreach (var bucket in histogramOfCounts)
            {
                output.WriteLine(string.Format(c, "    {0,5}-{1,-5} {2,4} s  {3}", bucket.Key, bucket.Key + 9, bucket.Count(), Program.Bar(bucket.Count(), PerSecond.Length)));
            }

            if (!histogram)
            {
                return;
            }

            output.WriteLine("  messages received in each second (the second of the minute, UTC):");
            for (int i = 0; i < PerSecond.Length; i++)
            {
                long unix = FirstUnixSecond + i;
                output.WriteLine(string.Format(c, "    :{0:00} {1,5}  {2}", unix % 60, PerSecond[i], Program.Bar(PerSecond[i], Math.Max(1, Peak))));
            }
        }

        /// <summary>One MQTT connection the fleet publishes over: the meters' transport, QoS 0, drained in order.</summary>
        private sealed class Link : IMqttTransport, IAsyncDisposable
        {
            private readonly IMqttClient _client;
            private readonly Channel<(string Topic, byte[] Payload)> _queue = Channel.CreateUnbounded<(string, byte[])>(new UnboundedChannelOptions { SingleReader = true });
            private readonly Task _drain;

            private Link(IMqttClient client)
            {
                _client = client;
                _drain = Task.Run(DrainAsync);
            }

            public bool IsConnected => _client.IsConnected;

            public static async Task<Link> OpenAsync(int port, string clientId)
            {
                var client = new MqttClientFactory().CreateMqttClient();
                await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId).Build());
                return new Link(client);
            }

            public bool Publish(string topic, byte[] payload, int offset, int count, int qos, bool retain)
            {
                return _queue.Writer.TryWrite((topic, payload.AsSpan(offset, count).ToArray()));
            }

            private async Task DrainAsync()
            {
                await foreach (var (topic, payload) in _queue.Reader.ReadAllAsync())
                {
                    await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build());
                }
            }

            public async ValueTask DisposeAsync()
            {
                _queue.Writer.TryComplete();
                await _drain;
                await _client.DisconnectAsync();
                _client.Dispose();
            }
        }
    }
}
