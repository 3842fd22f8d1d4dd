using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Buffers;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector;
using AssetMeter.Collector.Commands;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Storage;
using AssetMeter.TestServers;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>
    /// A boundary through one part of the path alone (the broker to mosquitto_sub, the broker to the MQTT client
    /// alone, the pipeline from memory): how long it took, and the processor time of the broker, of this process (the
    /// fleet's connections and whatever of the collector ran) and of the other process involved (mosquitto_sub, the
    /// PostgreSQL server).
    /// </summary>
    internal sealed record PartRun(TimeSpan Elapsed, TimeSpan Broker, TimeSpan Process, TimeSpan Other);

    /// <summary>What one boundary through the collector took.</summary>
    internal sealed class BoundaryResult
    {
        public required string Engine { get; init; }

        public int Instances { get; init; }

        public int Meters { get; init; }

        /// <summary>An instance was killed mid-boundary (the failover check).</summary>
        public bool Killed { get; init; }

        /// <summary>From the first publish until the broker had acknowledged every message of the boundary.</summary>
        public TimeSpan Published { get; init; }

        /// <summary>From the first publish until the collector counted the last record stored.</summary>
        public TimeSpan Stored { get; init; }

        /// <summary>From the first publish until every meter had received an acknowledgement (null: not all did).</summary>
        public TimeSpan? Acknowledged { get; init; }

        /// <summary>New periods found in the store afterwards (counted there, not by the collector).</summary>
        public long InStore { get; init; }

        /// <summary>Rows in the store's quarantine afterwards.</summary>
        public long Quarantined { get; init; }

        /// <summary>
        /// Records the instances counted as stored at the measured boundary: the fleet's size when each was stored
        /// once (a record taken by two instances counts once stored and once a duplicate).
        /// </summary>
        public long CountedStored { get; init; }

        /// <summary>Records each instance stored.</summary>
        public long[] StoredBy { get; init; } = Array.Empty<long>();

        /// <summary>Every meter's record in the store once, verified (only verified records are stored), none quarantined.</summary>
        public bool Complete => InStore == Meters && CountedStored == Meters && Quarantined == 0;

        public int MetersAcknowledged { get; init; }

        /// <summary>Acknowledgements the meters received (all instances together).</summary>
        public long Acknowledgements { get; init; }

        /// <summary>Processor time of mosquitto, and of this process (fleet connections and collectors), up to the last record stored.</summary>
        public TimeSpan BrokerProcessor { get; init; }

        public TimeSpan ProcessProcessor { get; init; }

        /// <summary>Processor time of the PostgreSQL server (a private cluster) up to the last record stored; zero for SQLite.</summary>
        public TimeSpan DatabaseProcessor { get; init; }

        /// <summary>Most messages any instance held received and not yet stored, sampled through the boundary.</summary>
        public long PeakPending { get; init; }

        /// <summary>The failover: records the killed instance had stored, the survivors' duplicates, records the fleet sent again.</summary>
        public (long KilledStored, long Duplicates, long Resent) Failover { get; init; }

        public List<string> Notes { get; init; } = new();

        /// <summary>Acknowledgements the meters had received by the time the last record was stored (the rest came after).</summary>
        public long AcknowledgedWhileStoring { get; init; }

        /// <summary>Messages per stored batch (a transaction each), all instances, until the last record was stored.</summary>
        public double MeanBatch { get; init; }

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

        /// <summary>
        /// mosquitto for a fleet: its queue per subscriber must hold a boundary's worth (its default, 1000, would drop
        /// QoS 1 records a collector has not taken yet when a whole fleet publishes at once).
        /// </summary>
        public static Mosquitto Broker(int meters) => new(null, new[] { $"max_queued_messages {Math.Max(1000, 4 * meters)}" }, notices: false);

        public static async Task<BoundaryResult> RunAsync(BenchFleet fleet, string engine, string location, int instances, int connections, int batchSize, bool kill, Func<TimeSpan>? databaseProcessor = null)
        {
            int n = fleet.Count;
            long period = fleet.Period;
            var clock = new BoundaryClock(UtcText.PeriodStart(period - 1));
            StoreSetup.Prepare(location, fleet, period - 2);
            var notes = new List<string>();
            using Mosquitto broker = Broker(n);
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

                            // One instance supervises and takes the statuses, events and replies; the others
                            // only store their share of the records (docs/collector.md).
                            Supervise = k == 1,
                            RecordsOnly = k > 1,

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

                // Every meter online, its periods stored and acknowledged; then a boundary, unmeasured, so that the
                // measured one meets a collector in steady state (keys imported, standing data held, supervisor
                // watching). A meter publishes its status again after an acknowledgement (docs/protocol.md); the
                // bench's meters do so once the whole fleet has been acknowledged.
                async Task StatusesAsync(long last, long acknowledged)
                {
                    long[] before = services.Select(s => s.Counters.Received).ToArray();
                    await link.PublishAsync(fleet.Statuses(clock.GetUtcNow().UtcDateTime, last, acknowledged), 1);

                    // Statuses go to the supervising instance (the first), not shared out like records.
                    await WaitAsync(() => services[0].Counters.Received - before[0] >= n && services.All(s => s.Pending == 0), $"statuses with period {last} last");
                }

                await StatusesAsync(period - 2, period - 3);
                await WaitAsync(() => link.MetersAcknowledged(period - 2) >= n, $"acknowledgements of period {period - 2}");
                await StatusesAsync(period - 2, period - 2);
                clock.MoveTo(UtcText.PeriodStart(period));
                long target = services.Sum(s => s.Counters.Stored) + n;
                await link.PublishAsync(fleet.BoundaryMessages(clock.GetUtcNow().UtcDateTime, period - 1), 2);
                await WaitAsync(() => services.Sum(s => s.Counters.Stored) >= target && link.MetersAcknowledged(period - 1) >= n, $"the boundary of period {period - 1}");
                await StatusesAsync(period - 1, period - 1);

                // Let the supervisors finish their rounds in this state (the statuses' news looked at) and the store
                // settle, then the measured boundary.
                await Task.Delay(TimeSpan.FromSeconds(2.5));
                await WaitAsync(() => services.All(s => s.SupervisionIdle), "the supervisors to finish their rounds");
                StoreSetup.Settle(location);
                clock.MoveTo(UtcText.PeriodStart(period + 1));
                long[] storedBefore = services.Select(s => s.Counters.Stored).ToArray();
                long[] duplicatesBefore = services.Select(s => s.Counters.Duplicates).ToArray();
                long quarantinedBefore = services.Sum(s => s.Counters.Quarantined);
                long acknowledgementsBefore = link.Acknowledgements;
                long receivedBefore = services.Sum(s => s.Counters.Received);
                long batchesBefore = services.Sum(s => s.Counters.Batches);
                double meanBatch = 0;
                long acknowledgedWhileStoring = 0;
                PreparedBurst burst = link.Prepare(fleet.BoundaryMessages(clock.GetUtcNow().UtcDateTime, period), 2);
                GC.Collect();
                TimeSpan brokerStart = broker.ProcessorTime;
                TimeSpan processStart = Process.GetCurrentProcess().TotalProcessorTime;
                TimeSpan databaseStart = databaseProcessor?.Invoke() ?? TimeSpan.Zero;
                var watch = Stopwatch.StartNew();
                Task publishing = link.PublishAsync(burst);
                TimeSpan? published = null;
                TimeSpan? stored = null;
                TimeSpan? acknowledged = null;
                TimeSpan brokerProcessor = TimeSpan.Zero;
                TimeSpan processProcessor = TimeSpan.Zero;
                TimeSpan databaseProcessorUsed = TimeSpan.Zero;
                long peakPending = 0;
                CollectorService? killed = null;
                long killedStored = 0;
                long resent = 0;
                var lastProgress = Stopwatch.StartNew();
                long progress = 0;
                long StoredNow() => services.Select((s, k) => s.Counters.Stored - storedBefore[k]).Sum() + (services.Sum(s => s.Counters.Quarantined) - quarantinedBefore);
                while (watch.Elapsed < Patience)
                {
                    if (published == null && publishing.IsCompleted)
                    {
                        await publishing;
                        published = watch.Elapsed;
                    }

                    peakPending = Math.Max(peakPending, services.Where(s => s != killed).Max(s => s.Pending));
                    long storedNow = StoredNow();
                    if (stored == null && storedNow >= n)
                    {
                        stored = watch.Elapsed;
                        brokerProcessor = broker.ProcessorTime - brokerStart;
                        processProcessor = Process.GetCurrentProcess().TotalProcessorTime - processStart;
                        databaseProcessorUsed = (databaseProcessor?.Invoke() ?? TimeSpan.Zero) - databaseStart;
                        long batches = services.Sum(s => s.Counters.Batches) - batchesBefore;
                        meanBatch = batches == 0 ? 0 : (services.Sum(s => s.Counters.Received) - receivedBefore) / (double)batches;
                        acknowledgedWhileStoring = link.Acknowledgements - acknowledgementsBefore;
                    }

                    if (kill && killed == null && storedNow >= n / 4 && services[^1].Pending > 0)
                    {
                        // Mid-boundary: the last instance dies as a killed process would, with messages in flight.
                        killed = services[^1];
                        await killed.KillAsync();
                        killedStored = killed.Counters.Stored - storedBefore[services.Count - 1];
                    }

                    long now = storedNow + link.Acknowledgements;
                    if (now != progress)
                    {
                        progress = now;
                        lastProgress.Restart();
                    }

                    // The meters' next cycle: what was not acknowledged is sent again (docs/protocol.md); in the bench,
                    // once nothing has moved for three seconds, rather than after a meter's 15 minutes.
                    if (killed != null && stored == null && published != null && lastProgress.Elapsed > TimeSpan.FromSeconds(3) && resent < 3L * n)
                    {
                        var again = new List<(string, byte[], bool)>();
                        for (int i = 0; i < n; i++)
                        {
                            if (!link.Acknowledged(fleet.Meters[i].Serial, period))
                            {
                                again.Add((BenchFleet.PeriodTopic(fleet.Meters[i]), fleet.Record(i, period), false));
                            }
                        }

                        resent += again.Count;
                        await link.PublishAsync(again, 1);
                        lastProgress.Restart();
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
                    throw new TimeoutException($"after {Patience.TotalMinutes} minutes: published {published != null}, stored {StoredNow()} of {n}");
                }

                // A moment for acknowledgements still on their way from another instance, then count.
                await Task.Delay(500);
                long inStore;
                long quarantined;
                using (CollectorStore store = CollectorStore.Open(location))
                {
                    inStore = store.PeriodCount() - ((BenchFleet.Depth - 1) * (long)n);
                    quarantined = store.QuarantinedRecords().Count;
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

                long[] storedBy = services.Select((s, k) => s.Counters.Stored - storedBefore[k]).ToArray();
                if (killed != null)
                {
                    storedBy[^1] = killedStored;
                }

                return new BoundaryResult
                {
                    Engine = engine,
                    Instances = instances,
                    Meters = n,
                    Killed = killed != null,
                    Published = published.Value,
                    Stored = stored.Value,
                    Acknowledged = acknowledged,
                    InStore = inStore,
                    Quarantined = quarantined,
                    CountedStored = storedBy.Sum(),
                    StoredBy = storedBy,
                    MetersAcknowledged = link.MetersAcknowledged(period),
                    Acknowledgements = link.Acknowledgements - acknowledgementsBefore,
                    BrokerProcessor = brokerProcessor,
                    ProcessProcessor = processProcessor,
                    DatabaseProcessor = databaseProcessorUsed,
                    MeanBatch = meanBatch,
                    AcknowledgedWhileStoring = acknowledgedWhileStoring,
                    PeakPending = peakPending,
                    Failover = (killedStored, services.Where(s => s != killed).Select(s => s.Counters.Duplicates - duplicatesBefore[services.IndexOf(s)]).Sum(), resent),
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
        /// The broker alone: the same boundary (records and statuses) from the same fleet connections into a fresh
        /// mosquitto and out to <c>mosquitto_sub</c> (MQTT 5, the collector's subscriptions, the collector's in-flight
        /// window), which does nothing with them. Seconds from the first publish to the last message received.
        /// </summary>
        public static async Task<PartRun> BrokerAloneAsync(BenchFleet fleet, int connections, ushort receiveMaximum)
        {
            int n = fleet.Count;
            using Mosquitto broker = Broker(n);
            var output = new StringBuilder();
            var error = new StringBuilder();
            long received = 0;
            long probes = 0;
            var arguments = new List<string>
            {
                "-h", broker.Host, "-p", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-V", "5", "-q", "1", "-F", "%t",
                "-D", "connect", "receive-maximum", receiveMaximum.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-t", "bench/ready",
                "-t", "$share/amhhdc/assetmeter/+/period", "-t", "$share/amhhdc/assetmeter/+/snapshot",
                "-t", "assetmeter/+/status", "-t", "assetmeter/+/event", "-t", "assetmeter/+/reply",
            };
            using Process sub = TestProcess.Start(Mosquitto.Executable("mosquitto_sub"), arguments, new StringBuilder(), error, line =>
            {
                if (line == "bench/ready")
                {
                    Interlocked.Increment(ref probes);
                }
                else
                {
                    Interlocked.Increment(ref received);
                }
            });
            try
            {
                await using FleetLink link = await FleetLink.ConnectAsync(broker.Host, broker.Port, connections);

                // Subscribed once a probe comes through.
                var ready = Stopwatch.StartNew();
                while (Interlocked.Read(ref probes) == 0)
                {
                    if (ready.Elapsed > TimeSpan.FromSeconds(20) || sub.HasExited)
                    {
                        throw new InvalidOperationException("mosquitto_sub did not subscribe: " + error);
                    }

                    await link.PublishAsync(new List<(string, byte[], bool)> { ("bench/ready", new byte[] { 1 }, false) }, 1);
                    await Task.Delay(50);
                }

                PreparedBurst burst = link.Prepare(fleet.BoundaryMessages(DateTime.UtcNow, fleet.Period), 2);
                GC.Collect();
                (TimeSpan broker, TimeSpan process, TimeSpan subscriber) start = (broker.ProcessorTime, Process.GetCurrentProcess().TotalProcessorTime, ProcessorTime(sub));
                var watch = Stopwatch.StartNew();
                await link.PublishAsync(burst);
                await WaitAsync(() => Interlocked.Read(ref received) >= burst.Messages, "mosquitto_sub to receive the boundary");
                TimeSpan elapsed = watch.Elapsed;
                return new PartRun(elapsed, broker.ProcessorTime - start.broker, Process.GetCurrentProcess().TotalProcessorTime - start.process, ProcessorTime(sub) - start.subscriber);
            }
            finally
            {
                TestProcess.Stop(sub);
            }
        }

        /// <summary>
        /// The collector's MQTT client alone: the same boundary into one MQTTnet client with the collector's
        /// subscriptions, receive maximum and manual acknowledgement, which copies each payload out and acknowledges
        /// it at once. Seconds from the first publish to the last message received.
        /// </summary>
        public static async Task<PartRun> ClientAloneAsync(BenchFleet fleet, int connections, ushort receiveMaximum)
        {
            int n = fleet.Count;
            using Mosquitto broker = Broker(n);
            IMqttClient subscriber = new MqttClientFactory().CreateMqttClient();
            long received = 0;
            string? dropped = null;
            subscriber.DisconnectedAsync += e =>
            {
                dropped ??= $"{e.Reason} {e.ReasonString} {e.Exception?.GetType().Name}: {e.Exception?.Message}";
                return Task.CompletedTask;
            };
            subscriber.ApplicationMessageReceivedAsync += e =>
            {
                e.AutoAcknowledge = false;
                _ = e.ApplicationMessage.Payload.ToArray();
                Interlocked.Increment(ref received);
                _ = e.AcknowledgeAsync(CancellationToken.None);
                return Task.CompletedTask;
            };
            await subscriber.ConnectAsync(MqttSocket.WithLargeBuffers(new MqttClientOptionsBuilder()
                .WithTcpServer(broker.Host, broker.Port)
                .WithClientId("client-alone")
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithCleanStart(true)
                .WithReceiveMaximum(receiveMaximum)
                .Build()));
            await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic("$share/amhhdc/assetmeter/+/period").WithAtLeastOnceQoS())
                .WithTopicFilter(f => f.WithTopic("$share/amhhdc/assetmeter/+/snapshot").WithAtLeastOnceQoS())
                .WithTopicFilter(f => f.WithTopic("assetmeter/+/status").WithAtLeastOnceQoS())
                .WithTopicFilter(f => f.WithTopic("assetmeter/+/event").WithAtLeastOnceQoS())
                .WithTopicFilter(f => f.WithTopic("assetmeter/+/reply").WithAtLeastOnceQoS())
                .Build());
            await using FleetLink link = await FleetLink.ConnectAsync(broker.Host, broker.Port, connections);
            PreparedBurst burst = link.Prepare(fleet.BoundaryMessages(DateTime.UtcNow, fleet.Period), 2);
            GC.Collect();
            (TimeSpan broker, TimeSpan process) start = (broker.ProcessorTime, Process.GetCurrentProcess().TotalProcessorTime);
            var watch = Stopwatch.StartNew();
            await link.PublishAsync(burst);
            await WaitAsync(() => Interlocked.Read(ref received) >= burst.Messages || dropped != null, "the MQTTnet client to receive the boundary");
            TimeSpan brokerProcessor = broker.ProcessorTime - start.broker;
            TimeSpan processProcessor = Process.GetCurrentProcess().TotalProcessorTime - start.process;
            if (dropped != null)
            {
                throw new InvalidOperationException($"the MQTTnet client alone was disconnected after {Interlocked.Read(ref received):N0} of {burst.Messages:N0} messages: {dropped}");
            }

            TimeSpan elapsed = watch.Elapsed;
            await subscriber.DisconnectAsync();
            subscriber.Dispose();
            return new PartRun(elapsed, brokerProcessor, processProcessor, TimeSpan.Zero);
        }

        private static TimeSpan ProcessorTime(Process process)
        {
            try
            {
                process.Refresh();
                return process.TotalProcessorTime;
            }
            catch (InvalidOperationException)
            {
                return TimeSpan.Zero;
            }
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
