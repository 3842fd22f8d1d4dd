using System;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using AssetMeter.Firmware.Commands;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Device.Boards;
using AssetMeter.Firmware.Journal;
using AssetMeter.Firmware.Metering;
using AssetMeter.Firmware.Mqtt;
using AssetMeter.Firmware.Operational;
using AssetMeter.Firmware.Records;
using AssetMeter.Hardware.Ade7953;
using AssetMeter.Hardware.Atecc608;
using AssetMeter.Hardware.Atm90e32;
using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Metering;
using nanoFramework.Runtime.Native;

namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// The meter on the ESP32: reads its configuration from I:, opens the metering IC and the signer on the board's
    /// pins, composes the portable <see cref="MeterApplication"/> with the device adapters, starts the network
    /// threads and the watchdog, and runs the metering loop. No metering logic lives here.
    /// </summary>
    /// <remarks>
    /// <para>Threads: this one (metering, above normal priority: Start, then Tick on a fixed schedule), Wi-Fi, SNTP,
    /// the MQTT connection (plus M2Mqtt's own), and the loop supervisor. Only OnMessage and SubmitTimeSample cross
    /// into the meter from other threads, and the meter only queues them.</para>
    /// <para>A missing or invalid meter.conf stops the meter with the reason in the log: it never meters on guessed
    /// settings. Missing or invalid network files (wifi.conf, TLS certificates) do not: the meter keeps metering into
    /// its journal, which holds the records until the network is configured, and says so in the log.</para>
    /// </remarks>
    public static class Program
    {
        /// <summary>Firmware version reported in status messages and records' identity.</summary>
        public const string FirmwareVersion = "0.1.0";

        /// <summary>How long a hardware fault at start-up (secure element, journal) is shown before a reboot tries again.</summary>
        private const int HardwareRetryMilliseconds = 600000;

        /// <summary>Starts the meter; never returns.</summary>
        public static void Main()
        {
            Thread.CurrentThread.Priority = ThreadPriority.AboveNormal;
            Log.Write("AssetMeter firmware " + FirmwareVersion + " on " + SystemInfo.TargetName + ", nanoFramework " + SystemInfo.Version.ToString());

            MeterConfiguration config = ReadConfiguration();
            IBoard board = BoardFor(config.Ic);
            Log.Write("Meter " + config.DeviceId + ", board " + board.Name);
            TickClock clock = new TickClock();

            IEnergyIc ic = OpenIc(board, config, clock);
            IRecordSigner signer = CreateSigner(board, config, clock);
            MeterJournal journal = OpenJournal(board);

            PublisherSettings publishing = new PublisherSettings();
            MeterTopics topics = new MeterTopics(publishing.TopicPrefix, config.DeviceId);
            WifiLink network = OpenNetwork();
            M2MqttTransport transport = network != null ? CreateTransport(config, topics, network) : null;

            MeteringSettings metering = new MeteringSettings();
            metering.MaximumDemandWatts = config.MaximumDemandWatts;
            MeterIdentity identity = new MeterIdentity(config.DeviceId, "AM-T5-" + ic.PartName, FirmwareVersion, config.AmsidImport, config.AmsidExport);
            MeterApplication meter = new MeterApplication(
                ic,
                journal,
                clock,
                metering,
                publishing,
                identity,
                signer,
                transport != null ? (IMqttTransport)transport : new OfflineTransport(),
                new EcdsaSignatureVerifier(),
                config.CollectorKeys);
            meter.Observer = new ConsoleObserver();
            meter.Loop.RealTimeClock = OpenRtc(board);
            if (config.OperationalIntervalSeconds > 0)
            {
                meter.Operational = new OperationalStream(topics.Operational, config.DeviceId, config.AmsidImport, config.OperationalIntervalSeconds, config.OperationalKey);
            }

            try
            {
                // Journal recovery and IC start-up; an IC that does not answer is retried by the loop itself.
                meter.Start();
            }
            catch (Exception e)
            {
                Halt("the meter could not start: " + e.Message, board, true);
            }

            MeterJournal started = meter.Loop.Journal;
            Log.Write("Metering: " + ic.PartName + ", poll every " + (meter.Loop.PollIntervalTicks / 10000).ToString() + " ms, "
                + (started.LastPeriodIndex < 0 ? "journal empty" : "journal holds periods " + started.FirstPeriodIndex.ToString() + " to " + started.LastPeriodIndex.ToString()));

            if (network != null)
            {
                if (transport != null)
                {
                    transport.Deliver(meter);
                    transport.Start();
                }

                network.Start();
                new SntpPoller(config.NtpServers, clock, meter, network).Start();
            }

            LoopSupervisor supervisor = new LoopSupervisor();
            supervisor.Start();
            RunMeteringLoop(meter, clock, supervisor);
        }

        // Tick on a fixed schedule: the next tick is due one interval after the previous one was due, not after it
        // finished, so a slow tick does not push every later one back. A tick more than a whole interval late
        // restarts the schedule from now instead of running the missed ones back to back; nothing is lost, because
        // the meter measures the time since its last read of the IC itself.
        private static void RunMeteringLoop(MeterApplication meter, TickClock clock, LoopSupervisor supervisor)
        {
            SystemClockFollower systemClock = new SystemClockFollower(meter.Loop, clock);
            long interval = meter.Loop.PollIntervalTicks;
            long due = clock.Ticks + interval;
            int failures = 0;
            while (true)
            {
                long wait = due - clock.Ticks;
                if (wait > 0)
                {
                    Thread.Sleep((int)((wait + 9999) / 10000));
                }

                try
                {
                    meter.Tick();

                    // Only a completed tick feeds the watchdog: a tick that throws every time ends in a reboot.
                    supervisor.Beat();
                    failures = 0;
                }
                catch (Exception e)
                {
                    failures++;
                    if (failures <= 3 || failures % 60 == 0)
                    {
                        Log.Write("Tick failed (" + failures.ToString() + " in a row): " + e.Message);
                    }
                }

                systemClock.Check();
                due += interval;
                long now = clock.Ticks;
                if (now - due >= interval)
                {
                    due = now;
                }
            }
        }

        private static MeterConfiguration ReadConfiguration()
        {
            string error;
            int length;
            byte[] data = ReadFile(DevicePaths.MeterConfiguration, out length, out error);
            if (data == null)
            {
                Halt(DevicePaths.MeterConfiguration + ": " + error + " (the meter never runs without its configuration; see docs/flashing.md)", null, false);
            }

            MeterConfiguration config = ConfigurationReader.Read(data, length, out error);
            if (config == null)
            {
                Halt(DevicePaths.MeterConfiguration + ": " + error, null, false);
            }

            return config;
        }

        // The board follows from the IC the configuration names: each reference board carries one IC. Another board
        // is a new class in hardware/boards and a line here.
        private static IBoard BoardFor(IcKind ic)
        {
            return ic == IcKind.Ade7953 ? (IBoard)new Esp32DevKitCAde7953Board() : new Esp32S3DevKitCAtm90e32Board();
        }

        private static IEnergyIc OpenIc(IBoard board, MeterConfiguration config, TickClock clock)
        {
            CalibrationRecord calibration = null;
            byte expectedPart = config.Ic == IcKind.Ade7953 ? Ade7953Calibration.PartCode : Atm90e32.Code;
            if (config.Calibration != null)
            {
                calibration = CalibrationRecord.ReadFrom(config.Calibration, 0, config.Calibration.Length);
                if (calibration == null)
                {
                    Halt(DevicePaths.MeterConfiguration + ": the calibration record is damaged (its CRC does not match)", board, false);
                }

                if (calibration.PartCode != expectedPart)
                {
                    Halt(DevicePaths.MeterConfiguration + ": the calibration record is for part code " + calibration.PartCode.ToString()
                        + ", not for this meter's IC (" + expectedPart.ToString() + ")", board, false);
                }
            }

            IBusDevice bus = null;
            try
            {
                bus = board.OpenIc();
            }
            catch (Exception e)
            {
                Halt("the metering IC's bus could not be opened on board " + board.Name + " (wrong firmware image for this board?): " + e.Message, board, false);
            }

            if (config.Ic == IcKind.Ade7953)
            {
                return new Ade7953(bus, clock, calibration, Ade7953EnergyMode.Accumulating);
            }

            return new Atm90e32(bus, clock, calibration);
        }

        // The battery-backed DS3231 on the board's shared I2C bus: time after a power cut before the network returns. A
        // board without one (or a chip that does not answer) logs rtc-refused at start and meters as before.
        private static Ds3231Clock OpenRtc(IBoard board)
        {
            try
            {
                return new Ds3231Clock(board.OpenRtc());
            }
            catch (Exception e)
            {
                Log.Write("RTC: the DS3231's bus could not be opened (" + e.Message + "); no time before the first SNTP answer after a cut");
                return null;
            }
        }

        private static IRecordSigner CreateSigner(IBoard board, MeterConfiguration config, TickClock clock)
        {
            if (config.Signing == SigningKind.Hmac)
            {
                Log.Write("Signing: HMAC-SHA256 with the key in meter.conf (development boards only: see hardware/Atecc608/README.md)");
                return new HmacRecordSigner(config.HmacKey);
            }

            IBusDevice chip = null;
            IBusDevice generalCall = null;
            try
            {
                board.OpenSecureElement(config.Atecc608Address, out chip, out generalCall);
            }
            catch (Exception e)
            {
                Halt("the secure element's bus could not be opened on board " + board.Name + ": " + e.Message, board, false);
            }

            string problem;
            Atecc608 driver = SecureElement.Open(chip, generalCall, clock, config.Atecc608Address, out problem);
            if (driver == null)
            {
                // Configured to sign with the chip: metering without a trustworthy signer would produce records the
                // collector must reject. A chip that did not answer may answer after a reboot.
                Halt(problem, board, true);
            }

            Log.Write("Signing: ECDSA P-256 in the ATECC608, slot 0");
            return new Atecc608RecordSigner(driver, 0);
        }

        private static MeterJournal OpenJournal(IBoard board)
        {
            try
            {
                LittleFsStorage storage = new LittleFsStorage(DevicePaths.Journal);
                if (storage.Promoted > 0 || storage.Discarded > 0)
                {
                    Log.Write("Journal: " + storage.Promoted.ToString() + " replacement(s) a power cut interrupted were finished, "
                        + storage.Discarded.ToString() + " partial copy(ies) discarded");
                }

                return new MeterJournal(storage);
            }
            catch (Exception e)
            {
                Halt("the journal directory " + DevicePaths.Journal + " cannot be used: " + e.Message, board, true);
                return null;
            }
        }

        private static WifiLink OpenNetwork()
        {
            string error;
            int length;
            byte[] data = ReadFile(DevicePaths.WifiConfiguration, out length, out error);
            WifiCredentials credentials = data == null ? null : WifiConfigurationReader.Read(data, length, out error);
            if (credentials == null)
            {
                Log.Write("NO NETWORK: " + DevicePaths.WifiConfiguration + ": " + error + "; metering continues into the journal (see docs/flashing.md)");
                return null;
            }

            return new WifiLink(credentials);
        }

        private static M2MqttTransport CreateTransport(MeterConfiguration config, MeterTopics topics, WifiLink network)
        {
            X509Certificate caCertificate = null;
            X509Certificate clientCertificate = null;
            if (config.BrokerTls)
            {
                string error;
                string caPem = ReadText(DevicePaths.CaCertificate, out error);
                if (caPem == null)
                {
                    return NoMqtt("broker_tls = true needs the broker's CA certificate: " + DevicePaths.CaCertificate + ": " + error);
                }

                try
                {
                    // The string constructors append the NUL terminator mbedTLS needs to parse PEM.
                    caCertificate = new X509Certificate(caPem);
                }
                catch (Exception e)
                {
                    return NoMqtt(DevicePaths.CaCertificate + " is not a PEM certificate: " + e.Message);
                }

                bool hasCertificate = File.Exists(DevicePaths.ClientCertificate);
                if (hasCertificate != File.Exists(DevicePaths.ClientKey))
                {
                    return NoMqtt(DevicePaths.ClientCertificate + " and " + DevicePaths.ClientKey + " must be given together");
                }

                if (hasCertificate)
                {
                    string certificatePem = ReadText(DevicePaths.ClientCertificate, out error);
                    string keyPem = certificatePem == null ? null : ReadText(DevicePaths.ClientKey, out error);
                    if (keyPem == null)
                    {
                        return NoMqtt("client certificate: " + error);
                    }

                    try
                    {
                        clientCertificate = new X509Certificate2(certificatePem, keyPem, null);
                    }
                    catch (Exception e)
                    {
                        return NoMqtt("the client certificate or its key (which must not be encrypted) cannot be parsed: " + e.Message);
                    }
                }
                else
                {
                    Log.Write("MQTT: no client certificate on I:; the device's stored certificate, if any, is presented");
                }
            }

            return new M2MqttTransport(config.BrokerHost, config.BrokerPort, config.BrokerTls, caCertificate, clientCertificate, "meter-" + config.DeviceId, topics, network);
        }

        private static M2MqttTransport NoMqtt(string reason)
        {
            Log.Write("NO MQTT: " + reason + "; metering continues into the journal");
            return null;
        }

        private static string ReadText(string path, out string error)
        {
            int length;
            byte[] data = ReadFile(path, out length, out error);
            return data == null ? null : Encoding.UTF8.GetString(data, 0, length);
        }

        // Reads a small file whole; null with the reason if it is absent, too big or unreadable.
        private static byte[] ReadFile(string path, out int length, out string error)
        {
            length = 0;
            error = null;
            try
            {
                if (!File.Exists(path))
                {
                    error = "not found";
                    return null;
                }

                using (FileStream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
                {
                    if (stream.Length > DevicePaths.MaximumFileBytes)
                    {
                        error = "larger than " + DevicePaths.MaximumFileBytes.ToString() + " bytes";
                        return null;
                    }

                    byte[] data = new byte[(int)stream.Length];
                    while (length < data.Length)
                    {
                        int read = stream.Read(data, length, data.Length - length);
                        if (read <= 0)
                        {
                            break;
                        }

                        length += read;
                    }

                    return data;
                }
            }
            catch (Exception e)
            {
                error = "cannot be read: " + e.Message;
                return null;
            }
        }

        // Stops here for good, repeating the reason every 30 s and blinking the status LED if there is one. With
        // retry, reboots after HardwareRetryMilliseconds to try again; a configuration error waits for a person.
        private static void Halt(string reason, IBoard board, bool retry)
        {
            StatusLed led = board != null ? StatusLed.Open(board.StatusLedPin) : null;
            long started = Environment.TickCount64;
            while (true)
            {
                Log.Write("METER STOPPED: " + reason);
                for (int i = 0; i < 120; i++)
                {
                    if (led != null)
                    {
                        led.Toggle();
                    }

                    Thread.Sleep(250);
                }

                if (retry && Environment.TickCount64 - started >= HardwareRetryMilliseconds)
                {
                    Log.Write("Rebooting to try again");
                    Power.RebootDevice();
                }
            }
        }
    }
}
