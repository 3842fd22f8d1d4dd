namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// The QoS 1 messages handed to the broker and not yet acknowledged, in the order the meter published them, so
    /// that a dropped connection does not lose them: M2Mqtt empties its own in-flight queue when it closes, and
    /// the meter counts an event as sent once Publish accepted it. Not thread-safe: the transport locks around it.
    /// </summary>
    /// <remarks>
    /// The payload arrays are the ones given to M2Mqtt (it keeps a reference, not a copy, until the PUBACK), so
    /// holding them here costs no extra payload memory while they are in flight. The capacity bounds the memory a
    /// slow or silent broker can tie up.
    /// </remarks>
    internal sealed class MqttOutbox
    {
        private readonly string[] _topics;
        private readonly byte[][] _payloads;
        private readonly bool[] _retain;
        private readonly int[] _messageIds;
        private int _head;
        private int _count;

        public MqttOutbox(int capacity)
        {
            _topics = new string[capacity];
            _payloads = new byte[capacity][];
            _retain = new bool[capacity];
            _messageIds = new int[capacity];
        }

        /// <summary>Messages held.</summary>
        public int Count
        {
            get { return _count; }
        }

        /// <summary>True when no more can be held.</summary>
        public bool IsFull
        {
            get { return _count == _topics.Length; }
        }

        /// <summary>Adds a message not yet handed to the client; returns its position in the queue.</summary>
        /// <exception cref="System.InvalidOperationException">The outbox is full (check <see cref="IsFull"/> first).</exception>
        public int Add(string topic, byte[] payload, bool retain)
        {
            if (IsFull)
            {
                throw new System.InvalidOperationException("outbox full");
            }

            int slot = (_head + _count) % _topics.Length;
            _topics[slot] = topic;
            _payloads[slot] = payload;
            _retain[slot] = retain;
            _messageIds[slot] = -1;
            _count++;
            return _count - 1;
        }

        /// <summary>The topic of the message at <paramref name="position"/> (0 = oldest).</summary>
        public string TopicAt(int position)
        {
            return _topics[Slot(position)];
        }

        /// <summary>The payload of the message at <paramref name="position"/>.</summary>
        public byte[] PayloadAt(int position)
        {
            return _payloads[Slot(position)];
        }

        /// <summary>The retain flag of the message at <paramref name="position"/>.</summary>
        public bool RetainAt(int position)
        {
            return _retain[Slot(position)];
        }

        /// <summary>True when the message at <paramref name="position"/> has not been handed to the current client.</summary>
        public bool IsUnsentAt(int position)
        {
            return _messageIds[Slot(position)] < 0;
        }

        /// <summary>Records the client's message id for the message at <paramref name="position"/> (it was handed over).</summary>
        public void MarkSent(int position, int messageId)
        {
            _messageIds[Slot(position)] = messageId;
        }

        /// <summary>Forgets every message id: a new client numbers its messages afresh, so all are to be sent again.</summary>
        public void MarkAllUnsent()
        {
            for (int i = 0; i < _count; i++)
            {
                _messageIds[Slot(i)] = -1;
            }
        }

        /// <summary>
        /// The broker's verdict on <paramref name="messageId"/>: acknowledged, the message is removed; given up on by
        /// the client (no PUBACK after its retries), it is marked to be sent again. An unknown id is ignored.
        /// </summary>
        public void Complete(int messageId, bool acknowledged)
        {
            for (int i = 0; i < _count; i++)
            {
                int slot = Slot(i);
                if (_messageIds[slot] != messageId)
                {
                    continue;
                }

                if (!acknowledged)
                {
                    _messageIds[slot] = -1;
                    return;
                }

                // Close the gap by moving the older messages up one place, so the queue keeps its order.
                for (int j = i; j > 0; j--)
                {
                    int to = Slot(j);
                    int from = Slot(j - 1);
                    _topics[to] = _topics[from];
                    _payloads[to] = _payloads[from];
                    _retain[to] = _retain[from];
                    _messageIds[to] = _messageIds[from];
                }

                _topics[_head] = null;
                _payloads[_head] = null;
                _head = (_head + 1) % _topics.Length;
                _count--;
                return;
            }
        }

        private int Slot(int position)
        {
            return (_head + position) % _topics.Length;
        }
    }
}
