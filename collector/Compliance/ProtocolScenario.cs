using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector.Commands;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Output;
using AssetMeter.Collector.Storage;
using AssetMeter.Firmware.Events;
using AssetMeter.Firmware.Configuration;

namespace AssetMeter.Collector.Compliance
{
    /// <summary>
    /// One virtual meter and one collector on a real broker, on a simulated clock: the stage of a BSCP601 protocol
    /// test. The meter trusts one collector key (the correct access); the other key is a collector the meter has
    /// never been told about (incorrect access).
    /// </summary>
    public sealed class ProtocolScenario : IAsyncDisposable
    {
        private readonly string _host;
        private readonly int _port;
        private readonly double _speed;
        private readonly CancellationToken _cancel;
        private readonly List<string> _log = new();
        private CollectorService? _collector;
        private Quiescence? _quiescence;
        private DateTime _nextSupervision;

        private ProtocolScenario(string host, int port, string directory, double speed, CancellationToken cancel)
        {
            _host = host;
            _port = port;
            _speed = speed;
            _cancel = cancel;
            Directory = directory;
            CorrectKey = CollectorKey.Create();
            IncorrectKey = CollectorKey.Create();
            Store = "sqlite:" + Path.Combine(directory, "collector.db");
        }

        /// <summary>Where this test's evidence goes.</summary>
        public string Directory { get; }

        /// <summary>The store of this test's collector.</summary>
        public string Store { get; }

        /// <summary>The key the meter trusts.</summary>
        public CollectorKey CorrectKey { get; }

        /// <summary>A key the meter has never been given.</summary>
        public CollectorKey IncorrectKey { get; }

        public VirtualFleet Fleet { get; private set; } = null!;

        public FleetMeter Meter => Fleet.Meters[0];

        public CollectorService? Collector => _collector;

        /// <summary>What the collector logged.</summary>
        public IReadOnlyList<string> CollectorLog => _log;

        /// <summary>Starts a meter <paramref name="serial"/> at <paramref name="startUtc"/>, connected to the broker.</summary>
        public static ProtocolScenario Start(string host, int port, string directory, string serial, DateTime startUtc, double speed, CancellationToken cancel)
        {
            if (System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, true);
            }

            System.IO.Directory.CreateDirectory(directory);
            var scenario = new ProtocolScenario(host, port, directory, speed, cancel);
            var spec = new FleetMeterSpec { Serial = serial, Scenario = "charger", Ic = IcKind.Ade7953, AmsidImport = serial.ToUpperInvariant() + "-I", AmsidExport = serial.ToUpperInvariant() + "-E", Seed = 7 };
            scenario.Fleet = VirtualFleet.Start(new[] { spec }, startUtc, TimeSpan.FromDays(3), host, port, new[] { Convert.FromHexString(scenario.CorrectKey.PublicKeyHex) });
            using (CollectorStore store = CollectorStore.Open(scenario.Store))
            {
                store.Register(scenario.Meter.Registration);
            }

            return scenario;
        }

        /// <summary>Runs the meter with no collector (as fast as the broker takes its messages).</summary>
        public Task RunWithoutCollectorAsync(TimeSpan length)
            => Fleet.RunAsync(length, 1_000_000, Fleet.MetersQuiet, null, TimeSpan.FromMilliseconds(50), _cancel);

        /// <summary>Starts the collector with <paramref name="key"/> as its access key.</summary>
        public async Task StartCollectorAsync(CollectorKey key, SupervisorSettings settings)
        {
            if (_collector != null)
            {
                await StopCollectorAsync();
            }

            _collector = new CollectorService(
                new CollectorOptions { BrokerHost = _host, BrokerPort = _port, Instance = "bscp601-" + Guid.NewGuid().ToString("N").Substring(0, 8), ShareGroup = null, SupervisionInterval = TimeSpan.Zero, Supervision = settings },
                Store, key, Fleet.Time, line =>
                {
                    lock (_log)
                    {
                        _log.Add($"{Fleet.UtcNow:yyyy-MM-ddTHH:mm:ss}Z {line}");
                    }
                });
            _quiescence = new Quiescence(_collector, Fleet);
            _collector.Start();
            if (!await _collector.WaitConnectedAsync(TimeSpan.FromSeconds(20)))
            {
                throw new InvalidOperationException($"the collector could not connect to the broker at {_host}:{_port}");
            }

            _nextSupervision = Fleet.UtcNow;
        }

