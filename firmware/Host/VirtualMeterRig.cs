using System;
using AssetMeter.Firmware.Clock;
using AssetMeter.Firmware.Commands;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Journal;
using AssetMeter.Firmware.Metering;
using AssetMeter.Firmware.Mqtt;
using AssetMeter.Firmware.Operational;
using AssetMeter.Firmware.Records;
using AssetMeter.Firmware.Storage;
using AssetMeter.Hardware.Ade7953;
using AssetMeter.Hardware.Atm90e32;
using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Hardware.Metering;

namespace AssetMeter.Firmware.Host
{
    /// <summary>
    /// Simulated time shared by the meter's monotonic counter and the emulated chip: both move together, and a
    /// driver that waits moves them both.
    /// </summary>
    public sealed class SimulationClock : IMonotonicClock, IDriverClock
    {
        private readonly EmulatedMeteringChip _chip;
        private long _ticks;

        public SimulationClock(EmulatedMeteringChip chip, long startTicks)
        {
            _chip = chip;
            _ticks = startTicks;
        }

        public long Ticks => _ticks;

        public long MonotonicTicks => _ticks;

        /// <summary>Moves time forward by <paramref name="ticks"/> for the meter and the chip.</summary>
        public void Advance(long ticks)
        {
            if (ticks < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(ticks));
            }

            _ticks += ticks;
            _chip.Advance(ticks / 10_000_000.0);
        }

