using System;
using AssetMeter.Firmware.Clock;
using AssetMeter.Firmware.Commands;
using AssetMeter.Firmware.Events;
using AssetMeter.Firmware.Journal;
using AssetMeter.Firmware.Metering;
using AssetMeter.Firmware.Operational;
using AssetMeter.Firmware.Records;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.Firmware.Mqtt
{
    /// <summary>
    /// The whole meter as the shells run it: the metering loop, plus remote reading over MQTT: signed period records
    /// sent from the journal until the collector acknowledges them, signed register snapshots, status, events,
    /// telemetry and Home Assistant discovery, and authenticated commands from collectors.
    /// </summary>
    /// <remarks>
    /// Everything runs on the shell's metering thread through <see cref="Tick"/>; <see cref="OnMessage"/> and
    /// <see cref="SubmitTimeSample"/> may be called from the MQTT and network threads and only queue.
    /// </remarks>
    public sealed class MeterApplication : IMeterObserver
    {
        /// <summary>
        /// Largest clock step a collector may command while the meter knows the time: 31 days. A step closes (or holds
        /// open) every period it crosses; a mistaken year would otherwise write millions of empty periods to flash and
        /// push unacknowledged ones out of the journal. Larger corrections are made in several commands.
        /// </summary>
        public const long MaximumClockStepTicks = 31L * 24 * 3600 * PublisherSettings.Second;

        /// <summary>Most command refusals logged as events per minute (each is a flash write); replies are not limited.</summary>
        public const int RefusalsLoggedPerMinute = 60;

        private const int InboxSlots = 8;
        private const long UnixEpochTicks = 621355968000000000;

        private readonly MeteringLoop _loop;
        private readonly IMqttTransport _mqtt;
        private readonly MeterIdentity _identity;
        private readonly MeterTopics _topics;
        private readonly PublisherSettings _settings;
        private readonly IMonotonicClock _monotonic;
        private readonly OcmfRecordBuilder _records;
        private readonly CommandAuthenticator _authenticator;
        private readonly Command _command = new Command();
        private readonly byte[] _text = new byte[1024];
        private readonly AsciiWriter _writer;
        private readonly MeterEvent[] _events = new MeterEvent[8];
        private readonly InstantaneousValues _instantaneous;
        private readonly object _inboxLock = new object();
        private readonly byte[][] _inbox = new byte[InboxSlots][];
        private readonly int[] _inboxLengths = new int[InboxSlots];
        private readonly byte[] _message = new byte[CommandAuthenticator.MaximumLength];

        private CalibrationRecord _calibration;
        private int _inboxHead;
        private int _inboxCount;
        private long _inboxDropped;
        private bool _wasConnected;
        private long _nextPeriod = -1;
        private long _caughtUpAt = -1;
        private long _resendFrom = -1;
        private long _resendTo = -1;
        private long _lastSnapshot;
        private long _lastTelemetry;
        private bool _statusDue = true;
        private long _refusalsLogged;
        private long _refusalWindowStart;
        private long _lastOfferedRead;

        /// <summary>Composes the meter.</summary>
        public MeterApplication(
            IEnergyIc ic,
            MeterJournal journal,
            IMonotonicClock monotonic,
            MeteringSettings metering,
            PublisherSettings publishing,
            MeterIdentity identity,
            IRecordSigner signer,
            IMqttTransport mqtt,
            ISignatureVerifier verifier,
            byte[][] collectorKeys)
        {
            _mqtt = mqtt;
            _identity = identity;
            _settings = publishing;
            _monotonic = monotonic;
            _topics = new MeterTopics(publishing.TopicPrefix, identity.Serial);
            _records = new OcmfRecordBuilder(identity, signer);
            _authenticator = new CommandAuthenticator(identity.Serial, collectorKeys, verifier);
            _writer = new AsciiWriter(_text);
            _instantaneous = new InstantaneousValues(ic.PhaseCount);
            for (int i = 0; i < InboxSlots; i++)
            {
                _inbox[i] = new byte[CommandAuthenticator.MaximumLength];
            }

            _loop = new MeteringLoop(ic, journal, monotonic, metering, this);
        }

        /// <summary>The metering loop.</summary>
        public MeteringLoop Loop
        {
            get { return _loop; }
        }

        /// <summary>The topics used.</summary>
        public MeterTopics Topics
        {
            get { return _topics; }
        }

        /// <summary>Index of the next period record to send.</summary>
        public long NextPeriodToSend
        {
            get { return _nextPeriod; }
        }

        /// <summary>Also told of every closed period and event (a console, a test); may be null.</summary>
        public IMeterObserver Observer { get; set; }

        /// <summary>
        /// The operational metering stream (docs/protocol.md, "Operational metering"), or null for none. It is offered
        /// each tick's energy read after the metering and the half-hour records of that tick.
        /// </summary>
        public OperationalStream Operational { get; set; }

        /// <summary>Commands dropped because the inbox was full.</summary>
        public long InboxDropped
        {
            get { return _inboxDropped; }
        }

        /// <summary>Starts the meter (journal recovery, IC start-up).</summary>
        public void Start()
        {
            _loop.Start();
            _nextPeriod = _loop.State.AcknowledgedPeriodIndex + 1;
            long first = _loop.Journal.FirstPeriodIndex;
            if (first > _nextPeriod)
            {
                _nextPeriod = first;
            }

            long now = _monotonic.Ticks;
            _lastSnapshot = now - _settings.SnapshotIntervalTicks;
            _lastTelemetry = now;
        }

        /// <summary>
        /// The retained status that says the meter is offline, <c>{"online":false,"serial":"..."}</c>: the shell hands
        /// it to the broker as the last will when it connects (allocates; call once).
        /// </summary>
        public static byte[] OfflineStatus(string serial)
        {
            AsciiWriter w = new AsciiWriter(new byte[64 + (serial.Length * 6)]);
            w.Raw("{\"online\":false,\"serial\":");
            w.JsonString(serial);
            w.Char('}');
            byte[] payload = new byte[w.Length];
            Array.Copy(w.Buffer, payload, w.Length);
            return payload;
        }

        /// <summary>
        /// Before an orderly disconnect: publishes the offline status itself (retained), because a broker sends the
        /// last will only when a client disappears without disconnecting. False if the transport refused it.
        /// </summary>
        public bool PublishOffline()
        {
            byte[] payload = OfflineStatus(_identity.Serial);
            return _mqtt.Publish(_topics.Status, payload, 0, payload.Length, 1, true);
        }

        /// <summary>Hands the meter an SNTP sample (any thread).</summary>
        public void SubmitTimeSample(SntpSample sample)
        {
            _loop.SubmitTimeSample(sample);
        }

        /// <summary>
        /// A message arrived on a subscribed topic (any thread). Only the command topic is acted on; the message is
        /// copied and handled at the next tick. A full inbox drops the message (the collector retries).
        /// </summary>
        public void OnMessage(string topic, byte[] payload, int length)
        {
            if (topic != _topics.Command || payload == null)
            {
                return;
            }

            lock (_inboxLock)
            {
                if (_inboxCount == InboxSlots)
                {
                    _inboxDropped++;
                    return;
                }

                int slot = (_inboxHead + _inboxCount) % InboxSlots;

                // A length the payload cannot hold is the transport's bug, not a reason to throw on its thread: it is
                // refused like an oversized message.
                bool bad = length < 0 || length > payload.Length || length > CommandAuthenticator.MaximumLength;
                int count = bad ? CommandAuthenticator.MaximumLength + 1 : length;
                if (count <= CommandAuthenticator.MaximumLength)
                {
                    Array.Copy(payload, 0, _inbox[slot], 0, count);
                }

                // An oversized message is recorded as such so that it is refused (and logged) like any malformed one.
                _inboxLengths[slot] = count;
                _inboxCount++;
            }
        }

        /// <summary>One tick: metering, then commands, then whatever is due to be sent.</summary>
        public void Tick()
        {
            _loop.Tick();
            HandleCommands();

            bool connected = _mqtt.IsConnected;
            if (connected && !_wasConnected)
            {
                OnConnected();
            }

            _wasConnected = connected;
            if (!connected)
            {
                OfferOperational();
                return;
            }

            long now = _monotonic.Ticks;
            SendEvents();
            SendPeriods(now);
            if (now - _lastSnapshot >= _settings.SnapshotIntervalTicks && _loop.TimeKnown)
            {
                PublishSnapshot();
            }

            if (now - _lastTelemetry >= _settings.TelemetryIntervalTicks)
            {
                _lastTelemetry = now;
                PublishTelemetry();
            }

            if (_statusDue)
            {
                PublishStatus();
            }

            OfferOperational();
        }

        // After everything of the tick: the stream only uses the read already made, and its slot passes even offline.
        // A tick with no message due costs a clock reading and a division.
        private void OfferOperational()
        {
            long read = _loop.LastReadTicks;
            if (Operational == null || read == _lastOfferedRead || !_loop.Clock.IsKnown)
            {
                return;
            }

            _lastOfferedRead = read;
            long utc = _loop.Clock.UtcTicks(read);
            if (!Operational.Due(utc))
            {
                return;
            }

            ClockQuality quality = _loop.Clock.Quality(read);
            bool synchronised = quality == ClockQuality.Synchronised || quality == ClockQuality.Holdover;
            Operational.Send(utc, synchronised, read, _loop.LastActivePowerMilliwatts, _loop.ImportMicrowattHours, _loop.ExportMicrowattHours, _mqtt);
        }

        // ------------------------------------------------------------------ IMeterObserver

        /// <summary>A period closed: its record goes out with the others in order.</summary>
        public void OnPeriodClosed(HalfHourPeriod period)
        {
            _statusDue = true;
            if (Observer != null)
            {
                Observer.OnPeriodClosed(period);
            }
        }

        /// <summary>An event was logged: it goes out from the journal in order.</summary>
        public void OnEvent(MeterEvent meterEvent)
        {
            if (Observer != null)
            {
                Observer.OnEvent(meterEvent);
            }
        }

        // ------------------------------------------------------------------ sending

        private void OnConnected()
        {
            _statusDue = true;
            PublishDiscovery();
        }

        private void SendPeriods(long now)
        {
            long last = _loop.Journal.LastPeriodIndex;
            long first = _loop.Journal.FirstPeriodIndex;
            long acknowledged = _loop.State.AcknowledgedPeriodIndex;
            int budget = _settings.RecordsPerTick;

            // Never walk through indices the journal does not hold (before its first period, e.g. on a new meter
            // whose first period is some 35 million half hours after index 0, or after dropped segments) nor
            // through periods the collector has acknowledged since this cycle began.
            if (_nextPeriod <= acknowledged)
            {
                _nextPeriod = acknowledged + 1;
            }

            if (_nextPeriod < first)
            {
                _nextPeriod = first;
            }

            // A requested backfill goes first, in order, even for periods already acknowledged.
            while (_resendFrom >= 0 && budget > 0)
            {
                if (_resendFrom < first)
                {
                    _resendFrom = first;
                }

                if (_resendFrom > _resendTo || _resendFrom > last)
                {
                    _resendFrom = -1;
                    break;
                }

                if (!SendPeriod(_resendFrom))
                {
                    return;
                }

                _resendFrom++;
                budget--;
            }

            while (budget > 0 && _nextPeriod >= 0 && _nextPeriod <= last)
            {
                if (!SendPeriod(_nextPeriod))
                {
                    return;
                }

                _nextPeriod++;
                budget--;
                _caughtUpAt = -1;
            }

            if (_nextPeriod > last && last > acknowledged)
            {
                if (_caughtUpAt < 0)
                {
                    _caughtUpAt = now;
                }
                else if (now - _caughtUpAt >= _settings.AcknowledgementWaitTicks)
                {
                    // No acknowledgement: start a new cycle from the first unacknowledged period.
                    _nextPeriod = acknowledged + 1 > first ? acknowledged + 1 : first;
                    _caughtUpAt = -1;
                }
            }
        }

        // False only when the transport refused (try again next tick); a period that cannot be read is skipped.
        private bool SendPeriod(long index)
        {
            HalfHourPeriod period;
            PeriodReadStatus status = _loop.Journal.TryReadPeriod(index, out period);
            if (status != PeriodReadStatus.Ok)
            {
                return true;
            }

            if (!_records.BuildPeriod(period))
            {
                return true;
            }

            return _mqtt.Publish(_topics.Period, _records.Record, 0, _records.RecordLength, 1, false);
        }

        // False when no snapshot went out (time unknown, signing failed, transport refused).
        private bool PublishSnapshot()
        {
            _lastSnapshot = _monotonic.Ticks;
            long utc = _loop.UtcNow();
            if (utc == 0)
            {
                return false;
            }

            // T pagination: Unix seconds of the snapshot, forced above the last number used. That number is kept in
            // the checkpoint, so it stays unique and increasing across restarts and backward clock steps.
            long pagination = (utc - UnixEpochTicks) / PublisherSettings.Second;
            if (pagination < _loop.State.NextPagination)
            {
                pagination = _loop.State.NextPagination;
            }

            ClockQuality quality = _loop.Clock.Quality(_monotonic.Ticks);
            char timeStatus = quality == ClockQuality.Synchronised || quality == ClockQuality.Holdover ? 'S' : 'U';
            PeriodFlags flags = _loop.Ledger.IsStarted ? _loop.Ledger.OpenPeriod.Flags : PeriodFlags.None;
            if (!_records.BuildSnapshot(utc, timeStatus, _loop.ImportMicrowattHours, _loop.ExportMicrowattHours, flags, pagination))
            {
                return false;
            }

            _loop.UsePagination(pagination);
            return _mqtt.Publish(_topics.Snapshot, _records.Record, 0, _records.RecordLength, 1, true);
        }

        private void SendEvents()
        {
            uint from = _loop.State.PublishedEventSequence + 1;
            if (from >= _loop.State.NextEventSequence)
            {
                // Nothing logged since the last one sent: do not look in the event file on every tick.
                return;
            }

            int count = _loop.Journal.ReadEvents(from, _events);
            for (int i = 0; i < count; i++)
            {
                MeterEvent e = _events[i];
                AsciiWriter w = _writer;
                w.Reset();
                w.Raw("{\"seq\":");
                w.Integer(e.Sequence);
                w.Raw(",\"utc\":");
                UtcOrNull(w, e.UtcTicks);

                w.Raw(",\"code\":");
                w.Integer((long)e.Code);
                w.Raw(",\"name\":\"");
                w.Raw(EventNames.Of(e.Code));
                w.Raw("\",\"v1\":");
                w.Integer(e.Value1);
                w.Raw(",\"v2\":");
                w.Integer(e.Value2);
                w.Char('}');
                if (!_mqtt.Publish(_topics.Event, _text, 0, w.Length, 1, false))
                {
                    return;
                }

                _loop.EventsPublished(e.Sequence);
            }
        }

        private void PublishStatus()
        {
            _statusDue = false;
            long now = _monotonic.Ticks;
            AsciiWriter w = _writer;
            w.Reset();
            w.Raw("{\"online\":true,\"serial\":");
            w.JsonString(_identity.Serial);
            w.Raw(",\"model\":");
            w.JsonString(_identity.Model);
            w.Raw(",\"firmware\":");
            w.JsonString(_identity.FirmwareVersion);
            w.Raw(",\"clock\":\"");
            w.Raw(QualityName(_loop.Clock.Quality(now)));
            w.Raw("\",\"utc\":");
            UtcOrNull(w, _loop.UtcNow());

            w.Raw(",\"last_period\":");
            w.Integer(_loop.Journal.LastPeriodIndex);
            w.Raw(",\"first_period\":");
            w.Integer(_loop.Journal.FirstPeriodIndex);
            w.Raw(",\"acknowledged\":");
            w.Integer(_loop.State.AcknowledgedPeriodIndex);
            w.Raw(",\"import_wh\":");
            w.WattHours(_loop.ImportMicrowattHours);
            w.Raw(",\"export_wh\":");
            w.WattHours(_loop.ExportMicrowattHours);
            w.Raw(",\"calibration\":");
            w.Integer(_loop.State.CalibrationVersion);
            w.Char('}');
            _mqtt.Publish(_topics.Status, _text, 0, w.Length, 1, true);
        }

        private void PublishTelemetry()
        {
            if (_loop.Ic.ReadInstantaneous(_instantaneous) != IcStatus.Ok)
            {
                return;
            }

            AsciiWriter w = _writer;
            w.Reset();
            w.Raw("{\"power_w\":");
            w.Thousandths(_instantaneous.TotalActivePowerMilliwatts);
            w.Raw(",\"voltage_v\":");
            w.Thousandths(_instantaneous.VoltageMillivolts[0]);
            w.Raw(",\"current_a\":");
            w.Thousandths(_instantaneous.CurrentMilliamps[0]);
            w.Raw(",\"frequency_hz\":");
            w.Thousandths(_instantaneous.FrequencyMillihertz);
            w.Raw(",\"import_kwh\":");
            w.WattHours(_loop.ImportMicrowattHours / 1000);
            w.Raw(",\"export_kwh\":");
            w.WattHours(_loop.ExportMicrowattHours / 1000);
            w.Char('}');
            _mqtt.Publish(_topics.Telemetry, _text, 0, w.Length, 0, false);
        }

        private void PublishDiscovery()
        {
            Discovery(_topics.DiscoveryImport, "import", "Energy imported", "energy", "kWh", "total_increasing", "import_kwh");
            Discovery(_topics.DiscoveryExport, "export", "Energy exported", "energy", "kWh", "total_increasing", "export_kwh");
            Discovery(_topics.DiscoveryPower, "power", "Active power", "power", "W", "measurement", "power_w");
            Discovery(_topics.DiscoveryVoltage, "voltage", "Voltage", "voltage", "V", "measurement", "voltage_v");
            Discovery(_topics.DiscoveryCurrent, "current", "Current", "current", "A", "measurement", "current_a");
            Discovery(_topics.DiscoveryFrequency, "frequency", "Frequency", "frequency", "Hz", "measurement", "frequency_hz");
        }

        // Home Assistant MQTT discovery: energy as device_class energy / state_class total_increasing.
        private void Discovery(string topic, string key, string name, string deviceClass, string unit, string stateClass, string field)
        {
            AsciiWriter w = _writer;
            w.Reset();
            w.Raw("{\"name\":");
            w.JsonString(name);
            w.Raw(",\"unique_id\":");
            w.JsonString(_identity.Serial + "_" + key);
            w.Raw(",\"state_topic\":");
            w.JsonString(_topics.Telemetry);
            w.Raw(",\"value_template\":\"{{ value_json.");
            w.Raw(field);
            w.Raw(" }}\",\"device_class\":\"");
            w.Raw(deviceClass);
            w.Raw("\",\"unit_of_measurement\":\"");
            w.Raw(unit);
            w.Raw("\",\"state_class\":\"");
            w.Raw(stateClass);
            w.Raw("\",\"availability_topic\":");
            w.JsonString(_topics.Status);
            w.Raw(",\"availability_template\":\"{{ 'online' if value_json.online else 'offline' }}\",\"device\":{\"identifiers\":[");
            w.JsonString(_identity.Serial);
            w.Raw("],\"name\":");
            w.JsonString("Asset meter " + _identity.Serial);
            w.Raw(",\"manufacturer\":\"");
            w.Raw(MeterIdentity.Vendor);
            w.Raw("\",\"model\":");
            w.JsonString(_identity.Model);
            w.Raw(",\"sw_version\":");
            w.JsonString(_identity.FirmwareVersion);
            w.Raw("}}");
            _mqtt.Publish(topic, _text, 0, w.Length, 1, true);
        }

        // A UTC time as a JSON string, or null when it is not known (0).
        private static void UtcOrNull(AsciiWriter w, long utcTicks)
        {
            if (utcTicks == 0)
            {
                w.Raw("null");
                return;
            }

            w.Char('"');
            UtcText.Write(w, utcTicks);
            w.Char('"');
        }

        private static string QualityName(ClockQuality quality)
        {
            switch (quality)
            {
                case ClockQuality.Synchronised: return "synchronised";
                case ClockQuality.Holdover: return "holdover";
                case ClockQuality.Degraded: return "degraded";
                default: return "unsynchronised";
            }
        }

        // ------------------------------------------------------------------ commands

        private void HandleCommands()
        {
            while (true)
            {
                int length;
                lock (_inboxLock)
                {
                    if (_inboxCount == 0)
                    {
                        return;
                    }

                    length = _inboxLengths[_inboxHead];
                    if (length <= CommandAuthenticator.MaximumLength)
                    {
                        Array.Copy(_inbox[_inboxHead], 0, _message, 0, length);
                    }

                    _inboxHead = (_inboxHead + 1) % InboxSlots;
                    _inboxCount--;
                }

                Handle(length);
            }
        }

        private void Handle(int length)
        {
            CommandRefusal refusal = _authenticator.Check(_message, length, _loop.UtcNow(), _loop.State.LastCommandCounter, _command);
            if (refusal != CommandRefusal.None)
            {
                Refuse(refusal);
                return;
            }

            // Arguments that only the meter's state can judge: refused like any other bad argument, changing nothing.
            refusal = Validate();
            if (refusal != CommandRefusal.None)
            {
                Refuse(refusal);
                return;
            }

            // Authentic, fresh and sensible: its counter is used up whatever happens next.
            _loop.AcceptCommandCounter(_command.Counter);
            CommandRefusal outcome = Execute();
            if (outcome != CommandRefusal.None)
            {
                Refuse(outcome);
                return;
            }

            _loop.Log(EventCode.CommandAccepted, (long)_command.Kind, _command.Counter);
            Reply(CommandRefusal.None);
        }

        private CommandRefusal Validate()
        {
            switch (_command.Kind)
            {
                case CommandKind.SetClock:
                    long utc = _loop.UtcNow();
                    long step = _command.ClockUtcTicks - utc;
                    bool tooFar = step > MaximumClockStepTicks || step < -MaximumClockStepTicks;
                    return utc != 0 && tooFar ? CommandRefusal.BadArgument : CommandRefusal.None;
                case CommandKind.Calibrate:
                    // The version must go up: a stored calibration is reapplied after a restart only if it is newer
                    // than the configured one, so an older version would silently be undone by the next restart.
                    _calibration = CalibrationRecord.ReadFrom(_command.Calibration, 0, _command.Calibration.Length);
                    return _calibration == null || _calibration.PartCode != _loop.Ic.PartCode || _calibration.Version <= _loop.State.CalibrationVersion
                        ? CommandRefusal.BadArgument
                        : CommandRefusal.None;
                case CommandKind.Acknowledge:
                    // A collector can only hold what the meter has journaled.
                    return _command.ToPeriod > _loop.Journal.LastPeriodIndex ? CommandRefusal.BadArgument : CommandRefusal.None;
                default:
                    return CommandRefusal.None;
            }
        }

        private CommandRefusal Execute()
        {
            switch (_command.Kind)
            {
                case CommandKind.Read:
                    return PublishSnapshot() ? CommandRefusal.None : CommandRefusal.Failed;
                case CommandKind.Resend:
                    _resendFrom = _command.FromPeriod;
                    _resendTo = _command.ToPeriod;
                    return CommandRefusal.None;
                case CommandKind.SetClock:
                    // A collector's clock is taken as good to a second: holdover quality, not flagged unsynchronised.
                    _loop.SetClock(_command.ClockUtcTicks, 10000000);
                    _statusDue = true;
                    return CommandRefusal.None;
                case CommandKind.Calibrate:
                    return _loop.ApplyCalibration(_calibration) == IcStatus.Ok ? CommandRefusal.None : CommandRefusal.Failed;
                case CommandKind.Acknowledge:
                    _loop.Acknowledge(_command.ToPeriod);
                    _statusDue = true;
                    return CommandRefusal.None;
                default:
                    return CommandRefusal.UnknownOperation;
            }
        }

        private void Refuse(CommandRefusal refusal)
        {
            // Each refusal is logged, but at most 60 a minute: a flood of garbage must not wear out the flash.
            long now = _monotonic.Ticks;
            if (now - _refusalWindowStart >= 60 * PublisherSettings.Second)
            {
                _refusalWindowStart = now;
                _refusalsLogged = 0;
            }

            if (_refusalsLogged < RefusalsLoggedPerMinute)
            {
                _refusalsLogged++;
                _loop.Log(EventCode.CommandRefused, (long)refusal, _command.Counter);
            }

            Reply(refusal);
        }

        private void Reply(CommandRefusal refusal)
        {
            if (!_mqtt.IsConnected)
            {
                return;
            }

            AsciiWriter w = _writer;
            w.Reset();
            w.Raw("{\"n\":");
            w.Integer(_command.Counter);
            w.Raw(",\"op\":\"");
            w.Raw(RefusalNames.Of(_command.Kind));
            w.Raw("\",\"result\":\"");
            w.Raw(refusal == CommandRefusal.None ? "ok" : "refused");
            w.Raw("\",\"reason\":\"");
            w.Raw(RefusalNames.Of(refusal));
            w.Raw("\",\"utc\":");
            UtcOrNull(w, _loop.UtcNow());

            w.Char('}');
            _mqtt.Publish(_topics.Reply, _text, 0, w.Length, 1, false);
        }
    }
}
