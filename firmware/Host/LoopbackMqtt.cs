using System;
using AssetMeter.Firmware.Mqtt;

namespace AssetMeter.Firmware.Host
{
    /// <summary>
    /// An MQTT transport with a perfect broker behind it: always connected (unless told otherwise), every publish
    /// accepted at once. Counts messages and bytes per topic, and hands each message to <see cref="Delivered"/> (a
    /// simulated collector) if set. Counting allocates nothing once each topic has been seen, so the meter's
    /// steady-state allocation can be measured with this transport in place.
    /// </summary>
    public sealed class LoopbackMqtt : IMqttTransport
    {
        private const int MaximumTopics = 32;

        private readonly string[] _topics = new string[MaximumTopics];
        private readonly long[] _messages = new long[MaximumTopics];
        private readonly long[] _bytes = new long[MaximumTopics];
        private int _topicCount;

        /// <summary>False to simulate a lost connection (publishes are then refused).</summary>
        public bool Connected { get; set; } = true;

        public bool IsConnected => Connected;

        /// <summary>Messages accepted.</summary>
        public long Messages { get; private set; }

        /// <summary>Payload bytes accepted.</summary>
        public long Bytes { get; private set; }

        /// <summary>Called with every accepted message (topic, payload array, offset, count); the array is the meter's and is reused.</summary>
        public Action<string, byte[], int, int>? Delivered { get; set; }

        public bool Publish(string topic, byte[] payload, int offset, int count, int qos, bool retain)
        {
            if (!Connected)
            {
                return false;
            }

            int slot = SlotOf(topic);
            _messages[slot]++;
            _bytes[slot] += count;
            Messages++;
            Bytes += count;
            Delivered?.Invoke(topic, payload, offset, count);
            return true;
        }

        /// <summary>Messages accepted on <paramref name="topic"/>.</summary>
        public long MessagesOn(string topic)
        {
            int slot = Find(topic);
            return slot < 0 ? 0 : _messages[slot];
        }

        /// <summary>Payload bytes accepted on <paramref name="topic"/>.</summary>
        public long BytesOn(string topic)
        {
            int slot = Find(topic);
            return slot < 0 ? 0 : _bytes[slot];
        }

        private int SlotOf(string topic)
        {
            int slot = Find(topic);
            if (slot >= 0)
            {
                return slot;
            }

            if (_topicCount == MaximumTopics)
            {
                throw new InvalidOperationException("more topics than the loopback counts");
            }

            _topics[_topicCount] = topic;
            return _topicCount++;
        }

        private int Find(string topic)
        {
            for (int i = 0; i < _topicCount; i++)
            {
                if (ReferenceEquals(_topics[i], topic) || string.Equals(_topics[i], topic, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
