namespace AssetMeter.Firmware.Mqtt
{
    /// <summary>
    /// The MQTT topics of one meter (docs/protocol.md): <c>&lt;prefix&gt;/&lt;serial&gt;/period|snapshot|status|event|command|reply|telemetry|operational</c>,
    /// plus Home Assistant discovery under <c>homeassistant/sensor/&lt;serial&gt;_*/config</c>.
    /// </summary>
    public sealed class MeterTopics
    {
        /// <summary>Default topic prefix.</summary>
        public const string DefaultPrefix = "assetmeter";

        /// <summary>Builds the topics for meter <paramref name="serial"/> under <paramref name="prefix"/>.</summary>
        public MeterTopics(string prefix, string serial)
        {
            string root = prefix + "/" + serial + "/";
            Serial = serial;
            Period = root + "period";
            Snapshot = root + "snapshot";
            Status = root + "status";
            Event = root + "event";
            Command = root + "command";
            Reply = root + "reply";
            Telemetry = root + "telemetry";
            Operational = root + "operational";
            DiscoveryImport = "homeassistant/sensor/" + serial + "_import/config";
            DiscoveryExport = "homeassistant/sensor/" + serial + "_export/config";
            DiscoveryPower = "homeassistant/sensor/" + serial + "_power/config";
            DiscoveryVoltage = "homeassistant/sensor/" + serial + "_voltage/config";
            DiscoveryCurrent = "homeassistant/sensor/" + serial + "_current/config";
            DiscoveryFrequency = "homeassistant/sensor/" + serial + "_frequency/config";
        }

        /// <summary>The meter serial.</summary>
        public string Serial { get; }

        /// <summary>Signed half-hour period records (QoS 1).</summary>
        public string Period { get; }

        /// <summary>Signed register snapshot (QoS 1, retained).</summary>
        public string Snapshot { get; }

        /// <summary>Meter status (QoS 1, retained; the last will says offline).</summary>
        public string Status { get; }

        /// <summary>Events (QoS 1).</summary>
        public string Event { get; }

        /// <summary>Commands from collectors (the meter subscribes, QoS 1).</summary>
        public string Command { get; }

        /// <summary>Replies to commands (QoS 1).</summary>
        public string Reply { get; }

        /// <summary>Non-settlement telemetry for home energy systems (QoS 0).</summary>
        public string Telemetry { get; }

        /// <summary>The operational metering stream: power and energy every few seconds, MAC-signed (QoS 0).</summary>
        public string Operational { get; }

        /// <summary>Home Assistant discovery: import energy sensor.</summary>
        public string DiscoveryImport { get; }

        /// <summary>Home Assistant discovery: export energy sensor.</summary>
        public string DiscoveryExport { get; }

        /// <summary>Home Assistant discovery: active power sensor.</summary>
        public string DiscoveryPower { get; }

        /// <summary>Home Assistant discovery: voltage sensor.</summary>
        public string DiscoveryVoltage { get; }

        /// <summary>Home Assistant discovery: current sensor.</summary>
        public string DiscoveryCurrent { get; }

        /// <summary>Home Assistant discovery: frequency sensor.</summary>
        public string DiscoveryFrequency { get; }
    }
}
