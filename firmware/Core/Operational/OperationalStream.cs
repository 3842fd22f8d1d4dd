using System;
using AssetMeter.Firmware.Mqtt;

namespace AssetMeter.Firmware.Operational
{
    /// <summary>
    /// The meter's operational metering stream: every N seconds (1 to 60), in the second given by the meter's stagger
    /// offset, one MAC-signed message with the active power the IC measured at that tick's read and the energy imported
    /// and exported since the previous message, on its own topic at QoS 0 (docs/protocol.md, "Operational metering").
    /// </summary>
    /// <remarks>
    /// <para>The meter application offers it the values of each tick's energy read, after the metering and after the
    /// half-hour records of that tick have been handed to the transport, so the stream never delays either: it reads no
    /// register of its own and sends nothing twice (QoS 0, no queue, no retry). A message that cannot be sent is
    /// dropped; its energy is carried into the next one, whose deltas are counted from the last message sent.</para>
    /// <para>Its slot is used up whether or not the transport is connected, so a fleet that comes back after a broker
    /// outage keeps its stagger instead of all sending at once. After a start the first message waits for the meter's
    /// first slot. Nothing is sent while the meter does not know UTC. A steady-state offer allocates nothing.</para>
    /// </remarks>
    public sealed class OperationalStream
    {
        /// <summary>Shortest interval, seconds.</summary>
        public const int MinimumIntervalSeconds = 1;

        /// <summary>Longest interval, seconds.</summary>
        public const int MaximumIntervalSeconds = 60;

        private const long TicksPerSecond = 10000000;
        private const long TicksPerMillisecond = 10000;
        private const long UnixEpochTicks = 621355968000000000;

        private readonly OperationalMessageBuilder _builder;
        private readonly string _topic;
        private bool _armed;
        private long _lastSlot;
        private bool _hasPrevious;
        private long _previousReadTicks;
        private long _previousImport;
        private long _previousExport;

        /// <summary>
        /// Creates the stream of meter <paramref name="serial"/> (import AMSID <paramref name="amsid"/>, which sets its
        /// offset), every <paramref name="intervalSeconds"/>, on <paramref name="topic"/>, with the operational key.
        /// </summary>
        public OperationalStream(string topic, string serial, string amsid, int intervalSeconds, byte[] key)
        {
            if (intervalSeconds < MinimumIntervalSeconds || intervalSeconds > MaximumIntervalSeconds)
            {
                throw new ArgumentOutOfRangeException("intervalSeconds", "the operational interval is 1 to 60 seconds");
            }

            if (key == null || key.Length < 32)
            {
                throw new ArgumentException("the operational key must be at least 32 bytes", "key");
            }

            _topic = topic;
            IntervalSeconds = intervalSeconds;
            OffsetSeconds = OperationalStagger.OffsetSeconds(amsid, intervalSeconds);
            _builder = new OperationalMessageBuilder(serial, key);
        }

        /// <summary>Seconds between messages.</summary>
        public int IntervalSeconds { get; }

        /// <summary>The second of each interval (Unix seconds mod N) in which this meter sends.</summary>
        public int OffsetSeconds { get; }

        /// <summary>The topic, <c>&lt;prefix&gt;/&lt;serial&gt;/operational</c>.</summary>
        public string Topic
        {
            get { return _topic; }
        }

        /// <summary>Messages handed to the transport; also the sequence number of the last one.</summary>
        public long MessagesSent { get; private set; }

        /// <summary>Slots that passed without a message: transport disconnected or refusing.</summary>
        public long MessagesDropped { get; private set; }

        /// <summary>The builder, with the last message built (tests and benchmarks look at it).</summary>
        public OperationalMessageBuilder Builder
        {
            get { return _builder; }
        }

        /// <summary>
        /// Offers the values of one energy read: UTC of the read (ticks; 0 when unknown), whether the clock is
        /// synchronised (time status S) or not (U), the monotonic ticks of the read, the active power (mW, import
        /// positive) and the cumulative registers (µWh). Sends a message when the meter's slot has come. True when a
        /// message went to the transport. The same as <see cref="Due"/> then <see cref="Send"/>.
        /// </summary>
        public bool Offer(long utcTicks, bool synchronised, long readMonotonicTicks, long powerMilliwatts,
            long importRegisterMicrowattHours, long exportRegisterMicrowattHours, IMqttTransport mqtt)
        {
            return Due(utcTicks) && Send(utcTicks, synchronised, readMonotonicTicks, powerMilliwatts, importRegisterMicrowattHours, exportRegisterMicrowattHours, mqtt);
        }

        /// <summary>
        /// True when a read taken at <paramref name="utcTicks"/> (0 when unknown) is the one to send: the first in a new
        /// slot, in the meter's second of the interval or the next. A true answer uses the slot up: call
        /// <see cref="Send"/> with that read. All a tick without a message costs is this.
        /// </summary>
        public bool Due(long utcTicks)
        {
            if (utcTicks <= UnixEpochTicks)
            {
                return false;
            }

            long unixSeconds = (utcTicks - UnixEpochTicks) / TicksPerSecond;
            long slot = (unixSeconds - OffsetSeconds) / IntervalSeconds;
            if (!_armed || slot < _lastSlot)
            {
                // First time known, or the clock went back: wait for the next slot, never send off the stagger.
                _armed = true;
                _lastSlot = slot;
                return false;
            }

            if (slot == _lastSlot)
            {
                return false;
            }

            // A new slot: send in its own second, or the next one (this read came a little late). Further into the
            // interval (the clock stepped forward, or reads stopped for a while) the slot is let go: the meter waits for
            // its next second rather than send off its stagger.
            _lastSlot = slot;
            return unixSeconds - OffsetSeconds - (slot * IntervalSeconds) <= 1;
        }

        /// <summary>
        /// Builds, signs and hands to the transport the message of a read <see cref="Due"/> said was due. A message the
        /// transport cannot take is dropped (QoS 0: nothing is kept); its energy goes into the next one. True when sent.
        /// </summary>
        public bool Send(long utcTicks, bool synchronised, long readMonotonicTicks, long powerMilliwatts,
            long importRegisterMicrowattHours, long exportRegisterMicrowattHours, IMqttTransport mqtt)
        {
            if (!mqtt.IsConnected)
            {
                MessagesDropped++;
                return false;
            }

            long covered = _hasPrevious ? (readMonotonicTicks - _previousReadTicks) / TicksPerMillisecond : 0;
            long imported = _hasPrevious ? importRegisterMicrowattHours - _previousImport : 0;
            long exported = _hasPrevious ? exportRegisterMicrowattHours - _previousExport : 0;
            int length = _builder.Build(MessagesSent + 1, utcTicks, synchronised ? 'S' : 'U', IntervalSeconds, powerMilliwatts, covered,
                imported, exported, importRegisterMicrowattHours, exportRegisterMicrowattHours);
            if (length == 0 || !mqtt.Publish(_topic, _builder.Message, 0, length, 0, false))
            {
                MessagesDropped++;
                return false;
            }

            MessagesSent++;
            _hasPrevious = true;
            _previousReadTicks = readMonotonicTicks;
            _previousImport = importRegisterMicrowattHours;
            _previousExport = exportRegisterMicrowattHours;
            return true;
        }
    }
}