        public async Task StopCollectorAsync()
        {
            if (_collector != null)
            {
                await _collector.DrainAsync(TimeSpan.FromSeconds(10));
                await _collector.DisposeAsync();
                _collector = null;
                _quiescence = null;
            }
        }

        /// <summary>Runs meter and collector together for <paramref name="length"/> of simulated time.</summary>
        public Task RunAsync(TimeSpan length) => RunUntilAsync(() => false, length);

        /// <summary>Runs meter and collector until <paramref name="done"/> holds or <paramref name="longest"/> has passed; true if it held.</summary>
        public async Task<bool> RunUntilAsync(Func<bool> done, TimeSpan longest)
        {
            DateTime end = Fleet.UtcNow + longest;
            while (Fleet.UtcNow < end)
            {
                await Fleet.RunAsync(TimeSpan.FromMinutes(1), _speed, Quiet, Supervise, TimeSpan.FromMilliseconds(200), _cancel);
                if (done())
                {
                    return true;
                }
            }

            return done();
        }

        private bool Quiet() => _quiescence == null ? Fleet.MetersQuiet() : _quiescence.Quiet();

        private async Task Supervise(DateTime now)
        {
            if (_collector != null && now >= _nextSupervision)
            {
                _nextSupervision = now + Quiescence.SupervisionEvery;
                await _collector.SuperviseOnceAsync(_cancel);
            }
        }

        /// <summary>Waits (running the simulation) until the collector has stored everything in flight.</summary>
        public async Task SettleAsync()
        {
            await RunAsync(TimeSpan.FromSeconds(10));
            if (_collector != null)
            {
                await _collector.DrainAsync(TimeSpan.FromSeconds(10));
            }
        }

        /// <summary>The meter's own event log (what its manufacturer's software would show).</summary>
        public List<MeterEvent> MeterEvents()
        {
            var events = new List<MeterEvent>();
            var chunk = new MeterEvent[8];
            uint next = 1;
            while (true)
            {
                int count = Meter.Rig.Journal.ReadEvents(next, chunk);
                if (count == 0)
                {
                    return events;
                }

                for (int i = 0; i < count; i++)
                {
                    events.Add(chunk[i]);
                    next = chunk[i].Sequence + 1;
                }
            }
        }

        /// <summary>The meter's clock minus true UTC, seconds (null before it knows the time).</summary>
        public double? MeterClockErrorSeconds => Meter.MeterUtc.HasValue ? (Meter.MeterUtc.Value - Fleet.UtcNow).TotalSeconds : null;

        /// <summary>Writes this test's data files and validation report into its directory; returns the audit.</summary>
        public AuditResult WriteEvidence()
        {
            using CollectorStore store = CollectorStore.Open(Store);
            DataFiles.Write(store, Path.Combine(Directory, "data"));
            AuditResult audit = ValidationReport.Write(store, Path.Combine(Directory, "validation-report.md"), Fleet.UtcNow, TimeSpan.FromMinutes(15), CollectorVersion.Text);
            lock (_log)
            {
                File.WriteAllLines(Path.Combine(Directory, "collector.log"), _log);
            }

            return audit;
        }

        public async ValueTask DisposeAsync()
        {
            await StopCollectorAsync();
            await Fleet.DisposeAsync();
            CorrectKey.Dispose();
            IncorrectKey.Dispose();
        }
    }
}
