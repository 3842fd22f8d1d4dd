using System;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using AssetMeter.Firmware.Mqtt;
using nanoFramework.M2Mqtt;
using nanoFramework.M2Mqtt.Messages;

namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// The meter's MQTT transport on the ESP32, over nanoFramework.M2Mqtt 5.1 (MQTT 3.1.1, optionally TLS 1.2 with a
    /// CA certificate and a client certificate): connects with a retained last will saying the meter is offline,
    /// subscribes to the command topic, hands commands to the meter, and reconnects on its own thread with back-off.
    /// </summary>
    /// <remarks>
    /// <para>M2Mqtt's Publish only queues: it returns a message id at once, sends on its own thread, and for QoS 1
    /// reports the broker's PUBACK later through MqttMsgPublished (IsPublished false if none came after its three
    /// tries). QoS 0 gets no report. When a connection drops, M2Mqtt clears its queue; the QoS 1 messages are
    /// therefore also kept in an <see cref="MqttOutbox"/> until acknowledged and handed to the next connection, in
    /// order, so this transport delivers at least once, as the host's MQTTnet transport does: a message may arrive
    /// twice, as with any QoS 1 delivery (records and events carry their index and sequence number).</para>
    /// <para>Publish never throws and never blocks on the network: it copies the payload into an array of exactly
    /// its length (M2Mqtt takes whole arrays and keeps the reference) and returns false when disconnected or when
    /// <see cref="OutboxCapacity"/> messages are still unacknowledged; the meter keeps its data and tries later.</para>
    /// <para>Constructing an MqttClient resolves the broker's name (up to 30 s); it is done on the connection
    /// thread, fresh for every attempt, so a changed address is picked up. The broker is asked for a clean session:
    /// the meter's own journal, not the broker, holds what is unsent. No user name or password: on TLS the broker
    /// authenticates the meter by its client certificate.</para>
    /// <para>TLS checks certificate dates against the system clock, which is 1970 until the firmware's SNTP client
    /// or <see cref="SystemClockFollower"/> sets it; until the clock is plausible a TLS connection is not tried.</para>
    /// </remarks>
    public sealed class M2MqttTransport : IMqttTransport
    {
        /// <summary>Most QoS 1 messages awaiting the broker's acknowledgement (a connection's opening burst is about 25).</summary>
        public const int OutboxCapacity = 32;

        /// <summary>MQTT keep-alive, seconds: a silent broker is noticed within about one and a half of these.</summary>
        public const ushort KeepAliveSeconds = 30;

        private const int FirstBackoffMilliseconds = 2000;
        private const int LongestBackoffMilliseconds = 300000;
        private const int EarliestPlausibleYear = 2025;

        private readonly object _lock = new object();
        private readonly MqttOutbox _outbox = new MqttOutbox(OutboxCapacity);
        private readonly string _host;
        private readonly int _port;
        private readonly bool _tls;
        private readonly X509Certificate _caCertificate;
        private readonly X509Certificate _clientCertificate;
        private readonly string _clientId;
        private readonly string _commandTopic;
        private readonly string _statusTopic;
        private readonly string _willMessage;
        private readonly WifiLink _network;
        private MqttClient _client;
        private MeterApplication _receiver;
        private Thread _thread;

        /// <summary>
        /// A transport to <paramref name="host"/>:<paramref name="port"/>. With <paramref name="tls"/>, the broker's
        /// certificate must chain to <paramref name="caCertificate"/>, and <paramref name="clientCertificate"/> (an
        /// X509Certificate2 with its private key) is presented; if it is null, M2Mqtt falls back to the certificate
        /// stored in the device's configuration block, if any.
        /// </summary>
        public M2MqttTransport(
            string host,
            int port,
            bool tls,
            X509Certificate caCertificate,
            X509Certificate clientCertificate,
            string clientId,
            MeterTopics topics,
            WifiLink network)
        {
            _host = host;
            _port = port;
            _tls = tls;
            _caCertificate = caCertificate;
            _clientCertificate = clientCertificate;
            _clientId = clientId;
            _commandTopic = topics.Command;
            _statusTopic = topics.Status;

            // The serial is an identifier (letters, digits, '-', '_', '.'), so it needs no JSON escaping.
            _willMessage = "{\"online\":false,\"serial\":\"" + topics.Serial + "\"}";
            _network = network;
        }

        /// <inheritdoc />
        public bool IsConnected
        {
            get
            {
                MqttClient client = _client;
                return client != null && client.IsConnected;
            }
        }

        /// <summary>Where received messages go: the meter's OnMessage (set before <see cref="Start"/>).</summary>
        public void Deliver(MeterApplication receiver)
        {
            _receiver = receiver;
        }

        /// <summary>Starts the connection thread.</summary>
        public void Start()
        {
            _thread = new Thread(Run);
            _thread.Start();
        }

        /// <inheritdoc />
        public bool Publish(string topic, byte[] payload, int offset, int count, int qos, bool retain)
        {
            try
            {
                lock (_lock)
                {
                    MqttClient client = _client;
                    if (client == null || !client.IsConnected || (qos > 0 && _outbox.IsFull))
                    {
                        return false;
                    }

                    byte[] message = new byte[count];
                    Array.Copy(payload, offset, message, 0, count);
                    if (qos == 0)
                    {
                        client.Publish(topic, message, null, null, MqttQoSLevel.AtMostOnce, retain);
                        return true;
                    }

                    // Accepted once it is in the outbox: if M2Mqtt refuses it now, the connection thread sends it
                    // again within a second.
                    Send(client, _outbox.Add(topic, message, retain));
                    return true;
                }
            }
            catch (Exception)
            {
                return false;
            }
        }

        // Hands the outbox message at position to the client. Called with _lock held. M2Mqtt's Publish takes only
        // its own short locks and never calls back into this class while holding them, so this cannot deadlock.
        private void Send(MqttClient client, int position)
        {
            try
            {
                ushort id = client.Publish(
                    _outbox.TopicAt(position),
                    _outbox.PayloadAt(position),
                    null,
                    null,
                    MqttQoSLevel.AtLeastOnce,
                    _outbox.RetainAt(position));
                _outbox.MarkSent(position, id);
            }
            catch (Exception)
            {
                // Its in-flight queue is full or it is closing: left unsent, retried by the connection thread.
            }
        }

        private void Run()
        {
            int backoff = FirstBackoffMilliseconds;
            bool clockWaitLogged = false;
            while (true)
            {
                MqttClient current = _client;
                if (current != null)
                {
                    if (current.IsConnected)
                    {
                        SendUnsent(current);
                        Thread.Sleep(1000);
                        continue;
                    }

                    lock (_lock)
                    {
                        _client = null;
                    }

                    Log.Write("MQTT: connection lost; " + _outbox.Count.ToString() + " unacknowledged message(s) kept for the next one");
                    Discard(current);
                }

                if (!_network.IsUp)
                {
                    Thread.Sleep(2000);
                    continue;
                }

                if (_tls && DateTime.UtcNow.Year < EarliestPlausibleYear)
                {
                    if (!clockWaitLogged)
                    {
                        Log.Write("MQTT: waiting for the system clock to be set before TLS (certificate dates are checked against it)");
                        clockWaitLogged = true;
                    }

                    Thread.Sleep(5000);
                    continue;
                }

                if (Connect())
                {
                    backoff = FirstBackoffMilliseconds;
                    continue;
                }

                Thread.Sleep(backoff);
                backoff = backoff * 2 > LongestBackoffMilliseconds ? LongestBackoffMilliseconds : backoff * 2;
            }
        }

        private bool Connect()
        {
            MqttClient client = null;
            try
            {
                client = new MqttClient(_host, _port, _tls, _caCertificate, _clientCertificate, _tls ? MqttSslProtocols.TLSv1_2 : MqttSslProtocols.None);
                client.ProtocolVersion = MqttProtocolVersion.Version_3_1_1;

                // M2Mqtt's own queue is unbounded by default; the outbox already bounds QoS 1, this bounds the rest.
                client.Settings.InflightQueueSize = OutboxCapacity + 8;
                client.MqttMsgPublishReceived += OnPublishReceived;
                client.MqttMsgPublished += OnPublished;
                MqttReasonCode code = client.Connect(
                    _clientId,
                    null,
                    null,
                    true,
                    MqttQoSLevel.AtLeastOnce,
                    true,
                    _statusTopic,
                    _willMessage,
                    true,
                    KeepAliveSeconds);
                if (code != MqttReasonCode.Success)
                {
                    // 3.1.1 refusals: 1 protocol, 2 client id, 3 unavailable, 4 bad user name or password, 5 not authorised.
                    Log.Write("MQTT: " + _host + " refused the connection (reason code " + ((int)code).ToString() + ")");
                    Discard(client);
                    return false;
                }

                client.Subscribe(new string[] { _commandTopic }, new MqttQoSLevel[] { MqttQoSLevel.AtLeastOnce });
                int resent;
                lock (_lock)
                {
                    _client = client;
                    _outbox.MarkAllUnsent();
                    resent = _outbox.Count;
                    for (int i = 0; i < resent; i++)
                    {
                        Send(client, i);
                    }
                }

                Log.Write("MQTT: connected to " + _host + ":" + _port.ToString() + (_tls ? " (TLS)" : string.Empty)
                    + (resent > 0 ? "; " + resent.ToString() + " kept message(s) sent again" : string.Empty));
                return true;
            }
            catch (Exception e)
            {
                Log.Write("MQTT: cannot connect to " + _host + ":" + _port.ToString() + ": " + Describe(e));
                Discard(client);
                return false;
            }
        }

        private void SendUnsent(MqttClient client)
        {
            lock (_lock)
            {
                if (client != _client)
                {
                    return;
                }

                for (int i = 0; i < _outbox.Count; i++)
                {
                    if (_outbox.IsUnsentAt(i))
                    {
                        Send(client, i);
                    }
                }
            }
        }

        // M2Mqtt's event-dispatch thread: a message on a subscribed topic. The meter copies it and acts at its next tick.
        private void OnPublishReceived(object sender, MqttMsgPublishEventArgs e)
        {
            MeterApplication receiver = _receiver;
            byte[] message = e.Message;
            if (receiver != null && message != null)
            {
                receiver.OnMessage(e.Topic, message, message.Length);
            }
        }

        // M2Mqtt's event-dispatch thread: the outcome of a QoS 1 publish.
        private void OnPublished(object sender, MqttMsgPublishedEventArgs e)
        {
            lock (_lock)
            {
                // Message ids are per client: a late report from a replaced client must not match a new message.
                if (sender == _client)
                {
                    _outbox.Complete(e.MessageId, e.IsPublished);
                }
            }
        }

        private void Discard(MqttClient client)
        {
            if (client == null)
            {
                return;
            }

            try
            {
                client.MqttMsgPublishReceived -= OnPublishReceived;
                client.MqttMsgPublished -= OnPublished;
                client.Dispose();
            }
            catch (Exception)
            {
                // Already closed or half-open: nothing more to release.
            }
        }

        private static string Describe(Exception e)
        {
            string text = e.Message;
            if (e.InnerException != null)
            {
                text += " (" + e.InnerException.Message + ")";
            }

            return text;
        }
    }
}
