using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using AssetMeter.Firmware.Mqtt;

namespace AssetMeter.Firmware.Tests.Protocol
{
    /// <summary>A message the meter handed to its transport.</summary>
    internal sealed record Sent(string Topic, byte[] Payload, int Qos, bool Retain)
    {
        public string Text => Encoding.ASCII.GetString(Payload);
    }

    /// <summary>
    /// An MQTT transport in memory whose connectivity the test controls: it keeps what the meter published, in order,
    /// and what a broker would hold retained.
    /// </summary>
    internal sealed class MemoryTransport : IMqttTransport
    {
        private readonly Dictionary<string, byte[]> _retained = new(StringComparer.Ordinal);

        public bool Connected { get; set; } = true;

        /// <summary>False to count messages without keeping them (the fuzz test sends a hundred thousand).</summary>
        public bool Keep { get; set; } = true;

        public bool IsConnected => Connected;

        public List<Sent> Published { get; } = new();

        public long Count { get; private set; }

        /// <summary>Sees every message published, before it is kept (or not).</summary>
        public Action<string, ReadOnlyMemory<byte>>? Observer { get; set; }

        public bool Publish(string topic, byte[] payload, int offset, int count, int qos, bool retain)
        {
            if (!Connected)
            {
                return false;
            }

            Count++;
            Observer?.Invoke(topic, payload.AsMemory(offset, count));
            var copy = payload.AsSpan(offset, count).ToArray();
            if (retain)
            {
                _retained[topic] = copy;
            }

            if (Keep)
            {
                Published.Add(new Sent(topic, copy, qos, retain));
            }

            return true;
        }

        public IReadOnlyList<Sent> On(string topic) => Published.Where(m => m.Topic == topic).ToList();

        public string? RetainedText(string topic) => _retained.TryGetValue(topic, out var bytes) ? Encoding.ASCII.GetString(bytes) : null;

        public void Clear() => Published.Clear();
    }
}
