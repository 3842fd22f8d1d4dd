using System;
using System.Buffers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using AssetMeter.Firmware.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;

namespace AssetMeter.Firmware.Host
{
    /// <summary>Broker connection settings for the host transport.</summary>
    public sealed class MqttConnection
    {
        public required string Host { get; init; }

        public int Port { get; init; } = 1883;

        public required string ClientId { get; init; }

        /// <summary>MQTT 3.1.1 (default, as the device's M2Mqtt) or 5.</summary>
        public bool UseMqtt5 { get; init; }

        public bool UseTls { get; init; }

        /// <summary>PEM file of the CA the broker's certificate must chain to (TLS); null trusts the system's roots.</summary>
        public string? CaFile { get; init; }

        /// <summary>PEM files of the client certificate and its key, for brokers that require one (TLS); null for none.</summary>
        public string? ClientCertificateFile { get; init; }

        public string? ClientKeyFile { get; init; }

        public string? Username { get; init; }

        public string? Password { get; init; }

        /// <summary>Topic the meter subscribes to (its command topic).</summary>
        public string? SubscribeTopic { get; init; }

        /// <summary>Last will: topic and payload published by the broker if the meter disappears.</summary>
        public string? WillTopic { get; init; }

        public byte[]? WillPayload { get; init; }

