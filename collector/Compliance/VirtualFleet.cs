using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector.Registry;
using AssetMeter.Firmware.Commands;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Host;
using AssetMeter.Firmware.Mqtt;
using AssetMeter.Firmware.Records;
using AssetMeter.Hardware.Atecc608;
using AssetMeter.Hardware.Emulation;
using AssetMeter.VirtualMeter.Run;
using FirmwareTopics = AssetMeter.Firmware.Mqtt.MeterTopics;

namespace AssetMeter.Collector.Compliance
{
    /// <summary>One virtual meter of a fleet: what it is and how it signs.</summary>
    public sealed class FleetMeterSpec
    {
        public required string Serial { get; init; }

        /// <summary>A load scenario of the virtual meter (charger, battery, heat-pump, idle).</summary>
        public string Scenario { get; init; } = "charger";

        public IcKind Ic { get; init; } = IcKind.Ade7953;

        /// <summary>True: ECDSA in an (emulated) ATECC608; false: HMAC-SHA256 with a per-meter key.</summary>
        public bool SecureElement { get; init; } = true;

        public required string AmsidImport { get; init; }

        public string? AmsidExport { get; init; }

        public int Seed { get; init; } = 1;

        /// <summary>Seconds between operational metering messages (1 to 60), or 0 for none.</summary>
        public int OperationalIntervalSeconds { get; init; }

        /// <summary>The asset meter's gain error (0.05: it over-reads by 5 %), for the delivery checks to catch.</summary>
        public double GainError { get; init; }

        /// <summary>Reshapes the asset's load (given with its UTC start) before the meter starts, a dispatch the asset follows for example; null to leave it.</summary>
        public Func<LoadScenario, DateTime, LoadScenario>? Load { get; init; }
    }

    /// <summary>A running virtual meter of the fleet.</summary>
    public sealed class FleetMeter
    {
        internal FleetMeter(FleetMeterSpec spec, VirtualMeterRig rig, MemoryStorage storage, MqttNetTransport transport, MeterRegistration registration, byte[]? operationalKey)
        {
            OperationalKey = operationalKey;
            Spec = spec;
            Rig = rig;
            Storage = storage;
            Transport = transport;
            Registration = registration;
        }

        public FleetMeterSpec Spec { get; }

        public string Serial => Spec.Serial;

        public VirtualMeterRig Rig { get; }

        /// <summary>The meter's flash.</summary>
        public MemoryStorage Storage { get; }

        public MqttNetTransport Transport { get; }

        /// <summary>The standing data a collector needs for this meter (its public or HMAC key, AMSIDs).</summary>
        public MeterRegistration Registration { get; }

        /// <summary>The operational stream's key (registered with the operational collector), or null when the stream is off.</summary>
        public byte[]? OperationalKey { get; }

        /// <summary>What the operational collector needs of this meter, or null when its stream is off.</summary>
        public AssetMeter.Collector.Operational.OperationalMeter? Operational => OperationalKey == null ? null
            : new AssetMeter.Collector.Operational.OperationalMeter { Serial = Serial, AmsidImport = Spec.AmsidImport, AmsidExport = Spec.AmsidExport, Key = OperationalKey };

        /// <summary>While the meter is without power: when the supply returns (true UTC); null when powered.</summary>
        public DateTime? PoweredOffUntil { get; internal set; }

        /// <summary>The meter's UTC now (its own clock), or null before it knows the time.</summary>
        public DateTime? MeterUtc
        {
            get
            {
                long utc = Rig.Meter.Loop.UtcNow();
                return utc == 0 ? null : new DateTime(utc, DateTimeKind.Utc);
            }
        }
    }

