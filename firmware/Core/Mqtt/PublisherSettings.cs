namespace AssetMeter.Firmware.Mqtt
{
    /// <summary>Pacing of what the meter sends (docs/protocol.md). Times are monotonic ticks.</summary>
    public sealed class PublisherSettings
    {
        /// <summary>Ticks in a second.</summary>
        public const long Second = 10000000;

        /// <summary>Most period records sent per tick, so a backlog (after an outage) drains without starving metering.</summary>
        public int RecordsPerTick = 8;

        /// <summary>
        /// After the last unacknowledged period has been sent, how long to wait for the collector's acknowledgement
        /// before sending everything unacknowledged again (a new acknowledgement cycle).
        /// </summary>
        public long AcknowledgementWaitTicks = 15 * 60 * Second;

        /// <summary>How often a signed register snapshot is published (retained) without being asked.</summary>
        public long SnapshotIntervalTicks = 15 * 60 * Second;

        /// <summary>How often telemetry (power, voltage, current, frequency) is published.</summary>
        public long TelemetryIntervalTicks = 10 * Second;

        /// <summary>Topic prefix.</summary>
        public string TopicPrefix = MeterTopics.DefaultPrefix;
    }
}
