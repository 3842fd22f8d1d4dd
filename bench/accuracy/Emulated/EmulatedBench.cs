using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Bench.MeterUnderTest;
using AssetMeter.Bench.Modbus;
using AssetMeter.Bench.Plan;
using AssetMeter.Bench.Reference;
using AssetMeter.Bench.Run;
using AssetMeter.Collector.Commands;
using AssetMeter.Collector.Compliance;
using AssetMeter.Collector.Registry;
using AssetMeter.Firmware.Commands;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Host;
using AssetMeter.Firmware.Mqtt;
using AssetMeter.Hardware.Ade7953;
using AssetMeter.Hardware.Atm90e32;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Hardware.Metering;

namespace AssetMeter.Bench.Emulated
{
    /// <summary>How the bench reads the emulated meter under test.</summary>
    public enum DutChannel
    {
        /// <summary>Signed snapshots over MQTT after authenticated read commands, as from a real meter.</summary>
        Mqtt,

        /// <summary>The emulated IC's energy registers through the driver.</summary>
        Ic,

        /// <summary>The test output's pulses (from the meter's register), with a scanning head's view.</summary>
        Pulses,
    }

    /// <summary>How the bench reads the emulated reference.</summary>
    public enum ReferenceLink
    {
        /// <summary>Modbus RTU through a socat pseudo-terminal pair.</summary>
        Rtu,

        /// <summary>Modbus TCP on loopback.</summary>
        Tcp,

        /// <summary>Its pulse output.</summary>
        Pulses,
    }

    public sealed class EmulatedBenchOptions
    {
        public IcKind Ic { get; init; } = IcKind.Ade7953;

        /// <summary>The meter under test's front-end errors (gain, phase, offset, crosstalk).</summary>
        public MetrologyErrorModel MeterError { get; init; } = MetrologyErrorModel.Ideal;

        public DutChannel Dut { get; init; } = DutChannel.Mqtt;

        public ReferenceLink Link { get; init; } = ReferenceLink.Rtu;

        public ReferenceModel Model { get; init; } = ReferenceModel.Sdm630;

        /// <summary>How finely the emulated reference's energy register steps (and the resolution the bench is told), Wh.</summary>
        public double ReferenceStepWattHours { get; init; } = 0.1;

        /// <summary>The reference's pulse output when it is read by pulses, imp/kWh.</summary>
        public double ReferencePulseConstant { get; init; } = 100_000;

        /// <summary>Simulated seconds per real second; 0: as fast as the machine goes.</summary>
        public double Speed { get; init; }

        /// <summary>Where the pseudo-terminal links are made.</summary>
        public required string WorkDirectory { get; init; }

        public string Serial { get; init; } = "am-bench-1";

        public int Seed { get; init; } = 1;

        public DateTime StartUtc { get; init; } = new(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);

        /// <summary>The reference's accuracy as its (emulated) calibration certificate states it.</summary>
        public ReferenceAccuracy Accuracy { get; init; } = new() { ClassPercent = 0.5, CertificateUncertaintyPercentAtUnity = 0.2, CertificateUncertaintyPercentAtHalf = 0.25 };

        /// <summary>The ratings of the emulated meter's front end (the plan should use them).</summary>
        public MeterRatings Ratings => Ic == IcKind.Ade7953
            ? new MeterRatings { BasicCurrent = Ade7953FrontEnd.BasicCurrentAmps, MaximumCurrent = Ade7953FrontEnd.MaximumCurrentAmps, MeterConstant = 3200 }
            : new MeterRatings { BasicCurrent = Atm90e32ReferenceBoard.BasicCurrentAmps, MaximumCurrent = Atm90e32ReferenceBoard.MaximumCurrentAmps, Phases = 3, MeterConstant = Atm90e32ReferenceBoard.MeterConstant };
    }

    /// <summary>
    /// The whole emulated bench, started: load, meter under test, reference (with its Modbus servers), source and
    /// clock. Use <see cref="Reference"/>, <see cref="Meter"/>, <see cref="Source"/> and <see cref="Clock"/> as a real
    /// bench's; <see cref="Device"/> and <see cref="Instrument"/> let a test break the reference.
    /// </summary>
    public sealed class EmulatedBench : IAsyncDisposable
    {
        private readonly object _gate = new();
        private EmbeddedBroker? _broker;
        private MqttNetTransport? _transport;
        private SocatPair? _pty;
        private ModbusRtuServer? _rtu;
        private ModbusTcpServer? _tcp;
        private int _commandsWaiting;

        private EmulatedBench(EmulatedBenchOptions options)
        {
            Options = options;
        }

        public EmulatedBenchOptions Options { get; }

        public IReferenceMeter Reference { get; private set; } = null!;

        public IMeterUnderTest Meter { get; private set; } = null!;