    /// <summary>
    /// A fleet of virtual meters (the real portable meter application over emulated ICs and secure elements)
    /// connected to an MQTT broker, living on one simulated clock. <see cref="RunAsync"/> moves that clock in one-second
    /// steps at a chosen speed; while messages are in flight (a collector's command not yet answered, records not yet
    /// stored) it waits, so that the network costs real time but no simulated time, as if latency were nil.
    /// </summary>
    public sealed class VirtualFleet : IAsyncDisposable
    {
        private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);
        private readonly List<FleetMeter> _meters = new();
        private long _commandsReceived;
        private long _steps;

        private VirtualFleet(DateTime startUtc)
        {
            Time = new SimulatedTime(startUtc);
            StartUtc = startUtc;
        }

        public DateTime StartUtc { get; }

        /// <summary>True UTC of the simulation (the collector's clock).</summary>
        public SimulatedTime Time { get; }

        public DateTime UtcNow => Time.UtcNow;

        public IReadOnlyList<FleetMeter> Meters => _meters;

        /// <summary>Messages the meters have received on their command topics.</summary>
        public long CommandsReceived => Interlocked.Read(ref _commandsReceived);

        /// <summary>Messages the meters have handed to the broker on the topics a collector reads.</summary>
        public long PublishedForCollector => Interlocked.Read(ref _publishedForCollector);

        /// <summary>The part of <see cref="PublishedForCollector"/> that is period records and snapshots (what a share group of collectors splits among its members).</summary>
        public long PublishedRecordsForCollector => Interlocked.Read(ref _publishedRecords);

        /// <summary>Period records the meters have handed to the broker, re-sends included.</summary>
        public long PublishedPeriods => Interlocked.Read(ref _publishedPeriods);

        private long _publishedRecords;
        private long _publishedPeriods;

        /// <summary>When a meter last handed such a message over (Environment.TickCount64, real time).</summary>
        public long LastPublishTick => Interlocked.Read(ref _lastPublishTick);

        private long _publishedForCollector;
        private long _lastPublishTick;

        /// <summary>Steps taken so far.</summary>
        public long Steps => Interlocked.Read(ref _steps);

        /// <summary>A meter received a command message (its serial and the message), on the MQTT thread.</summary>
        public event Action<string, byte[]>? CommandDelivered;

        /// <summary>
        /// Builds and starts the meters, connected to the broker at <paramref name="host"/>:<paramref name="port"/>,
        /// trusting <paramref name="collectorKeys"/> (65-byte uncompressed P-256 points) for commands.
        /// </summary>
        public static VirtualFleet Start(IEnumerable<FleetMeterSpec> specs, DateTime startUtc, TimeSpan length, string host, int port, IEnumerable<byte[]> collectorKeys)
        {
            var fleet = new VirtualFleet(startUtc);
            var keys = new List<byte[]>(collectorKeys).ToArray();
            foreach (FleetMeterSpec spec in specs)
            {
                fleet._meters.Add(fleet.StartMeter(spec, length, host, port, keys));
            }

            return fleet;
        }