        public void Sleep(int milliseconds) => Advance(milliseconds * 10_000L);
    }

    /// <summary>An MQTT transport that is never connected (a meter with no network).</summary>
    public sealed class NoNetwork : IMqttTransport
    {
        public static readonly NoNetwork Instance = new();

        public bool IsConnected => false;

        public bool Publish(string topic, byte[] payload, int offset, int count, int qos, bool retain) => false;
    }

    /// <summary>What the rig builds.</summary>
    public sealed class RigOptions
    {
        public IcKind Ic { get; init; } = IcKind.Ade7953;

        /// <summary>The load; one phase for the ADE7953, three for the ATM90E32AS.</summary>
        public required LoadScenario Load { get; init; }

        public MetrologyErrorModel Error { get; init; } = MetrologyErrorModel.Ideal;

        /// <summary>True UTC when the simulation starts.</summary>
        public DateTime StartUtc { get; init; } = new(2026, 11, 22, 23, 59, 0, DateTimeKind.Utc);

        /// <summary>Interval between simulated SNTP samples; 0 for none (no time source).</summary>
        public long TimeSampleIntervalTicks { get; init; } = 64 * 10_000_000L;

        /// <summary>Error of the time source: the samples say UTC is this much later than it is.</summary>
        public long TimeSourceErrorTicks { get; set; }

        public MeteringSettings Metering { get; init; } = new();

        public PublisherSettings Publishing { get; init; } = new();

        public string Serial { get; init; } = "am-virtual-1";

        public string AmsidImport { get; init; } = "AMSID-IMPORT-1";

        public string? AmsidExport { get; init; } = "AMSID-EXPORT-1";

        public IRecordSigner? Signer { get; init; }

        public ISignatureVerifier? Verifier { get; init; }

        public byte[][] CollectorKeys { get; init; } = Array.Empty<byte[]>();

        public IMqttTransport Transport { get; init; } = NoNetwork.Instance;

        public CalibrationRecord? Calibration { get; init; }

        /// <summary>Journal capacity in five-day segments (a small journal lets a test reach the point where it drops data).</summary>
        public int JournalSegments { get; init; } = MeterJournal.DefaultMaximumSegments;

        public int Seed { get; init; } = 1;

        /// <summary>Seconds between operational metering messages (1 to 60), or 0 for no operational stream.</summary>
        public int OperationalIntervalSeconds { get; init; }

        /// <summary>The operational stream's HMAC key (at least 32 bytes) when it is on.</summary>
        public byte[]? OperationalKey { get; init; }
    }

    /// <summary>
    /// A virtual meter in one process: an emulated IC driven by a load scenario, the real driver and the real
    /// portable meter application, flash storage that survives restarts, simulated time, and optionally a time
    /// source. It can lose power and come back, as often as a test likes.
    /// </summary>
    public sealed class VirtualMeterRig
    {
        private readonly RigOptions _options;
        private readonly IStorage _storage;
        private long _nextTimeSample;

        public VirtualMeterRig(RigOptions options, IStorage storage)
        {
            _options = options;
            _storage = storage;
            Chip = options.Ic == IcKind.Ade7953
                ? new Ade7953Emulator(options.Load, options.Error, options.Seed)
                : new Atm90e32Emulator(options.Load, new[] { options.Error, options.Error, options.Error }, options.Seed);
            Clock = new SimulationClock(Chip, 10_000_000);
            UtcAtZero = options.StartUtc.Ticks - Clock.Ticks;
            Bus = (IBusDevice)Chip;
        }

        public EmulatedMeteringChip Chip { get; }

        public SimulationClock Clock { get; }

        /// <summary>The bus the driver talks through (replace to inject faults before <see cref="Boot"/>).</summary>
        public IBusDevice Bus { get; set; }

        /// <summary>True UTC of monotonic tick 0.</summary>
        public long UtcAtZero { get; }

        public MeterApplication Meter { get; private set; } = null!;

        public IEnergyIc Ic { get; private set; } = null!;

        public MeterJournal Journal { get; private set; } = null!;

        public IMeterObserver? Observer { get; set; }

        /// <summary>The board's battery-backed RTC, handed to the meter at every <see cref="Boot"/> (null: none).</summary>
        public IRealTimeClock? RealTimeClock { get; set; }

        /// <summary>False while the time source cannot be reached (no samples arrive; the meter keeps its own time).</summary>
        public bool TimeSourceAvailable { get; set; } = true;

        /// <summary>Error of the time source from now on: its samples say UTC is this much later than it is.</summary>
        public long TimeSourceErrorTicks
        {
            get => _options.TimeSourceErrorTicks;
            set => _options.TimeSourceErrorTicks = value;
        }

        /// <summary>True UTC now.</summary>
        public long TrueUtc => UtcAtZero + Clock.Ticks;

        /// <summary>Starts (or restarts) the meter on the same storage and chip, as after a power-up or reset.</summary>
        public MeterApplication Boot()
        {
            Ic = _options.Ic == IcKind.Ade7953
                ? new Ade7953(Bus, Clock, _options.Calibration, Ade7953EnergyMode.Accumulating)
                : new Atm90e32(Bus, Clock, _options.Calibration);
            Journal = new MeterJournal(_storage, _options.JournalSegments, MeterJournal.DefaultMaximumEventFiles);
            var identity = new MeterIdentity(_options.Serial, "AM-T5-" + Ic.PartName, "0.1.0", _options.AmsidImport, _options.AmsidExport);
            Meter = new MeterApplication(
                Ic, Journal, Clock, _options.Metering, _options.Publishing, identity,
                _options.Signer ?? new UnsignedForTests(), _options.Transport, _options.Verifier ?? new RefuseAll(), _options.CollectorKeys);
            Meter.Observer = Observer;
            Meter.Loop.RealTimeClock = RealTimeClock;
            if (_options.OperationalIntervalSeconds > 0)
            {
                Meter.Operational = new OperationalStream(Meter.Topics.Operational, _options.Serial, _options.AmsidImport, _options.OperationalIntervalSeconds,
                    _options.OperationalKey ?? throw new InvalidOperationException("an operational stream needs its key"));
            }

            Meter.Start();
            _nextTimeSample = Clock.Ticks;
            return Meter;
        }

        /// <summary>One poll interval: time moves, a time sample arrives when due, the meter ticks.</summary>
        public void Step()
        {
            Clock.Advance(Meter.Loop.PollIntervalTicks);
            if (_options.TimeSampleIntervalTicks > 0 && TimeSourceAvailable && Clock.Ticks >= _nextTimeSample)
            {
                _nextTimeSample = Clock.Ticks + _options.TimeSampleIntervalTicks;
                Meter.SubmitTimeSample(new SntpSample
                {
                    MonotonicTicks = Clock.Ticks,
                    UtcMinusMonotonicTicks = UtcAtZero + _options.TimeSourceErrorTicks,
                    DelayTicks = 2_000,
                    Stratum = 2,
                });
            }

            Meter.Tick();
        }

        /// <summary>Steps until at least <paramref name="ticks"/> have passed, or <paramref name="stop"/> says so.</summary>
        public void Run(long ticks, Func<bool>? stop = null)
        {
            long end = Clock.Ticks + ticks;
            while (Clock.Ticks < end)
            {
                Step();
                if (stop != null && stop())
                {
                    return;
                }
            }
        }

        /// <summary>
        /// The supply fails for <paramref name="outageTicks"/>: the chip stops and loses its registers, time passes,
        /// power returns. The caller then calls <see cref="Boot"/>.
        /// </summary>
        public void Outage(long outageTicks)
        {
            Chip.PowerDown();
            Clock.Advance(outageTicks);
            Chip.PowerUp();
        }

        /// <summary>A signer for tests that do not look at signatures: a fixed marker, never valid.</summary>
        private sealed class UnsignedForTests : IRecordSigner
        {
            public string Algorithm => "NONE";

            public string MimeType => "application/x-der";

            public int Sign(byte[] payload, int offset, int count, byte[] signature)
            {
                signature[0] = 0;
                return 1;
            }
        }

        private sealed class RefuseAll : ISignatureVerifier
        {
            public bool Verify(byte[] publicKey, byte[] data, int offset, int count, byte[] signature, int signatureOffset, int signatureLength) => false;
        }
    }
}
