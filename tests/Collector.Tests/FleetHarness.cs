using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector.Commands;
using AssetMeter.Collector.Compliance;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Storage;

namespace AssetMeter.Collector.Tests
{
    /// <summary>
    /// A virtual fleet on a real broker with any number of collector instances, driven the way the demo drives it: the
    /// simulated clock moves only when nothing is in flight between meters and collectors (<see cref="Quiescence"/>),
    /// and the instances that hold the command key supervise every 30 simulated seconds.
    /// </summary>
    internal sealed class FleetHarness : IAsyncDisposable
    {
        /// <summary>Simulated seconds per real second (the demo's pace).</summary>
        private const double Speed = 4000;

        private readonly List<CollectorService> _collectors = new();
        private readonly List<(CollectorService Collector, bool Supervises)> _members = new();
        private Quiescence? _quiescence;
        private DateTime _nextSupervision;

        private FleetHarness(VirtualFleet fleet, CollectorKey key, string host, int port)
        {
            Fleet = fleet;
            Key = key;
            Host = host;
            Port = port;
            _nextSupervision = fleet.UtcNow;
        }

        public VirtualFleet Fleet { get; }

        /// <summary>The command key the meters trust.</summary>
        public CollectorKey Key { get; }

        public string Host { get; }

        public int Port { get; }

        /// <summary>While true, no instance supervises: the meters hear no acknowledgement and go round their journals again.</summary>
        public bool SupervisionPaused { get; set; }

        /// <summary>What every collector logged, with the simulated time and the instance.</summary>
        public ConcurrentQueue<string> Log { get; } = new();

        /// <summary>Starts the meters on the broker at <paramref name="host"/>:<paramref name="port"/>, trusting a new collector key.</summary>
        public static FleetHarness Start(IEnumerable<FleetMeterSpec> meters, DateTime startUtc, TimeSpan length, string host, int port)
        {
            var key = CollectorKey.Create();
            VirtualFleet fleet = VirtualFleet.Start(meters, startUtc, length, host, port, new[] { Convert.FromHexString(key.PublicKeyHex) });
            return new FleetHarness(fleet, key, host, port);
        }

        /// <summary>
        /// Registers the fleet's meters in <paramref name="store"/> and starts a collector instance on it: with the
        /// command key when it <paramref name="supervises"/> (otherwise it only listens and stores), in
        /// <paramref name="shareGroup"/> or subscribed plainly.
        /// </summary>
        public async Task<CollectorService> AddCollectorAsync(string instance, string store, bool supervises, string? shareGroup)
        {
            using (CollectorStore registry = CollectorStore.Open(store))
            {
                foreach (FleetMeter meter in Fleet.Meters)
                {
                    registry.Register(meter.Registration);
                }
            }

            var collector = new CollectorService(
                new CollectorOptions
                {
                    BrokerHost = Host,
                    BrokerPort = Port,
                    Instance = instance,
                    ShareGroup = shareGroup,
                    SupervisionInterval = TimeSpan.Zero,
                    Supervision = new SupervisorSettings { ClockCheckInterval = TimeSpan.FromHours(1) },
                },
                store, supervises ? Key : null, Fleet.Time, line => Log.Enqueue($"{Fleet.UtcNow:HH:mm:ss} {instance}: {line}"));
            collector.Start();
            _collectors.Add(collector);
            _members.Add((collector, supervises));
            if (!await collector.WaitConnectedAsync(TimeSpan.FromSeconds(20)))
            {
                throw new InvalidOperationException($"collector {instance} could not connect to {Host}:{Port}: {string.Join("\n", Log)}");
            }

            return collector;
        }

        /// <summary>Runs fleet and collectors for <paramref name="length"/> of simulated time; <paramref name="script"/> runs after every step.</summary>
        public Task RunAsync(TimeSpan length, Func<DateTime, Task>? script = null)
        {
            _quiescence ??= new Quiescence(Fleet, _collectors);
            return Fleet.RunAsync(length, Speed, _quiescence.Quiet, async now =>
            {
                if (now >= _nextSupervision && !SupervisionPaused)
                {
                    _nextSupervision = now + Quiescence.SupervisionEvery;
                    foreach ((CollectorService collector, bool supervises) in _members)
                    {
                        if (supervises)
                        {
                            await collector.SuperviseOnceAsync(CancellationToken.None);
                        }
                    }
                }

                if (script != null)
                {
                    await script(now);
                }
            }, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }

        /// <summary>
        /// Goes on (at most two simulated hours) until <paramref name="store"/> holds every closed period of every meter
        /// and the meters have been told so, then waits until every collector has stored all it received.
        /// </summary>
        public async Task<bool> SettleAsync(string store)
        {
            bool collected = Demo.AllCollected(store, Fleet);
            for (int i = 0; i < 720 && !collected; i++)
            {
                await RunAsync(TimeSpan.FromSeconds(10));
                collected = Demo.AllCollected(store, Fleet);
            }

            // A few more steps, then quiet: whatever the last step published has arrived before anything is counted.
            await RunAsync(TimeSpan.FromSeconds(5));
            var wait = System.Diagnostics.Stopwatch.StartNew();
            while (!_quiescence!.Quiet() && wait.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(10);
            }

            foreach (CollectorService collector in _collectors)
            {
                await collector.DrainAsync(TimeSpan.FromSeconds(10));
            }

            return collected;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (CollectorService collector in _collectors)
            {
                await collector.DisposeAsync();
            }

            await Fleet.DisposeAsync();
            Key.Dispose();
        }
    }
}