        private FleetMeter StartMeter(FleetMeterSpec spec, TimeSpan length, string host, int port, byte[][] collectorKeys)
        {
            int phases = spec.Ic == IcKind.Ade7953 ? 1 : 3;
            double secondOfDay = StartUtc.TimeOfDay.TotalSeconds;
            var load = Scenarios.Build(spec.Scenario, phases, secondOfDay, (int)Math.Ceiling(length.TotalDays) + 1, spec.Seed);
            if (spec.Load != null)
            {
                load = spec.Load(load, StartUtc);
            }

            byte[]? operationalKey = spec.OperationalIntervalSeconds > 0 ? RandomNumberGenerator.GetBytes(32) : null;
            var topics = new FirmwareTopics(FirmwareTopics.DefaultPrefix, spec.Serial);
            var transport = new MqttNetTransport(new MqttConnection
            {
                Host = host,
                Port = port,
                ClientId = "meter-" + spec.Serial,
                SubscribeTopic = topics.Command,
                WillTopic = topics.Status,
                WillPayload = Encoding.ASCII.GetBytes("{\"online\":false,\"serial\":\"" + spec.Serial + "\"}"),
                ReconnectDelay = TimeSpan.FromMilliseconds(200),
            });

            (IRecordSigner signer, string algorithm, string keyHex) = spec.SecureElement ? SecureElementSigner() : HmacSigner();
            var storage = new MemoryStorage();
            var rig = new VirtualMeterRig(new RigOptions
            {
                Ic = spec.Ic,
                Load = load,
                StartUtc = StartUtc,
                Serial = spec.Serial,
                AmsidImport = spec.AmsidImport,
                AmsidExport = spec.AmsidExport,
                Signer = signer,
                Verifier = new EcdsaSignatureVerifier(),
                CollectorKeys = collectorKeys,
                Transport = new CountingTransport(transport, this),
                Seed = spec.Seed,
                Error = new MetrologyErrorModel { GainError = spec.GainError },
                OperationalIntervalSeconds = spec.OperationalIntervalSeconds,
                OperationalKey = operationalKey,

                // Telemetry is for home-energy displays: every five minutes is plenty in an accelerated run.
                Publishing = new PublisherSettings { TelemetryIntervalTicks = 300 * PublisherSettings.Second },
            }, storage);
            rig.Boot();
            FleetMeter? self = null;
            transport.OnMessage((topic, payload, count) =>
            {
                // A meter without power receives nothing (its link would be down).
                if (self == null || self.PoweredOffUntil.HasValue)
                {
                    return;
                }

                Interlocked.Increment(ref _commandsReceived);
                rig.Meter.OnMessage(topic, payload, count);
                CommandDelivered?.Invoke(spec.Serial, payload);
            });
            var registration = new MeterRegistration
            {
                Serial = spec.Serial,
                Algorithm = algorithm,
                KeyHex = keyHex,
                AmsidImport = spec.AmsidImport,
                AmsidExport = spec.AmsidExport,
                RegisteredUtc = StartUtc,
            };
            self = new FleetMeter(spec, rig, storage, transport, registration, operationalKey);
            return self;
        }

        /// <summary>An ATECC608 emulator with a key generated inside it; the driver signs through it as on the board (the bench's emulated meter signs so too).</summary>
        public static (IRecordSigner Signer, string Algorithm, string KeyHex) SecureElementSigner()
        {
            var element = new Atecc608Emulator(configLocked: true, dataLocked: false);
            element.GenerateKeyInSlot(0);
            element.LockDataZone();
            var driver = new Atecc608(element, new GeneralCallWake(element.GeneralCall), element.Delay);
            var raw = new byte[Atecc608.PublicKeyLength];
            if (driver.ReadPublicKey(0, raw, 0) != Atecc608Status.Ok)
            {
                throw new InvalidOperationException("the emulated secure element did not give its public key: " + driver.LastStatus);
            }

            return (new Atecc608RecordSigner(driver, 0), MeterRegistration.Ecdsa, "04" + Convert.ToHexStringLower(raw));
        }

        private static (IRecordSigner, string, string) HmacSigner()
        {
            byte[] key = RandomNumberGenerator.GetBytes(32);
            return (new HmacRecordSigner(key), MeterRegistration.Hmac, Convert.ToHexStringLower(key));
        }

        /// <summary>Moves every meter and the shared clock on by one step.</summary>
        public void StepOnce()
        {
            DateTime target = Time.UtcNow + Step;
            foreach (FleetMeter meter in _meters)
            {
                VirtualMeterRig rig = meter.Rig;
                if (meter.PoweredOffUntil.HasValue)
                {
                    // No supply: time passes and nothing runs, until the supply returns and the meter boots again.
                    rig.Clock.Advance(target.Ticks - rig.TrueUtc);
                    if (target >= meter.PoweredOffUntil.Value)
                    {
                        meter.PoweredOffUntil = null;
                        rig.Chip.PowerUp();
                        rig.Boot();
                    }

                    continue;
                }

                while (rig.TrueUtc < target.Ticks)
                {
                    rig.Step();
                }
            }

            Time.Set(target);
            Interlocked.Increment(ref _steps);
        }

