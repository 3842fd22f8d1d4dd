using System;

namespace AssetMeter.Collector.Engine
{
    /// <summary>What a meter topic carries.</summary>
    public enum MessageKind
    {
        Other,
        Period,
        Snapshot,
        Status,
        Event,
        Reply,
        Command,
        Telemetry,
    }

    /// <summary>
    /// The meters' topics, <c>&lt;prefix&gt;/&lt;serial&gt;/&lt;kind&gt;</c> (docs/protocol.md): what the collector
    /// subscribes to, and where it sends a meter's commands.
    /// </summary>
    public sealed class MeterTopics
    {
        public const string DefaultPrefix = "assetmeter";

        public MeterTopics(string prefix = DefaultPrefix)
        {
            if (prefix.Length == 0 || prefix.Contains('+') || prefix.Contains('#') || prefix.EndsWith('/'))
            {
                throw new ArgumentException("topic prefix must be a plain topic level path", nameof(prefix));
            }

            Prefix = prefix;
        }

        public string Prefix { get; }

        /// <summary>Filter for one kind of message from every meter, for example <c>assetmeter/+/period</c>.</summary>
        public string AllMeters(string kind) => Prefix + "/+/" + kind;

        public string Command(string serial) => Prefix + "/" + serial + "/command";

        /// <summary>Splits a topic into meter serial and kind; false when it is not a meter topic.</summary>
        public bool TryParse(string topic, out string serial, out MessageKind kind)
        {
            serial = string.Empty;
            kind = MessageKind.Other;
            if (!topic.StartsWith(Prefix + "/", StringComparison.Ordinal))
            {
                return false;
            }

            string rest = topic.Substring(Prefix.Length + 1);
            int slash = rest.IndexOf('/');
            if (slash <= 0 || rest.IndexOf('/', slash + 1) >= 0)
            {
                return false;
            }

            serial = rest.Substring(0, slash);
            kind = rest.Substring(slash + 1) switch
            {
                "period" => MessageKind.Period,
                "snapshot" => MessageKind.Snapshot,
                "status" => MessageKind.Status,
                "event" => MessageKind.Event,
                "reply" => MessageKind.Reply,
                "command" => MessageKind.Command,
                "telemetry" => MessageKind.Telemetry,
                _ => MessageKind.Other,
            };
            return true;
        }
    }
}