        public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);
    }

    /// <summary>
    /// The meter's MQTT transport on the host, over MQTTnet: connects with a retained last will, subscribes to the
    /// command topic, reconnects by itself, and sends queued messages in order on a background task (QoS 1 waits for
    /// the broker's PUBACK). Publish never blocks the metering thread.
    /// </summary>
    public sealed class MqttNetTransport : IMqttTransport, IAsyncDisposable
    {
        private readonly MqttConnection _connection;
        private readonly IMqttClient _client;
        private readonly Channel<MqttApplicationMessage> _outbox = Channel.CreateBounded<MqttApplicationMessage>(
            new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _connector;
        private readonly Task _sender;
        private Action<string, byte[], int>? _onMessage;

        public MqttNetTransport(MqttConnection connection)
        {
            _connection = connection;
            _client = new MqttClientFactory().CreateMqttClient();
            _client.ApplicationMessageReceivedAsync += e =>
            {
                var payload = e.ApplicationMessage.Payload.ToArray();
                _onMessage?.Invoke(e.ApplicationMessage.Topic, payload, payload.Length);
                return Task.CompletedTask;
            };
            _connector = Task.Run(() => KeepConnectedAsync(_stop.Token));
            _sender = Task.Run(() => SendAsync(_stop.Token));
        }

        /// <summary>Where incoming messages go (the meter application's OnMessage).</summary>
        public void OnMessage(Action<string, byte[], int> handler) => _onMessage = handler;

        public bool IsConnected => _client.IsConnected;

        /// <summary>Messages waiting in the outbox to be sent.</summary>
        public int Queued => _outbox.Reader.Count;

        /// <summary>Messages sent and acknowledged by the broker (QoS 1) or handed to it (QoS 0).</summary>
        public long Sent => Interlocked.Read(ref _sent);

        private long _sent;

        public bool Publish(string topic, byte[] payload, int offset, int count, int qos, bool retain)
        {
            if (!_client.IsConnected)
            {
                return false;
            }

            var copy = new byte[count];
            Array.Copy(payload, offset, copy, 0, count);
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(copy)
                .WithQualityOfServiceLevel(qos == 0 ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainFlag(retain)
                .Build();
            Interlocked.Increment(ref _pending);
            if (_outbox.Writer.TryWrite(message))
            {
                return true;
            }

            Interlocked.Decrement(ref _pending);
            return false;
        }

        /// <summary>
        /// Waits until every message handed over has been sent (QoS 1: acknowledged by the broker), including the one
        /// in flight, or until <paramref name="timeout"/> (tests and orderly shutdown).
        /// </summary>
        public async Task FlushAsync(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (Interlocked.Read(ref _pending) > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
        }

        private long _pending;

        private async Task KeepConnectedAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                if (!_client.IsConnected)
                {
                    try
                    {
                        var builder = new MqttClientOptionsBuilder()
                            .WithTcpServer(_connection.Host, _connection.Port)
                            .WithClientId(_connection.ClientId)
                            .WithCleanSession(true)
                            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
                            .WithProtocolVersion(_connection.UseMqtt5 ? MQTTnet.Formatter.MqttProtocolVersion.V500 : MQTTnet.Formatter.MqttProtocolVersion.V311);
                        if (_connection.Username != null)
                        {
                            builder.WithCredentials(_connection.Username, _connection.Password);
                        }

                        if (_connection.UseTls)
                        {
                            builder.WithTlsOptions(Tls);
                        }

                        if (_connection.WillTopic != null)
                        {
                            builder.WithWillTopic(_connection.WillTopic)
                                .WithWillPayload(_connection.WillPayload ?? Array.Empty<byte>())
                                .WithWillRetain(true)
                                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
                        }

                        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop);
                        attempt.CancelAfter(TimeSpan.FromSeconds(5));
                        await _client.ConnectAsync(builder.Build(), attempt.Token);
                        if (_connection.SubscribeTopic != null)
                        {
                            await _client.SubscribeAsync(_connection.SubscribeTopic, MqttQualityOfServiceLevel.AtLeastOnce, attempt.Token);
                        }
                    }
                    catch (Exception) when (!stop.IsCancellationRequested)
                    {
                        // Broker away: try again shortly; the meter keeps everything on flash meanwhile.
                    }
                }

                try
                {
                    await Task.Delay(_connection.ReconnectDelay, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        // TLS: the broker's certificate must chain to the configured CA (only that CA: a meter trusts its own PKI, not
        // every public root) and name the host connected to; the client certificate is presented when configured.
        private void Tls(MqttClientTlsOptionsBuilder tls)
        {
            tls.UseTls().WithTargetHost(_connection.Host);
            if (_connection.ClientCertificateFile != null)
            {
                X509Certificate2 certificate = X509Certificate2.CreateFromPemFile(_connection.ClientCertificateFile, _connection.ClientKeyFile);
                tls.WithClientCertificates(new X509Certificate2Collection(certificate));
            }

            if (_connection.CaFile != null)
            {
                var authority = X509CertificateLoader.LoadCertificateFromFile(_connection.CaFile);
                tls.WithCertificateValidationHandler(e => ChainsTo(authority, e));
            }
        }

        private static bool ChainsTo(X509Certificate2 authority, MqttClientCertificateValidationEventArgs e)
        {
            if ((e.SslPolicyErrors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0 || e.Certificate == null)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var certificate = new X509Certificate2(e.Certificate);
            return chain.Build(certificate);
        }

        private async Task SendAsync(CancellationToken stop)
        {
            try
            {
                await foreach (var message in _outbox.Reader.ReadAllAsync(stop))
                {
                    while (!stop.IsCancellationRequested)
                    {
                        try
                        {
                            if (_client.IsConnected)
                            {
                                await _client.PublishAsync(message, stop);
                                Interlocked.Increment(ref _sent);
                                Interlocked.Decrement(ref _pending);
                                break;
                            }
                        }
                        catch (Exception) when (!stop.IsCancellationRequested)
                        {
                            // Connection dropped mid-send: wait for the reconnection and send it again (at least once).
                        }

                        await Task.Delay(50, stop);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // Stopping while a QoS 1 publish waited for its PUBACK: MQTTnet reports that as a timeout, not a
                // cancellation. The message stays unsent, as any other still queued.
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            try
            {
                await Task.WhenAll(_connector, _sender);
            }
            catch (OperationCanceledException)
            {
            }

            if (_client.IsConnected)
            {
                try
                {
                    await _client.DisconnectAsync();
                }
                catch (Exception)
                {
                }
            }

            _client.Dispose();
            _stop.Dispose();
        }
    }
}
