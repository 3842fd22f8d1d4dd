using System;
using System.Device.Spi;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Firmware.Clock;
using AssetMeter.Firmware.Commands;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Events;
using AssetMeter.Firmware.Host;
using AssetMeter.Firmware.Journal;
using AssetMeter.Firmware.Metering;
using AssetMeter.Firmware.Mqtt;
using AssetMeter.Firmware.Operational;
using AssetMeter.Firmware.Records;
using AssetMeter.Firmware.Text;
using AssetMeter.Hardware.Ade7953;
using AssetMeter.Hardware.Atecc608;
using AssetMeter.Hardware.Atm90e32;
using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Bus.Linux;
using AssetMeter.Hardware.Ds3231.Emulator;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.VirtualMeter.Run
{
    /// <summary>
    /// The virtual meter: the portable meter application on Linux, with an emulated IC (or a real one through
    /// /dev/i2c or /dev/spidev), its journal in a directory, SNTP over real UDP or a simulated time source, and
    /// MQTT through MQTTnet. Accelerated runs move a simulated clock; real-time runs follow the host's counter.
    /// </summary>
    public sealed class VirtualMeterHost : IMeterObserver
    {
        public const string FirmwareVersion = "0.1.0";
        private const long Second = 10_000_000;

        private readonly MeterConfiguration _config;
        private readonly RunOptions _options;
        private readonly TextWriter _out;

        public VirtualMeterHost(MeterConfiguration config, RunOptions options, TextWriter output)
        {
            _config = config;
            _options = options;
            _out = output;
        }

        /// <summary>Periods closed during the run.</summary>
        public int PeriodsClosed { get; private set; }

        public async Task<int> RunAsync(CancellationToken stop)
        {
            Directory.CreateDirectory(_options.JournalDirectory);
            bool realTime = _options.Speed == 1 || _options.Bus != "emulated";
            DateTime start = realTime ? DateTime.UtcNow : (_options.StartUtc ?? DateTime.UtcNow);
            int phases = _config.Ic == IcKind.Ade7953 ? 1 : 3;
            double secondOfDay = start.TimeOfDay.TotalSeconds;
            int days = _options.Duration.HasValue ? (int)Math.Ceiling(_options.Duration.Value.TotalDays) + 1 : 3650;
            var load = Scenarios.Build(_options.Scenario, phases, secondOfDay, days, _options.Seed);
            EmulatedMeteringChip chip = _config.Ic == IcKind.Ade7953
                ? new Ade7953Emulator(load, MetrologyErrorModel.Ideal, _options.Seed)
                : new Atm90e32Emulator(load, new[] { MetrologyErrorModel.Ideal, MetrologyErrorModel.Ideal, MetrologyErrorModel.Ideal }, _options.Seed);

            // Time: the meter's monotonic counter and the chip's time move together. Accelerated runs move a
            // simulated clock; real-time runs follow the host's counter (SNTP needs real timestamps) and bring the
            // chip up to it before every read.
            var simulation = new SimulationClock(chip, Second);
            var wallClock = new WallClock(chip);
            IMonotonicClock monotonic = realTime ? wallClock : simulation;
            IDriverClock driverClock = realTime ? wallClock : simulation;
            long utcAtZero = start.Ticks - monotonic.Ticks;

            IBusDevice bus = OpenBus(chip);
            CalibrationRecord? calibration = _config.Calibration == null ? null : CalibrationRecord.ReadFrom(_config.Calibration, 0, _config.Calibration.Length);
            IEnergyIc ic = _config.Ic == IcKind.Ade7953
                ? new Ade7953(bus, driverClock, calibration, Ade7953EnergyMode.Accumulating)
                : new Atm90e32(bus, driverClock, calibration);

            var (signer, publicKey) = CreateSigner();
            var identity = new MeterIdentity(_config.DeviceId, "AM-T5-" + ic.PartName, FirmwareVersion, _config.AmsidImport, _config.AmsidExport);
            var topics = new MeterTopics(MeterTopics.DefaultPrefix, _config.DeviceId);
            await using var transport = _options.UseMqtt ? new MqttNetTransport(new MqttConnection
            {
                Host = _config.BrokerHost,
                Port = _config.BrokerPort,
                UseTls = _config.BrokerTls,
                CaFile = InConfigurationDirectory(_config.BrokerCaFile),
                ClientCertificateFile = InConfigurationDirectory(_config.BrokerClientCertificateFile),
                ClientKeyFile = InConfigurationDirectory(_config.BrokerClientKeyFile),
                ClientId = "meter-" + _config.DeviceId,
                SubscribeTopic = topics.Command,
                WillTopic = topics.Status,
                WillPayload = MeterApplication.OfflineStatus(_config.DeviceId),
            }) : null;

            var metering = new MeteringSettings { MaximumDemandWatts = _config.MaximumDemandWatts };
            var meter = new MeterApplication(ic, new MeterJournal(new DirectoryStorage(_options.JournalDirectory)), monotonic, metering,
                new PublisherSettings(), identity, signer, (IMqttTransport?)transport ?? NoNetwork.Instance, new EcdsaSignatureVerifier(), _config.CollectorKeys)
            {
                Observer = this,
            };
            if (_config.OperationalIntervalSeconds > 0)
            {
                meter.Operational = new OperationalStream(topics.Operational, _config.DeviceId, _config.AmsidImport, _config.OperationalIntervalSeconds, _config.OperationalKey);
            }

            transport?.OnMessage(meter.OnMessage);
            using var rtc = OpenRtc(() => utcAtZero + monotonic.Ticks);
            meter.Loop.RealTimeClock = rtc?.Clock;
            meter.Start();
            _out.WriteLine($"Virtual meter {_config.DeviceId} ({ic.PartName}, {_options.Scenario}), journal {_options.JournalDirectory}, "
                + $"{(realTime ? "real time" : _options.Speed == 0 ? "as fast as possible" : $"{_options.Speed}x")}, signing {signer.Algorithm}");
            if (publicKey != null)
            {
                _out.WriteLine($"  meter public key (register with the collector): {publicKey}");
            }

            using var ntp = _options.UseNtp && _options.OfflineHours <= 0 ? new SntpPoller(_config.NtpServers, monotonic, meter) : null;
            long end = _options.Duration.HasValue ? monotonic.Ticks + _options.Duration.Value.Ticks : long.MaxValue;
            long nextSample = monotonic.Ticks;
            long startTicks = monotonic.Ticks;
            long nextPoll = monotonic.Ticks;
            var wall = Stopwatch.StartNew();
            while (!stop.IsCancellationRequested && monotonic.Ticks < end)
            {
                if (realTime)
                {
                    nextPoll += meter.Loop.PollIntervalTicks;
                    long wait = nextPoll - wallClock.Ticks;
                    if (wait > 0 && !await Delay(TimeSpan.FromTicks(wait), stop))
                    {
                        break;
                    }

                    wallClock.Sync();
                }
                else
                {
                    simulation.Advance(meter.Loop.PollIntervalTicks);
                }

                bool offline = monotonic.Ticks - startTicks < (long)(_options.OfflineHours * 3600 * Second);
                if (!_options.UseNtp && !offline && monotonic.Ticks >= nextSample)
                {
                    nextSample = monotonic.Ticks + (64 * Second);
                    meter.SubmitTimeSample(new SntpSample { MonotonicTicks = monotonic.Ticks, UtcMinusMonotonicTicks = utcAtZero, DelayTicks = 2000, Stratum = 2 });
                }

                meter.Tick();
                if (!realTime && _options.Speed > 0)
                {
                    // Pace: simulated time may not run ahead of wall time times the speed.
                    double due = (simulation.Ticks - Second) / (double)Second / _options.Speed;
                    double ahead = due - wall.Elapsed.TotalSeconds;
                    if (ahead > 0.001 && !await Delay(TimeSpan.FromSeconds(ahead), stop))
                    {
                        break;
                    }
                }
            }

            meter.Loop.WriteCheckpoint();
            rtc?.Save();
            if (transport != null)
            {
                // An orderly stop disconnects cleanly, so the broker will not publish the last will: say it ourselves.
                meter.PublishOffline();
                await transport.FlushAsync(TimeSpan.FromSeconds(5));
            }

            _out.WriteLine($"Stopped after {PeriodsClosed} closed periods; import {meter.Loop.ImportMicrowattHours / 1e6:F3} Wh, export {meter.Loop.ExportMicrowattHours / 1e6:F3} Wh.");
            return 0;
        }

        // The RTC the options name: none, the DS3231 emulator (its state kept in the journal directory, as the backup
        // cell keeps a real chip running between runs), or a real DS3231 on a Linux I2C bus.
        private RtcHandle? OpenRtc(Func<long> trueUtc)
        {
            if (_options.Rtc == "none")
            {
                return null;
            }

            if (_options.Rtc == "emulated")
            {
                var chip = new Ds3231Emulator(trueUtc);
                string state = Path.Combine(_options.JournalDirectory, "rtc-ds3231.state");
                if (File.Exists(state))
                {
                    chip.Restore(File.ReadAllText(state));
                }

                _out.WriteLine($"  RTC: emulated DS3231 ({(File.Exists(state) ? "kept in " + state : "new: oscillator-stop flag set until first set")})");
                return new RtcHandle(new Ds3231Clock(chip), () => File.WriteAllText(state, chip.Save() + "\n"));
            }

            Ds3231Clock.TryParse(_options.Rtc, out int busId, out int address);
            _out.WriteLine($"  RTC: DS3231 on /dev/i2c-{busId} at 0x{address:x2}");
            return new RtcHandle(Ds3231Clock.Open(busId, address), null);
        }

        private sealed class RtcHandle : IDisposable
        {
            private readonly Action? _save;

            public RtcHandle(Ds3231Clock clock, Action? save)
            {
                Clock = clock;
                _save = save;
            }

            public Ds3231Clock Clock { get; }

            public void Save() => _save?.Invoke();

            public void Dispose() => Clock.Dispose();
        }

        private string? InConfigurationDirectory(string? file) => file == null ? null : Path.Combine(_options.ConfigurationDirectory, file);

        private static async Task<bool> Delay(TimeSpan delay, CancellationToken stop)
        {
            try
            {
                await Task.Delay(delay, stop);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void OnPeriodClosed(HalfHourPeriod period)
        {
            PeriodsClosed++;
            if (_options.Verbose)
            {
                var startUtc = new DateTime(period.StartTicks, DateTimeKind.Utc);
                _out.WriteLine($"  {startUtc:yyyy-MM-dd HH:mm}Z  import {period.ImportMicrowattHours / 1e6,10:F3} Wh  export {period.ExportMicrowattHours / 1e6,10:F3} Wh  {PeriodFlagsText.Describe(period.Flags)}");
            }
        }

        public void OnEvent(MeterEvent meterEvent)
        {
            if (_options.Verbose && meterEvent.Code != EventCode.CommandAccepted)
            {
                _out.WriteLine($"  event {meterEvent.Sequence}: {EventNames.Of(meterEvent.Code)} ({meterEvent.Value1}, {meterEvent.Value2})");
            }
        }

        private IBusDevice OpenBus(EmulatedMeteringChip chip)
        {
            if (_options.Bus == "emulated")
            {
                return (IBusDevice)chip;
            }

            if (_options.Bus.StartsWith("i2c:", StringComparison.Ordinal) && _config.Ic == IcKind.Ade7953)
            {
                return LinuxI2cBus.Open(int.Parse(_options.Bus[4..], System.Globalization.CultureInfo.InvariantCulture), 0x38);
            }

            if (_options.Bus.StartsWith("spi:", StringComparison.Ordinal) && _config.Ic == IcKind.Atm90e32)
            {
                var parts = _options.Bus[4..].Split('.');
                return LinuxSpiBus.Open(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), SpiMode.Mode3, 200_000);
            }

            throw new ArgumentException($"bus '{_options.Bus}' does not suit the configured IC {_config.Ic} (ADE7953: i2c:N, ATM90E32AS: spi:B.C)");
        }

        // ATECC608: an emulated secure element whose key slot persists in the journal directory (the chip's EEPROM).
        private (IRecordSigner Signer, string? PublicKeyHex) CreateSigner()
        {
            if (_config.Signing == SigningKind.Hmac)
            {
                return (new HmacRecordSigner(_config.HmacKey), null);
            }

            var element = new Atecc608Emulator(configLocked: true, dataLocked: false);
            string slotFile = Path.Combine(_options.JournalDirectory, "secure-element-slot0.pkcs8");
            if (File.Exists(slotFile))
            {
                element.RestoreSlot(0, File.ReadAllBytes(slotFile));
            }
            else
            {
                element.GenerateKeyInSlot(0);
                File.WriteAllBytes(slotFile, element.SaveSlot(0));
            }

            element.LockDataZone();
            var driver = new Atecc608(element, new GeneralCallWake(element.GeneralCall), element.Delay);
            var raw = new byte[Atecc608.PublicKeyLength];
            if (driver.ReadPublicKey(0, raw, 0) != Atecc608Status.Ok)
            {
                throw new InvalidOperationException("the secure element did not give its public key: " + driver.LastStatus);
            }

            var publicKey = new byte[65];
            publicKey[0] = 4;
            Array.Copy(raw, 0, publicKey, 1, 64);
            string hex = Hex.Encode(publicKey, 0, publicKey.Length);
            File.WriteAllText(Path.Combine(_options.JournalDirectory, "meter-public-key.hex"), hex + "\n");
            return (new Atecc608RecordSigner(driver, 0), hex);
        }

        /// <summary>The host's counter as the meter's monotonic clock, with the emulated chip brought up to it.</summary>
        private sealed class WallClock : IMonotonicClock, IDriverClock
        {
            private readonly EmulatedMeteringChip _chip;
            private readonly Stopwatch _watch = Stopwatch.StartNew();

            public WallClock(EmulatedMeteringChip chip) => _chip = chip;

            public long Ticks => Second + _watch.Elapsed.Ticks;

            public long MonotonicTicks => Ticks;

            /// <summary>Runs the emulated chip up to now.</summary>
            public void Sync()
            {
                double behind = ((Ticks - Second) / (double)Second) - _chip.Now;
                if (behind > 0)
                {
                    _chip.Advance(behind);
                }
            }

            public void Sleep(int milliseconds)
            {
                Thread.Sleep(milliseconds);
                Sync();
            }
        }

        /// <summary>Asks the configured SNTP servers for the time every 64 s on a thread of its own.</summary>
        private sealed class SntpPoller : IDisposable
        {
            private readonly CancellationTokenSource _stop = new();
            private readonly Thread _thread;

            public SntpPoller(string[] servers, IMonotonicClock monotonic, MeterApplication meter)
            {
                _thread = new Thread(() =>
                {
                    var client = new SntpClient(monotonic);
                    while (!_stop.IsCancellationRequested)
                    {
                        foreach (var server in servers)
                        {
                            try
                            {
                                var (host, port) = SplitHostPort(server);
                                using var udp = new HostUdpClient(host, port);
                                if (client.Burst(udp, 1000, out var sample))
                                {
                                    meter.SubmitTimeSample(sample);
                                    break;
                                }
                            }
                            catch (Exception)
                            {
                                // Name resolution or network failure: try the next server.
                            }
                        }

                        _stop.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(64));
                    }
                })
                { IsBackground = true, Name = "sntp" };
                _thread.Start();
            }

            public void Dispose()
            {
                _stop.Cancel();
                _thread.Join(TimeSpan.FromSeconds(5));
                _stop.Dispose();
            }

            private static (string Host, int Port) SplitHostPort(string server)
            {
                int colon = server.LastIndexOf(':');
                return colon > 0 && int.TryParse(server[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port)
                    ? (server[..colon], port)
                    : (server, 123);
            }
        }
    }
}