        public ILoadSource Source { get; private set; } = null!;

        public IBenchClock Clock { get; private set; } = null!;

        public BenchSimulation Simulation { get; private set; } = null!;

        public EmulatedReferenceInstrument Instrument { get; private set; } = null!;

        public ModbusDevice Device { get; private set; } = null!;

        /// <summary>The virtual meter (MQTT and pulse channels), or null when the IC is read directly.</summary>
        public VirtualMeterRig? Rig { get; private set; }

        /// <summary>The meter's standing data (serial, signing key) when it is read over MQTT.</summary>
        public MeterRegistration? Registration { get; private set; }

        /// <summary>The emulated chip of the meter under test.</summary>
        public EmulatedMeteringChip Chip { get; private set; } = null!;

        /// <summary>The bench end of the RS-485 pseudo-terminal (RTU), for an independent master such as mbpoll.</summary>
        public string? SerialDevice => _pty?.BenchEnd;

        /// <summary>The loopback port of the Modbus TCP server.</summary>
        public int? TcpPort => _tcp?.Port;

        public static async Task<EmulatedBench> StartAsync(EmulatedBenchOptions options, CancellationToken cancel)
        {
            var bench = new EmulatedBench(options);
            try
            {
                await bench.BuildAsync(cancel);
            }
            catch
            {
                await bench.DisposeAsync();
                throw;
            }

            return bench;
        }

        private async Task BuildAsync(CancellationToken cancel)
        {
            int phases = Options.Ic == IcKind.Ade7953 ? 1 : 3;
            var load = new LoadScenario(phases, Options.Ratings.NominalVoltage);
            Instrument = new EmulatedReferenceInstrument(Options.Model, 23_010_417, Options.Seed + 100) { RegisterStepWattHours = Options.ReferenceStepWattHours };
            Device = new ModbusDevice(Instrument, _gate, 1);
            Func<double> now = () => Chip.Now;
            Action step;
            Action idle;
            Func<long> meterRegister;
            MeterInfo identity;
            CollectorKey? key = null;
            MeterRegistration? registration = null;
            IcMeterUnderTest? direct = null;
            if (Options.Dut == DutChannel.Ic)
            {
                Chip = Options.Ic == IcKind.Ade7953
                    ? new Ade7953Emulator(load, Options.MeterError, Options.Seed)
                    : new Atm90e32Emulator(load, new[] { Options.MeterError, Options.MeterError, Options.MeterError }, Options.Seed);
                var clock = new SimulationClock(Chip, 10_000_000);
                IEnergyIc ic = Options.Ic == IcKind.Ade7953 ? new Ade7953((AssetMeter.Hardware.Bus.IBusDevice)Chip, clock, null, Ade7953EnergyMode.Accumulating) : new Atm90e32((AssetMeter.Hardware.Bus.IBusDevice)Chip, clock, null);
                if (ic.Start() != IcStatus.Ok)
                {
                    throw new InvalidOperationException($"the emulated {ic.PartName} did not start: {ic.LastFault.Status}");
                }

                direct = new IcMeterUnderTest(ic, _gate, Options.Serial);
                step = () =>
                {
                    clock.Advance(10_000_000);
                    direct.Poll(10_000_000);
                    Instrument.AdvanceTo(load, Chip.Now);
                };
                idle = () => { };
                meterRegister = () => direct.ImportMicrowattHours;
                identity = new MeterInfo(Options.Serial, "AM-T5-" + ic.PartName, "n/a", "n/a", null, 0);
            }
            else
            {
                _broker = new EmbeddedBroker();
                await _broker.StartAsync();
                key = CollectorKey.Create();
                var topics = new MeterTopics(MeterTopics.DefaultPrefix, Options.Serial);
                _transport = new MqttNetTransport(new MqttConnection
                {
                    Host = _broker.Host,
                    Port = _broker.Port,
                    ClientId = "meter-" + Options.Serial,
                    SubscribeTopic = topics.Command,
                    WillTopic = topics.Status,
                    WillPayload = MeterApplication.OfflineStatus(Options.Serial),
                    ReconnectDelay = TimeSpan.FromMilliseconds(100),
                });
                (var signer, string algorithm, string keyHex) = VirtualFleet.SecureElementSigner();
                var rig = new VirtualMeterRig(new RigOptions
                {
                    Ic = Options.Ic,
                    Load = load,
                    Error = Options.MeterError,
                    StartUtc = Options.StartUtc,
                    Serial = Options.Serial,
                    AmsidImport = "AMSID-BENCH-IMP-1",
                    AmsidExport = "AMSID-BENCH-EXP-1",
                    Signer = signer,
                    Verifier = new EcdsaSignatureVerifier(),
                    CollectorKeys = new[] { Convert.FromHexString(key.PublicKeyHex) },
                    Transport = _transport,
                    Seed = Options.Seed,
                    Publishing = new PublisherSettings { TelemetryIntervalTicks = 3600 * PublisherSettings.Second, SnapshotIntervalTicks = 24 * 3600 * PublisherSettings.Second },
                }, new MemoryStorage());
                Rig = rig;
                Chip = rig.Chip;
                rig.Boot();
                _transport.OnMessage((topic, payload, count) =>
                {
                    rig.Meter.OnMessage(topic, payload, count);
                    Interlocked.Increment(ref _commandsWaiting);
                });
                Registration = registration = new MeterRegistration { Serial = Options.Serial, Algorithm = algorithm, KeyHex = keyHex, AmsidImport = "AMSID-BENCH-IMP-1", AmsidExport = "AMSID-BENCH-EXP-1" };
                step = () =>
                {
                    rig.Step();
                    Instrument.AdvanceTo(load, Chip.Now);
                };
                // A tick in which no time passes, only while a command waits: the meter answers at once, and its IC is
                // not read again and again at one instant (its driver would take an unmoving register for a stuck one).
                idle = () =>
                {
                    if (Interlocked.Exchange(ref _commandsWaiting, 0) > 0)
                    {
                        rig.Meter.Tick();
                    }
                };
                meterRegister = () => rig.Meter.Loop.ImportMicrowattHours;
                identity = new MeterInfo(Options.Serial, "AM-T5-" + (Options.Ic == IcKind.Ade7953 ? "ADE7953" : "ATM90E32AS"), "0.1.0", "AMSID-BENCH-IMP-1", "AMSID-BENCH-EXP-1", 0);
            }

            Simulation = new BenchSimulation(_gate, step, idle, now, Options.Speed);
            Clock = new SimulatedBenchClock(Simulation, Options.StartUtc);
            Source = new EmulatedLoadSource(Simulation, load, now);

            // The meter learns the time and (over MQTT) connects before the bench begins.
            if (_transport != null)
            {
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (!_transport.IsConnected && waited.Elapsed < TimeSpan.FromSeconds(10))
                {
                    await Task.Delay(10, cancel);
                }
            }

            await Simulation.AdvanceAsync(5, cancel);
            Reference = BuildReference();
            Meter = Options.Dut switch
            {
                DutChannel.Ic => direct!,
                DutChannel.Pulses => new PulseMeterUnderTest(
                    new EmulatedPulseSource("the emulated meter's test output", _gate, () => meterRegister() * (long)Options.Ratings.MeterConstant / 1_000_000_000L),
                    Options.Ratings.MeterConstant, identity),
                _ => await MqttMeterUnderTest.ConnectAsync(new MqttMeterOptions
                {
                    Host = _broker!.Host,
                    Port = _broker.Port,
                    Registration = registration!,
                    Key = key!,
                    UtcNow = () => Clock.UtcNow,
                }, cancel),
            };
        }

