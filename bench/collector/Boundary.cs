using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector;
using AssetMeter.Collector.Commands;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Storage;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>What one boundary through the collector took.</summary>
    internal sealed class BoundaryResult
    {
        public required string Engine { get; init; }

        public int Instances { get; init; }

        public int Meters { get; init; }

        /// <summary>From the first publish until the broker had acknowledged every message of the boundary.</summary>
        public TimeSpan Published { get; init; }

        /// <summary>From the first publish until the collector counted the last record stored.</summary>
        public TimeSpan Stored { get; init; }

        /// <summary>From the first publish until every meter had received an acknowledgement (null: not all did).</summary>
        public TimeSpan? Acknowledged { get; init; }

        /// <summary>New periods found in the store afterwards (counted there, not by the collector).</summary>
        public long InStore { get; init; }

        public long Quarantined { get; init; }

        /// <summary>
        /// Records the instances counted as stored at the measured boundary: the fleet's size when each was stored
        /// once (a record taken by two instances counts once stored and once a duplicate).
        /// </summary>
        public long CountedStored { get; init; }

        /// <summary>Every meter's record in the store once, verified (only verified records are stored), none quarantined.</summary>
        public bool Complete => InStore == Meters && CountedStored == Meters && Quarantined == 0;

        public int MetersAcknowledged { get; init; }

        /// <summary>Acknowledgements the meters received (all instances together).</summary>
        public long Acknowledgements { get; init; }

        /// <summary>Processor time of mosquitto, and of this process (fleet connections and collectors), up to the last record stored.</summary>
        public TimeSpan BrokerProcessor { get; init; }

        public TimeSpan ProcessProcessor { get; init; }

        public List<string> Notes { get; init; } = new();

        public double RecordsPerSecond => Meters / Stored.TotalSeconds;
    }

    /// <summary>
    /// A half-hour boundary through a real broker into the real collector: every meter publishes its period record
    /// and its status at once, and the collector instances (one, or several in one shared-subscription group, on one
    /// store) verify, store and acknowledge them. Timed from the first publish to the last record stored.
    /// </summary>
    internal static class Boundary
    {
        private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

        public static async Task<BoundaryResult> RunAsync(BenchFleet fleet, string engine, string location, int instances, int connections, int batchSize)
        {
            int n = fleet.Count;
            long period = fleet.Period;
            var clock = new BoundaryClock(UtcText.PeriodStart(period - 2));
            StoreSetup.Prepare(location, fleet, period - 3);
            var notes = new List<string>();
            using var broker = new Mosquitto(Math.Max(1000, 4 * n));
            using CollectorKey key = CollectorKey.Create();
            var log = new ConcurrentQueue<string>();
            var services = new List<CollectorService>();
            FleetLink? link = null;
            try
            {
                for (int k = 1; k <= instances; k++)
                {
                    var service = new CollectorService(
                        new CollectorOptions
                        {
                            BrokerHost = broker.Host,
                            BrokerPort = broker.Port,
                            Instance = "bench-collector-" + k,
                            ShareGroup = "amhhdc",
                            Supervise = true,

                            // Clock checks are spread over six hours, not tied to the boundary, and the bench's
                            // meters do not answer them: acknowledgements and backfill stay on.
                            Supervision = new SupervisorSettings { CheckClocks = false },
                            BatchSize = batchSize,
                        },
                        location,
                        key,
                        clock,
                        line => log.Enqueue(line));
                    services.Add(service);
                    service.Start();
                }

                foreach (CollectorService service in services)
                {
                    if (!await service.WaitConnectedAsync(TimeSpan.FromSeconds(20)))
                    {
                        throw new InvalidOperationException("a collector instance did not connect: " + string.Join(" | ", log));
                    }

                    if (instances > 1 && !service.UsingSharedSubscriptions)
                    {
                        throw new InvalidOperationException("mosquitto did not grant shared subscriptions");
                    }
                }

                link = await FleetLink.ConnectAsync(broker.Host, broker.Port, connections);

                // Every meter online, its first period stored and acknowledged; then two boundaries half an hour apart
                // on the collector's clock, unmeasured, so that the measured one meets a collector in steady state.
                // A meter publishes its status again after an acknowledgement (docs/protocol.md); the bench's meters
                // do so once the whole fleet has been acknowledged.
                async Task StatusesAsync(long last, long acknowledged)
                {
                    long[] before = services.Select(s => s.Counters.Received).ToArray();
                    await link.PublishAsync(fleet.Statuses(clock.GetUtcNow().UtcDateTime, last, acknowledged), 1);

                    // Statuses go to every instance, not shared out like records.
                    await WaitAsync(() => services.Select((s, k) => s.Counters.Received - before[k] >= n && s.Pending == 0).All(done => done), $"statuses with period {last} last");
                }

                await StatusesAsync(period - 3, period - 4);
                await WaitAsync(() => link.MetersAcknowledged(period - 3) >= n, $"acknowledgements of period {period - 3}");
                await StatusesAsync(period - 3, period - 3);
                foreach (long warmUp in new[] { period - 2, period - 1 })
                {
                    clock.MoveTo(UtcText.PeriodStart(warmUp + 1));
                    long target = services.Sum(s => s.Counters.Stored) + n;
                    await link.PublishAsync(fleet.BoundaryMessages(clock.GetUtcNow().UtcDateTime, warmUp), 2);
                    await WaitAsync(() => services.Sum(s => s.Counters.Stored) >= target && link.MetersAcknowledged(warmUp) >= n, $"the boundary of period {warmUp}");
                    await StatusesAsync(warmUp, warmUp);
                }

                // Let the supervisors finish a round over the whole fleet in this state, then the measured boundary.
                await Task.Delay(TimeSpan.FromSeconds(1));
                clock.MoveTo(UtcText.PeriodStart(period + 1));
                long storedBefore = services.Sum(s => s.Counters.Stored + s.Counters.Quarantined);
                long countedBefore = services.Sum(s => s.Counters.Stored);
                long acknowledgementsBefore = link.Acknowledgements;
                List<(string Topic, byte[] Payload, bool Retain)> boundary = fleet.BoundaryMessages(clock.GetUtcNow().UtcDateTime, period);
                TimeSpan brokerStart = broker.ProcessorTime;
                TimeSpan processStart = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                Task publishing = link.PublishAsync(boundary, 2);
                TimeSpan? published = null;
                TimeSpan? stored = null;
                TimeSpan? acknowledged = null;
                TimeSpan brokerProcessor = TimeSpan.Zero;
                TimeSpan processProcessor = TimeSpan.Zero;
                while (watch.Elapsed < Patience)
                {
                    if (published == null && publishing.IsCompleted)
                    {
                        await publishing;
                        published = watch.Elapsed;
                    }

                    if (stored == null && services.Sum(s => s.Counters.Stored + s.Counters.Quarantined) - storedBefore >= n)
                    {
                        stored = watch.Elapsed;
                        brokerProcessor = broker.ProcessorTime - brokerStart;
                        processProcessor = Process.GetCurrentProcess().TotalProcessorTime - processStart;
                    }

                    if (acknowledged == null && link.MetersAcknowledged(period) >= n)
                    {
                        acknowledged = watch.Elapsed;
                    }

                    // Acknowledgements follow the records by a supervision round or more.
                    if ((published != null && stored != null && acknowledged != null) || (stored != null && watch.Elapsed - stored.Value > TimeSpan.FromSeconds(60)))
                    {
                        break;
                    }

                    await Task.Delay(2);
                }

                if (stored == null || published == null)
                {
                    throw new TimeoutException($"after {Patience.TotalMinutes} minutes: published {published != null}, stored {services.Sum(s => s.Counters.Stored + s.Counters.Quarantined) - storedBefore} of {n}");
                }

                // A moment for acknowledgements still on their way from another instance, then count.
                await Task.Delay(500);
                long inStore;
                using (CollectorStore store = CollectorStore.Open(location))
                {
                    inStore = store.PeriodCount() - ((BenchFleet.Depth - 1) * (long)n);
                }

                foreach (string line in broker.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    // Expected here: the benchmark runs mosquitto as the user it runs as.
                    if (!line.Contains("should not be run as root", StringComparison.Ordinal))
                    {
                        notes.Add("mosquitto: " + line);
                    }
                }

                foreach (string line in log.Where(l => !l.StartsWith("connected to", StringComparison.Ordinal)).Take(3))
                {
                    notes.Add("collector: " + line);
                }

                return new BoundaryResult
                {
                    Engine = engine,
                    Instances = instances,
                    Meters = n,
                    Published = published.Value,
                    Stored = stored.Value,
                    Acknowledged = acknowledged,
                    InStore = inStore,
                    Quarantined = services.Sum(s => s.Counters.Quarantined),
                    CountedStored = services.Sum(s => s.Counters.Stored) - countedBefore,
                    MetersAcknowledged = link.MetersAcknowledged(period),
                    Acknowledgements = link.Acknowledgements - acknowledgementsBefore,
                    BrokerProcessor = brokerProcessor,
                    ProcessProcessor = processProcessor,
                    Notes = notes,
                };
            }
            finally
            {
                foreach (CollectorService service in services)
                {
                    await service.DisposeAsync();
                }

                if (link != null)
                {
                    await link.DisposeAsync();
                }

                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }
        }

        /// <summary>
        /// The broker and the client library alone: the fleet's period records into one MQTTnet subscriber (MQTT 5,
        /// the collector's shared subscription) that only copies each payload out, as the collector's receive handler
        /// does. Records per second from the first publish to the last received: the ceiling MQTT puts on the collector.
        /// </summary>
        public static async Task<double> MqttOnlyAsync(BenchFleet fleet, int connections)
        {
            int n = fleet.Count;
            using var broker = new Mosquitto(Math.Max(1000, 4 * n));
            IMqttClient subscriber = new MqttClientFactory().CreateMqttClient();
            long received = 0;
            subscriber.ApplicationMessageReceivedAsync += e =>
            {
                _ = e.ApplicationMessage.Payload.ToArray();
                Interlocked.Increment(ref received);
                return Task.CompletedTask;
            };
            await subscriber.ConnectAsync(new MqttClientOptionsBuilder()
                .WithTcpServer(broker.Host, broker.Port)
                .WithClientId("mqtt-only")
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithCleanStart(true)
                .Build());
            await subscriber.SubscribeAsync("$share/amhhdc/assetmeter/+/period", MqttQualityOfServiceLevel.AtLeastOnce);
            await using FleetLink link = await FleetLink.ConnectAsync(broker.Host, broker.Port, connections);
            var records = new List<(string, byte[], bool)>(n);
            for (int i = 0; i < n; i++)
            {
                records.Add((BenchFleet.PeriodTopic(fleet.Meters[i]), fleet.Record(i, fleet.Period), false));
            }

            var watch = Stopwatch.StartNew();
            await link.PublishAsync(records, 1);
            await WaitAsync(() => Interlocked.Read(ref received) >= n, "records through MQTT only");
            double rate = n / watch.Elapsed.TotalSeconds;
            await subscriber.DisconnectAsync();
            subscriber.Dispose();
            return rate;
        }

        private static async Task WaitAsync(Func<bool> done, string what)
        {
            var watch = Stopwatch.StartNew();
            while (!done())
            {
                if (watch.Elapsed > Patience)
                {
                    throw new TimeoutException("waiting for " + what);
                }

                await Task.Delay(5);
            }
        }
    }
}
