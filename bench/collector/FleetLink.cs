using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector.Engine;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>A boundary's messages encoded as MQTT packets for each connection, ready to be written (not measured).</summary>
    internal sealed class PreparedBurst
    {
        public PreparedBurst(List<byte[]>[] packets, int messages)
        {
            Packets = packets;
            Messages = messages;
        }

        /// <summary>Per connection, the PUBLISH packets in order.</summary>
        public List<byte[]>[] Packets { get; }

        public int Messages { get; }
    }

    /// <summary>
    /// The fleet's side of the broker: a handful of connections that publish the meters' messages, and one MQTTnet
    /// client that receives the commands the collector sends to the meters (counting acknowledgements per meter).
    /// </summary>
    /// <remarks>
    /// A real fleet has one TCP connection per meter, on other machines: its publishing costs the collector's machine
    /// nothing. So that publishing here costs as little, the fleet's PUBLISH packets (MQTT 3.1.1, QoS 1, as the meters
    /// send them) are encoded beforehand with MQTTnet's own packet formatter and written to the sockets in large
    /// writes, up to <see cref="Window"/> unacknowledged per connection; the broker's PUBACKs are counted. What the
    /// collector sees does not depend on the number of connections: it has one per instance, and the broker hands it
    /// the same messages whichever connection they came in on.
    /// </remarks>
    internal sealed class FleetLink : IAsyncDisposable
    {
        // QoS 1 publishes in flight per connection.
        private const int Window = 2000;
        private readonly List<Publisher> _publishers = new();
        private readonly IMqttClient _commands;
        private readonly ConcurrentDictionary<string, long> _acknowledged = new(StringComparer.Ordinal);
        private long _commandsReceived;
        private long _acknowledgements;

        private FleetLink(IMqttClient commands)
        {
            _commands = commands;
            _commands.ApplicationMessageReceivedAsync += e =>
            {
                Interlocked.Increment(ref _commandsReceived);
                string serial = e.ApplicationMessage.Topic.Split('/')[1];
                string text = Encoding.ASCII.GetString(e.ApplicationMessage.Payload);
                if (text.Contains("\"op\":\"ack\"", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _acknowledgements);
                    long to = AcknowledgedTo(text);
                    _acknowledged.AddOrUpdate(serial, to, (_, previous) => Math.Max(previous, to));
                }

                return Task.CompletedTask;
            };
        }

        /// <summary>Commands the meters received (any operation).</summary>
        public long CommandsReceived => Interlocked.Read(ref _commandsReceived);

        /// <summary>Acknowledgements received, all meters together (more than one per meter when instances repeat each other).</summary>
        public long Acknowledgements => Interlocked.Read(ref _acknowledgements);

        /// <summary>Meters that have received an acknowledgement of period <paramref name="index"/> (or a later one).</summary>
        public int MetersAcknowledged(long index)
        {
            int count = 0;
            foreach (long to in _acknowledged.Values)
            {
                if (to >= index)
                {
                    count++;
                }
            }

            return count;
        }

        /// <summary>Whether meter <paramref name="serial"/> has received an acknowledgement of period <paramref name="index"/> or later.</summary>
        public bool Acknowledged(string serial, long index) => _acknowledged.TryGetValue(serial, out long to) && to >= index;

        public static async Task<FleetLink> ConnectAsync(string host, int port, int connections)
        {
            IMqttClient commands = new MqttClientFactory().CreateMqttClient();
            var link = new FleetLink(commands);
            await commands.ConnectAsync(MqttSocket.WithLargeBuffers(new MqttClientOptionsBuilder()
                .WithTcpServer(host, port)
                .WithClientId("fleet-commands")
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithCleanSession(true)
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
                .WithTimeout(TimeSpan.FromSeconds(60))
                .Build()));
            await commands.SubscribeAsync("assetmeter/+/command", MqttQualityOfServiceLevel.AtLeastOnce);
            for (int i = 0; i < connections; i++)
            {
                link._publishers.Add(await Publisher.ConnectAsync(host, port, "fleet-" + i));
            }

            return link;
        }

        /// <summary>
        /// Encodes every message as a QoS 1 PUBLISH for its connection (meter i on connection i mod n, keeping each
        /// meter's own order); nothing is sent.
        /// </summary>
        public PreparedBurst Prepare(IReadOnlyList<(string Topic, byte[] Payload, bool Retain)> messages, int messagesPerMeter)
        {
            int n = _publishers.Count;
            var packets = new List<byte[]>[n];
            for (int c = 0; c < n; c++)
            {
                packets[c] = new List<byte[]>(messages.Count / n + 1);
            }

            for (int i = 0; i < messages.Count; i++)
            {
                int c = (i / messagesPerMeter) % n;
                (string topic, byte[] payload, bool retain) = messages[i];
                packets[c].Add(_publishers[c].Encode(topic, payload, retain));
            }

            return new PreparedBurst(packets, messages.Count);
        }

        /// <summary>Writes a prepared burst on every connection at once; returns when the broker has acknowledged it all.</summary>
        public async Task PublishAsync(PreparedBurst burst)
        {
            var tasks = new Task[_publishers.Count];
            for (int c = 0; c < _publishers.Count; c++)
            {
                Publisher publisher = _publishers[c];
                List<byte[]> packets = burst.Packets[c];
                tasks[c] = Task.Run(() => publisher.SendAsync(packets));
            }

            await Task.WhenAll(tasks);
        }

        public Task PublishAsync(IReadOnlyList<(string Topic, byte[] Payload, bool Retain)> messages, int messagesPerMeter) => PublishAsync(Prepare(messages, messagesPerMeter));

        public async ValueTask DisposeAsync()
        {
            foreach (Publisher publisher in _publishers)
            {
                publisher.Dispose();
            }

            try
            {
                if (_commands.IsConnected)
                {
                    await _commands.DisconnectAsync();
                }
            }
            catch (Exception)
            {
                // Going away anyway.
            }

            _commands.Dispose();
        }

        // The command's payload is JSON written by the collector: ...,"op":"ack","to":<period>}.
        private static long AcknowledgedTo(string message)
        {
            int at = message.IndexOf("\"to\":", StringComparison.Ordinal);
            if (at < 0)
            {
                return -1;
            }

            int start = at + 5;
            int end = start;
            while (end < message.Length && char.IsAsciiDigit(message[end]))
            {
                end++;
            }

            return long.Parse(message.AsSpan(start, end - start), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>One publishing connection: MQTT 3.1.1, clean session, no keep-alive (it may sit idle between boundaries).</summary>
        private sealed class Publisher : IDisposable
        {
            private readonly Socket _socket;
            private readonly MqttPacketFormatterAdapter _formatter = new(MqttProtocolVersion.V311, new MqttBufferWriter(4096, 65536));
            private readonly SemaphoreSlim _window = new(Window, Window);
            private ushort _nextId;
            private long _acknowledged;
            private TaskCompletionSource? _allAcknowledged;
            private long _expected;

            private Publisher(Socket socket)
            {
                _socket = socket;
            }

            public static async Task<Publisher> ConnectAsync(string host, int port, string clientId)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(host, port);
                var publisher = new Publisher(socket);
                byte[] connect = publisher._formatter.Encode(new MqttConnectPacket { ClientId = clientId, CleanSession = true, KeepAlivePeriod = 0 }).ToArray();
                await socket.SendAsync(connect);
                var connack = new byte[4];
                int read = 0;
                while (read < 4)
                {
                    int got = await socket.ReceiveAsync(connack.AsMemory(read));
                    if (got == 0)
                    {
                        throw new InvalidOperationException("the broker closed the connection before CONNACK");
                    }

                    read += got;
                }

                if (connack[0] != 0x20 || connack[3] != 0)
                {
                    throw new InvalidOperationException($"the broker refused the connection (CONNACK {Convert.ToHexString(connack)})");
                }

                _ = Task.Run(publisher.ReadAcknowledgementsAsync);
                return publisher;
            }

            public byte[] Encode(string topic, byte[] payload, bool retain)
            {
                _nextId = (ushort)(_nextId == ushort.MaxValue ? 1 : _nextId + 1);
                return _formatter.Encode(new MqttPublishPacket
                {
                    Topic = topic,
                    PayloadSegment = payload,
                    QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
                    Retain = retain,
                    PacketIdentifier = _nextId,
                }).ToArray();
            }

            public async Task SendAsync(List<byte[]> packets)
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _allAcknowledged, done);
                long target = Interlocked.Read(ref _expected) + packets.Count;
                Interlocked.Exchange(ref _expected, target);
                if (Interlocked.Read(ref _acknowledged) >= target)
                {
                    done.TrySetResult();
                }

                // Large writes: many packets per system call, the window permitting.
                var buffer = new byte[64 * 1024];
                int used = 0;
                foreach (byte[] packet in packets)
                {
                    if (!_window.Wait(0))
                    {
                        if (used > 0)
                        {
                            await _socket.SendAsync(buffer.AsMemory(0, used));
                            used = 0;
                        }

                        await _window.WaitAsync();
                    }

                    if (used + packet.Length > buffer.Length)
                    {
                        await _socket.SendAsync(buffer.AsMemory(0, used));
                        used = 0;
                    }

                    if (packet.Length > buffer.Length)
                    {
                        await _socket.SendAsync(packet);
                    }
                    else
                    {
                        packet.CopyTo(buffer, used);
                        used += packet.Length;
                    }
                }

                if (used > 0)
                {
                    await _socket.SendAsync(buffer.AsMemory(0, used));
                }

                await done.Task.WaitAsync(TimeSpan.FromMinutes(10));
            }

            // PUBACKs (0x40 0x02 id id), all the broker sends a publisher without subscriptions.
            private async Task ReadAcknowledgementsAsync()
            {
                var buffer = new byte[16 * 1024];
                int kept = 0;
                try
                {
                    while (true)
                    {
                        int got = await _socket.ReceiveAsync(buffer.AsMemory(kept));
                        if (got == 0)
                        {
                            return;
                        }

                        int length = kept + got;
                        int at = 0;
                        int acknowledged = 0;
                        while (length - at >= 4)
                        {
                            if (buffer[at] != 0x40 || buffer[at + 1] != 0x02)
                            {
                                throw new InvalidOperationException($"unexpected packet from the broker: {Convert.ToHexString(buffer, at, 2)}");
                            }

                            at += 4;
                            acknowledged++;
                        }

                        kept = length - at;
                        Array.Copy(buffer, at, buffer, 0, kept);
                        if (acknowledged == 0)
                        {
                            continue;
                        }

                        _window.Release(acknowledged);
                        long total = Interlocked.Add(ref _acknowledged, acknowledged);
                        if (total >= Interlocked.Read(ref _expected))
                        {
                            Volatile.Read(ref _allAcknowledged)?.TrySetResult();
                        }
                    }
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
                {
                    Volatile.Read(ref _allAcknowledged)?.TrySetException(e);
                }
            }

            public void Dispose()
            {
                _socket.Dispose();
                _window.Dispose();
            }
        }
    }
}