        private IReferenceMeter BuildReference()
        {
            switch (Options.Link)
            {
                case ReferenceLink.Pulses:
                    var pulses = new EmulatedPulseSource("the emulated reference's pulse output", _gate, () => Instrument.Pulses(Options.ReferencePulseConstant));
                    return new PulseReferenceMeter(pulses, Options.ReferencePulseConstant, Options.Model.Name + " (emulated)", Instrument.Serial.ToString(System.Globalization.CultureInfo.InvariantCulture), Options.Accuracy);
                case ReferenceLink.Tcp:
                    _tcp = new ModbusTcpServer(Device);
                    return new ModbusReferenceMeter(Options.Model, new ModbusTcpTransport("127.0.0.1", _tcp.Port), 1, Options.Accuracy, resolutionWattHours: Options.ReferenceStepWattHours);
                default:
                    _pty = SocatPair.Start(Path.Combine(Options.WorkDirectory, "rs485"));
                    _rtu = new ModbusRtuServer(Device, _pty.ReferenceEnd, Options.Model.DefaultBaudRate);
                    var transport = new ModbusRtuTransport(new SerialSettings { Port = _pty.BenchEnd, BaudRate = Options.Model.DefaultBaudRate });
                    return new ModbusReferenceMeter(Options.Model, transport, 1, Options.Accuracy, resolutionWattHours: Options.ReferenceStepWattHours);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Meter != null)
            {
                await Meter.DisposeAsync();
            }

            Simulation?.Dispose();
            Reference?.Dispose();
            _rtu?.Dispose();
            _pty?.Dispose();
            _tcp?.Dispose();
            if (_transport != null)
            {
                await _transport.DisposeAsync();
            }

            if (_broker != null)
            {
                await _broker.DisposeAsync();
            }
        }
    }
}