        /// <summary>
        /// Runs the fleet for <paramref name="length"/> of simulated time at <paramref name="speed"/> simulated seconds
        /// per real second. Before each step it waits (up to <paramref name="maximumWait"/> of real time) until
        /// <paramref name="quiet"/> says nothing is in flight. <paramref name="atStep"/> runs after every step.
        /// </summary>
        public async Task RunAsync(TimeSpan length, double speed, Func<bool>? quiet, Func<DateTime, Task>? atStep, TimeSpan maximumWait, CancellationToken cancel)
        {
            DateTime end = Time.UtcNow + length;
            var wall = Stopwatch.StartNew();
            double simulated = 0;
            while (Time.UtcNow < end && !cancel.IsCancellationRequested)
            {
                if (quiet != null)
                {
                    var waited = Stopwatch.StartNew();
                    while (!quiet() && waited.Elapsed < maximumWait)
                    {
                        await Task.Delay(1, cancel);
                    }
                }

                StepOnce();
                simulated += Step.TotalSeconds;
                if (atStep != null)
                {
                    await atStep(Time.UtcNow);
                }

                double ahead = (simulated / speed) - wall.Elapsed.TotalSeconds;
                if (ahead > 0.005)
                {
                    await Task.Delay(TimeSpan.FromSeconds(ahead), cancel);
                }
            }
        }

        /// <summary>Counts what a meter publishes on the topics a collector reads (telemetry and discovery are not).</summary>
        private sealed class CountingTransport : IMqttTransport
        {
            private readonly MqttNetTransport _inner;
            private readonly VirtualFleet _fleet;

            public CountingTransport(MqttNetTransport inner, VirtualFleet fleet)
            {
                _inner = inner;
                _fleet = fleet;
            }

            public bool IsConnected => _inner.IsConnected;

            public bool Publish(string topic, byte[] payload, int offset, int count, int qos, bool retain)
            {
                bool accepted = _inner.Publish(topic, payload, offset, count, qos, retain);
                bool period = topic.EndsWith("/period", StringComparison.Ordinal);
                bool record = period || topic.EndsWith("/snapshot", StringComparison.Ordinal);
                if (accepted && (record || topic.EndsWith("/status", StringComparison.Ordinal) || topic.EndsWith("/event", StringComparison.Ordinal) || topic.EndsWith("/reply", StringComparison.Ordinal)))
                {
                    // Records first: a reader that sees the total grow must find the part counted already.
                    if (record)
                    {
                        Interlocked.Increment(ref _fleet._publishedRecords);
                    }

                    if (period)
                    {
                        Interlocked.Increment(ref _fleet._publishedPeriods);
                    }

                    Interlocked.Increment(ref _fleet._publishedForCollector);
                    Interlocked.Exchange(ref _fleet._lastPublishTick, Environment.TickCount64);
                }

                return accepted;
            }
        }

        /// <summary>Cuts a meter's supply for <paramref name="length"/>: the chip loses its registers, the meter stops, and boots again when the supply returns.</summary>
        public void PowerCut(FleetMeter meter, TimeSpan length)
        {
            meter.Rig.Chip.PowerDown();
            meter.PoweredOffUntil = Time.UtcNow + length;
        }

        /// <summary>True when no meter has anything waiting to be sent to a connected broker.</summary>
        public bool MetersQuiet()
        {
            foreach (FleetMeter meter in _meters)
            {
                if (meter.Transport.IsConnected && meter.Transport.Queued > 0)
                {
                    return false;
                }
            }

            return true;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (FleetMeter meter in _meters)
            {
                await meter.Transport.DisposeAsync();
            }
        }
    }
}
