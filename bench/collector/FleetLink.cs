using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>
    /// The fleet's side of the broker: a handful of MQTT connections that publish the meters' messages, and one that
    /// receives the commands the collector sends to the meters (counting acknowledgements per meter).
    /// </summary>
    /// <remarks>
    /// A real fleet has one TCP connection per meter. What the collector sees does not depend on that: it has one
    /// connection per instance, and the broker hands it the same messages whichever connection they came in on.
    /// Ten thousand connections from this one process would measure the client library's connection handling and
    /// make the publishing side, not the collector, the thing measured. Meters speak MQTT 3.1.1 at QoS 1, as here.
    /// </remarks>
    internal sealed class FleetLink : IAsyncDisposable
    {
        // QoS 1 publishes in flight per connection: enough to keep a loopback connection busy.
        private const int Window = 100;
        private readonly List<IMqttClient> _publishers = new();
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

        public static async Task<FleetLink> ConnectAsync(string host, int port, int connections)
        {
            var factory = new MqttClientFactory();
            IMqttClient commands = factory.CreateMqttClient();
            var link = new FleetLink(commands);
            await commands.ConnectAsync(Options(host, port, "fleet-commands"));
            await commands.SubscribeAsync("assetmeter/+/command", MqttQualityOfServiceLevel.AtLeastOnce);
            for (int i = 0; i < connections; i++)
            {
                IMqttClient publisher = factory.CreateMqttClient();
                await publisher.ConnectAsync(Options(host, port, "fleet-" + i));
                link._publishers.Add(publisher);
            }

            return link;
        }

        /// <summary>
        /// Publishes every message, QoS 1, spread over the connections (meter i on connection i mod n, keeping each
        /// meter's own order), all at once; returns when the broker has acknowledged them all.
        /// </summary>
        public async Task PublishAsync(IReadOnlyList<(string Topic, byte[] Payload, bool Retain)> messages, int messagesPerMeter)
        {
            int n = _publishers.Count;
            var shares = new List<MqttApplicationMessage>[n];
            for (int c = 0; c < n; c++)
            {
                shares[c] = new List<MqttApplicationMessage>(messages.Count / n + 1);
            }

            for (int i = 0; i < messages.Count; i++)
            {
                (string topic, byte[] payload, bool retain) = messages[i];
                shares[(i / messagesPerMeter) % n].Add(new MqttApplicationMessageBuilder()
                    .WithTopic(topic)
                    .WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithRetainFlag(retain)
                    .Build());
            }

            var tasks = new Task[n];
            for (int c = 0; c < n; c++)
            {
                IMqttClient client = _publishers[c];
                List<MqttApplicationMessage> share = shares[c];
                tasks[c] = Task.Run(() => PublishShareAsync(client, share));
            }

            await Task.WhenAll(tasks);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (IMqttClient client in _publishers)
            {
                await DisconnectAsync(client);
            }

            await DisconnectAsync(_commands);
        }

        private static async Task PublishShareAsync(IMqttClient client, List<MqttApplicationMessage> share)
        {
            var inFlight = new Queue<Task<MqttClientPublishResult>>();
            foreach (MqttApplicationMessage message in share)
            {
                if (inFlight.Count >= Window)
                {
                    Check(await inFlight.Dequeue());
                }

                inFlight.Enqueue(client.PublishAsync(message));
            }

            while (inFlight.Count > 0)
            {
                Check(await inFlight.Dequeue());
            }
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

        private static void Check(MqttClientPublishResult result)
        {
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"the broker refused a publish: {result.ReasonCode} {result.ReasonString}");
            }
        }

        private static MqttClientOptions Options(string host, int port, string clientId) => new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
            .WithTimeout(TimeSpan.FromSeconds(60))
            .Build();

        private static async Task DisconnectAsync(IMqttClient client)
        {
            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync();
                }
            }
            catch (Exception)
            {
                // Going away anyway.
            }

            client.Dispose();
        }
    }
}
