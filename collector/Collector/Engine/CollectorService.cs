using System;
using System.Buffers;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector.Commands;
using AssetMeter.Collector.Storage;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace AssetMeter.Collector.Engine
{
    /// <summary>Where and how the collector connects.</summary>
    public sealed class CollectorOptions
    {
        public string BrokerHost { get; init; } = "localhost";

        public int BrokerPort { get; init; } = 1883;

        /// <summary>This instance's name (also its MQTT client id); every instance needs its own.</summary>
        public string Instance { get; init; } = "collector-" + Environment.ProcessId;

        /// <summary>
        /// MQTT 5 shared-subscription group for period records and snapshots: instances in one group share the load,
        /// each record going to one of them. Null to subscribe plainly (one instance, or a broker without them).
        /// </summary>
        public string? ShareGroup { get; init; } = "amhhdc";

        public string TopicPrefix { get; init; } = MeterTopics.DefaultPrefix;

        public string? Username { get; init; }

        public string? Password { get; init; }

        public bool UseTls { get; init; }

        /// <summary>PEM file of the CA that signed the broker's certificate (TLS).</summary>
        public string? CaFile { get; init; }

        /// <summary>PEM certificate and key of this collector, for brokers that require client certificates.</summary>
        public string? ClientCertificateFile { get; init; }

        public string? ClientKeyFile { get; init; }

        /// <summary>
        /// A scale-out member: take only this instance's share of the records (period records and snapshots), not the
        /// statuses, events and replies every meter sends, which another instance of the group (the one that
        /// supervises) takes and stores. Two instances that both took every status would each store all of them in
        /// the shared store: the side messages of a boundary twice over, for nothing. Needs a share group.
        /// </summary>
        public bool RecordsOnly { get; init; }

        /// <summary>Send commands (acknowledgements, backfill, clock checks and resets); false for a read-only instance.</summary>
        public bool Supervise { get; init; } = true;

        public SupervisorSettings Supervision { get; init; } = new();

        /// <summary>
        /// How often (real time) the supervisor looks at the meters with news or whose time has come: 2 s, as its
        /// decisions are timed in tens of seconds (acknowledgements at most once a minute per meter, grace periods
        /// before a backfill). A round with nothing new costs next to nothing, whatever the fleet. Zero when the caller
        /// drives it (<see cref="CollectorService.SuperviseOnceAsync"/>).
        /// </summary>
        public TimeSpan SupervisionInterval { get; init; } = TimeSpan.FromSeconds(2);

        /// <summary>
        /// While a boundary's burst is being stored (more than a batch waiting, or batches at least half full),
        /// supervision waits (a round under way stops between its parts), as long as it has caught up within this
        /// time: acknowledgements are not urgent (a meter waits 15 minutes for one) and the burst has the processors.
        /// </summary>
        public TimeSpan SupervisionYield { get; init; } = TimeSpan.FromSeconds(30);

        /// <summary>Largest number of messages stored in one transaction.</summary>
        public int BatchSize { get; init; } = 500;

        /// <summary>
        /// MQTT 5 receive maximum: messages (QoS 1) the broker may send before this instance has acknowledged them.
        /// The collector acknowledges a message only once it is durably stored, so this bounds what one instance holds
        /// in memory during a burst; the rest waits at the broker (give its queue a boundary's worth: mosquitto's
        /// <c>max_queued_messages</c>).
        /// </summary>
        public ushort ReceiveMaximum { get; init; } = 4000;

        /// <summary>Threads that verify signatures (the verification stage); the machine's processors by default.</summary>
        public int VerifyThreads { get; init; } = Environment.ProcessorCount;

        /// <summary>
        /// MQTT 5 session expiry. Zero (the default): a clean session at every connection; what the broker had not
        /// delivered, or this instance not acknowledged, is sent again by the meters. Above zero: the broker keeps the
        /// session that long after a disconnection and delivers again what was not acknowledged when the instance
        /// reconnects (after a restart, or after a store failure, when the collector reconnects for that purpose).
        /// With a share group on mosquitto, a member's session that is kept while it is away still takes its turn
        /// of the records, which then wait for it.
        /// </summary>
        public TimeSpan SessionExpiry { get; init; } = TimeSpan.Zero;
    }

    /// <summary>Running totals, for progress display and tests.</summary>
    public sealed class CollectorCounters
    {
        private long _received;
        private long _stored;
        private long _duplicates;
        private long _quarantined;
        private long _ignored;
        private long _commands;

        public long Received => Interlocked.Read(ref _received);

        /// <summary>Messages received as they were published (not retained copies from the broker's store).</summary>
        public long ReceivedLive => Interlocked.Read(ref _receivedLive);

        private long _receivedLive;

        /// <summary>Period records and snapshots verified and stored.</summary>
        public long Stored => Interlocked.Read(ref _stored);

        public long Duplicates => Interlocked.Read(ref _duplicates);

        public long Quarantined => Interlocked.Read(ref _quarantined);

        public long Ignored => Interlocked.Read(ref _ignored);

        public long CommandsSent => Interlocked.Read(ref _commands);

        /// <summary>Replies from meters to commands, stored.</summary>
        public long Replies => Interlocked.Read(ref _replies);

        private long _replies;

        /// <summary>
        /// Messages received on the period topics, whatever became of them (stored, duplicate, quarantined): with
        /// shared subscriptions, what this instance's share of the records was.
        /// </summary>
        public long PeriodMessages => Interlocked.Read(ref _periodMessages);

        private long _periodMessages;

        /// <summary>Period records and snapshots received as they were published (the part of <see cref="ReceivedLive"/> a share group splits).</summary>
        public long RecordsReceivedLive => Interlocked.Read(ref _recordsReceivedLive);

        private long _recordsReceivedLive;

        /// <summary>Messages the store refused (logged); a period among them comes again, since nothing acknowledged it.</summary>
        public long NotStored => Interlocked.Read(ref _notStored);

        private long _notStored;

        /// <summary>Batches the writer has stored, a transaction each: <see cref="Received"/> over this is the mean batch.</summary>
        public long Batches => Interlocked.Read(ref _batches);

        private long _batches;

        /// <summary>When the last command was published (Environment.TickCount64, real time).</summary>
        public long LastCommandTick => Interlocked.Read(ref _lastCommandTick);

        private long _lastCommandTick;

        internal void Count(IngestOutcome outcome, bool retained)
        {
            Interlocked.Increment(ref _received);
            if (!retained)
            {
                Interlocked.Increment(ref _receivedLive);
            }

            if (outcome.Kind == MessageKind.Reply)
            {
                Interlocked.Increment(ref _replies);
            }

            bool record = outcome.Kind == MessageKind.Period || outcome.Kind == MessageKind.Snapshot;
            if (record && !retained)
            {
                Interlocked.Increment(ref _recordsReceivedLive);
            }

            if (outcome.Kind == MessageKind.Period)
            {
                Interlocked.Increment(ref _periodMessages);
            }
            switch (outcome.Result)
            {
                case IngestResult.Stored when record:
                    Interlocked.Increment(ref _stored);
                    break;
                case IngestResult.Duplicate when record:
                    Interlocked.Increment(ref _duplicates);
                    break;
                case IngestResult.Quarantined:
                    Interlocked.Increment(ref _quarantined);
                    break;
                case IngestResult.Ignored:
                    Interlocked.Increment(ref _ignored);
                    break;
                case IngestResult.NotStored:
                    Interlocked.Increment(ref _notStored);
                    break;
            }
        }

        internal void BatchStored() => Interlocked.Increment(ref _batches);

        internal void CommandSent()
        {
            Interlocked.Increment(ref _commands);
            Interlocked.Exchange(ref _lastCommandTick, Environment.TickCount64);
        }
    }

    /// <summary>
    /// The collector's shell: an MQTTnet client that subscribes to the meters' topics, the <see cref="IngestPipeline"/>
    /// that verifies what arrives on every core and stores it in batches (one transaction each), and a supervisor loop
    /// that publishes the commands the <see cref="Supervisor"/> decides on. A message is acknowledged to the broker
    /// only once it is durably stored (or quarantined); delivery is guaranteed by the meters, which send every period
    /// until it is acknowledged, so a clean session is the default.
    /// </summary>
    public sealed class CollectorService : IAsyncDisposable
    {
        private static readonly TimeSpan FirstReconnectWait = TimeSpan.FromSeconds(1);
        private readonly CollectorOptions _options;
        private readonly string _storeLocation;
        private readonly CollectorKey? _key;
        private readonly TimeProvider _time;
        private readonly Action<string> _log;
        private readonly MeterTopics _topics;
        private readonly CancellationTokenSource _stop = new();
        private readonly IMqttClient _client;
        private readonly List<Task> _tasks = new();
        private readonly SemaphoreSlim _superviseLock = new(1, 1);
        private readonly List<IDisposable> _stores = new();
        private IngestPipeline? _pipeline;
        private CollectorStore? _superviseStore;
        private Supervisor? _supervisor;
        private volatile bool _sharedSubscriptions;
        private int _connection;
        private long _unacknowledged;
        private TimeSpan _reconnectWait = FirstReconnectWait;
        private long _caughtUpTick = Environment.TickCount64;
        private long _fullBatchTick;
        private bool _killed;

        /// <param name="storeLocation">The store (see <see cref="CollectorStore.Open"/>); the service opens its own connections.</param>
        /// <param name="key">The collector's command key; null for a read-only instance.</param>
        public CollectorService(CollectorOptions options, string storeLocation, CollectorKey? key, TimeProvider time, Action<string> log)
        {
            _options = options;
            _storeLocation = storeLocation;
            _key = key;
            _time = time;
            _log = log;
            _topics = new MeterTopics(options.TopicPrefix);
            _client = new MqttClientFactory().CreateMqttClient();
            _client.DisconnectedAsync += e =>
            {
                // Records the broker held for this instance are lost with a clean session: the meters send them again.
                if (!_stop.IsCancellationRequested && e.ClientWasConnected)
                {
                    _log($"disconnected from {_options.BrokerHost}:{_options.BrokerPort}: {e.Reason}{(e.Exception != null ? " (" + e.Exception.GetType().Name + ": " + e.Exception.Message + ")" : string.Empty)}; reconnecting");
                }

                return Task.CompletedTask;
            };
            _client.ApplicationMessageReceivedAsync += async e =>
            {
                // Acknowledged once stored (IngestPipeline), not when this handler returns.
                e.AutoAcknowledge = false;
                byte[] payload = e.ApplicationMessage.Payload.ToArray();
                var delivery = new Delivery(e.ApplicationMessage.Topic, payload, _time.GetUtcNow().UtcDateTime, e.ApplicationMessage.Retain, new Acknowledgement(e, Volatile.Read(ref _connection)));
                IngestPipeline? pipeline = _pipeline;
                if (pipeline != null)
                {
                    await pipeline.PostAsync(delivery, _stop.Token);
                }
            };
        }

        public CollectorCounters Counters { get; } = new();

        /// <summary>Told of every command the supervisor is about to publish.</summary>
        public event Action<OutgoingCommand>? CommandPublishing;

        /// <summary>Told of every ingested message (on the worker thread).</summary>
        public event Action<IngestOutcome>? Ingested;

        public bool IsConnected => _client.IsConnected;

        /// <summary>True when the broker granted MQTT 5 shared subscriptions.</summary>
        public bool UsingSharedSubscriptions => _sharedSubscriptions;

        /// <summary>The share group this instance takes records in, or null while it subscribes plainly (and receives every record).</summary>
        public string? ActiveShareGroup => _sharedSubscriptions ? _options.ShareGroup : null;

        /// <summary>Messages received and not yet stored.</summary>
        public long Pending => _pipeline?.Pending ?? 0;

        /// <summary>Messages that could not be stored and were therefore not acknowledged, since the last reconnection.</summary>
        public long Unacknowledged => Interlocked.Read(ref _unacknowledged);

        /// <summary>What this instance holds per meter, for the benchmark's memory figures.</summary>
        public (int Registrations, int Keys, int Watched) Held => (_pipeline?.RegistrationsHeld ?? 0, _pipeline?.KeysKept ?? 0, _supervisor?.MetersWatched ?? 0);

        /// <summary>Starts connecting, ingesting and supervising; returns at once.</summary>
        public void Start()
        {
            CollectorStore writerStore = CollectorStore.Open(_storeLocation);
            CollectorStore registryStore = CollectorStore.Open(_storeLocation);
            _stores.Add(writerStore);
            _stores.Add(registryStore);
            _pipeline = new IngestPipeline(writerStore, registryStore, _topics, _options.BatchSize, Math.Max((int)_options.ReceiveMaximum, _options.BatchSize), _options.VerifyThreads, Stored, _log);
            _pipeline.Start();
            if (_options.Supervise && _key != null)
            {
                _superviseStore = CollectorStore.Open(_storeLocation);
                _stores.Add(_superviseStore);
                _supervisor = new Supervisor(_superviseStore, _key, _topics, _options.Supervision, _options.Instance, _log);
                if (_options.SupervisionInterval > TimeSpan.Zero)
                {
                    _tasks.Add(Task.Run(() => SuperviseAsync(_stop.Token)));
                }
            }

            _tasks.Add(Task.Run(() => KeepConnectedAsync(_stop.Token)));
        }

        /// <summary>Waits until connected and subscribed, or the timeout passes.</summary>
        public async Task<bool> WaitConnectedAsync(TimeSpan timeout)
        {
            DateTime deadline = DateTime.UtcNow + timeout;
            while (!_subscribed && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            return _subscribed;
        }

        private volatile bool _subscribed;

        private async Task KeepConnectedAsync(CancellationToken stop)
        {
            long lastReconnect = Environment.TickCount64;
            while (!stop.IsCancellationRequested)
            {
                // Messages the store refused hold places in the broker's in-flight window and would never be sent
                // again in this session: reconnect, so that the broker delivers them again (a kept session) or drops
                // them (a clean one; the meters send them again), waiting longer each time the store keeps failing.
                if (_client.IsConnected && Interlocked.Read(ref _unacknowledged) > 0 && Environment.TickCount64 - lastReconnect >= _reconnectWait.TotalMilliseconds)
                {
                    _log($"{Interlocked.Read(ref _unacknowledged)} messages not stored and not acknowledged: reconnecting so that they come again");
                    lastReconnect = Environment.TickCount64;
                    _reconnectWait = TimeSpan.FromTicks(Math.Min(_reconnectWait.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
                    try
                    {
                        await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), stop);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        _log($"disconnecting: {e.GetType().Name}: {e.Message}");
                    }
                }

                if (!_client.IsConnected)
                {
                    _subscribed = false;
                    try
                    {
                        await ConnectAsync(stop);
                    }
                    catch (Exception e) when (!stop.IsCancellationRequested)
                    {
                        _log($"broker {_options.BrokerHost}:{_options.BrokerPort} not reachable ({e.GetType().Name}: {e.Message}); retrying");
                    }
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        private async Task ConnectAsync(CancellationToken stop)
        {
            var builder = new MqttClientOptionsBuilder()
                .WithTcpServer(_options.BrokerHost, _options.BrokerPort)
                .WithClientId(_options.Instance)
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithCleanStart(_options.SessionExpiry <= TimeSpan.Zero)
                .WithSessionExpiryInterval((uint)Math.Max(0, _options.SessionExpiry.TotalSeconds))
                .WithReceiveMaximum(_options.ReceiveMaximum)
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(15));
            if (_options.Username != null)
            {
                builder.WithCredentials(_options.Username, _options.Password);
            }

            if (_options.UseTls)
            {
                builder.WithTlsOptions(ConfigureTls);
            }

            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop);
            attempt.CancelAfter(TimeSpan.FromSeconds(10));

            // Acknowledgements of what arrived over an earlier connection would name packets of that connection.
            Interlocked.Increment(ref _connection);
            Interlocked.Exchange(ref _unacknowledged, 0);
            MqttClientConnectResult connected = await _client.ConnectAsync(MqttSocket.WithLargeBuffers(builder.Build()), attempt.Token);
            bool share = _options.ShareGroup != null && connected.SharedSubscriptionAvailable;
            if (_options.ShareGroup != null && !share)
            {
                _log("the broker offers no shared subscriptions: subscribing plainly (run a single collector instance on this broker)");
            }

            _sharedSubscriptions = share;
            string Shared(string filter) => share ? "$share/" + _options.ShareGroup + "/" + filter : filter;

            // Records are shared out among the group; the small side messages go to every instance (retained status
            // is not delivered to shared subscriptions, and every instance's supervisor reads replies).
            // A records-only member without shared subscriptions would receive every record: it takes the side
            // messages too, as a lone instance must.
            var subscribe = new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic(Shared(_topics.AllMeters("period"))).WithAtLeastOnceQoS())
                .WithTopicFilter(f => f.WithTopic(Shared(_topics.AllMeters("snapshot"))).WithAtLeastOnceQoS());
            if (!(_options.RecordsOnly && share))
            {
                subscribe
                    .WithTopicFilter(f => f.WithTopic(_topics.AllMeters("status")).WithAtLeastOnceQoS())
                    .WithTopicFilter(f => f.WithTopic(_topics.AllMeters("event")).WithAtLeastOnceQoS())
                    .WithTopicFilter(f => f.WithTopic(_topics.AllMeters("reply")).WithAtLeastOnceQoS());
            }

            await _client.SubscribeAsync(subscribe.Build(), attempt.Token);
            _subscribed = true;
            _log($"connected to {_options.BrokerHost}:{_options.BrokerPort} as {_options.Instance}{(share ? ", sharing records in group " + _options.ShareGroup : string.Empty)}");
        }

        private void ConfigureTls(MqttClientTlsOptionsBuilder tls)
        {
            tls.UseTls();
            if (_options.CaFile != null)
            {
                var chain = new X509Certificate2Collection();
                chain.ImportFromPemFile(_options.CaFile);
                tls.WithTrustChain(chain);
            }

            if (_options.ClientCertificateFile != null)
            {
                var certificate = X509Certificate2.CreateFromPemFile(_options.ClientCertificateFile, _options.ClientKeyFile);

                // SslStream on Linux wants a certificate whose key it can use: round-trip through PKCS#12.
                var usable = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
                tls.WithClientCertificates(new[] { usable });
            }
        }

        // A batch is durable: acknowledge what it stored or quarantined, count, report, and tell the supervisor.
        private void Stored(IngestBatch batch)
        {
            Counters.BatchStored();
            if (2 * batch.Deliveries.Count >= _options.BatchSize)
            {
                Interlocked.Exchange(ref _fullBatchTick, Environment.TickCount64);
            }

            for (int i = 0; i < batch.Deliveries.Count; i++)
            {
                Delivery delivery = batch.Deliveries[i];
                IngestOutcome outcome = batch.Outcomes[i];
                if (delivery.Acknowledgement is Acknowledgement acknowledgement)
                {
                    if (outcome.Result == IngestResult.NotStored)
                    {
                        if (acknowledgement.Connection == Volatile.Read(ref _connection))
                        {
                            Interlocked.Increment(ref _unacknowledged);
                        }
                    }
                    else
                    {
                        _ = AcknowledgeAsync(acknowledgement);
                    }
                }

                Counters.Count(outcome, delivery.Retained);
                Report(outcome);
                _supervisor?.Notice(outcome);
                Ingested?.Invoke(outcome);
            }

            if (batch.Outcomes.TrueForAll(o => o.Result != IngestResult.NotStored))
            {
                _reconnectWait = FirstReconnectWait;
            }
        }

        private async Task AcknowledgeAsync(Acknowledgement acknowledgement)
        {
            // Only on the connection it came over; after a reconnection the broker sends it again (or has dropped it).
            if (acknowledgement.Connection != Volatile.Read(ref _connection) || !_client.IsConnected)
            {
                return;
            }

            try
            {
                await acknowledgement.Message.AcknowledgeAsync(_stop.Token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The connection went: the broker delivers it again (a kept session) or the meter sends it again.
            }
        }

        // What acknowledging a message needs: MQTTnet's event (it sends the PUBACK) and the connection it came over.
        private sealed record Acknowledgement(MqttApplicationMessageReceivedEventArgs Message, int Connection);

        private void Report(IngestOutcome outcome)
        {
            if (outcome.Result == IngestResult.Quarantined)
            {
                _log($"QUARANTINED {outcome.Kind.ToString().ToLowerInvariant()} from {outcome.Serial}: {outcome.Reason}: {outcome.Detail}");
            }
            else if (outcome.Kind == MessageKind.Reply && outcome.Result == IngestResult.Stored && outcome.Detail != "ok")
            {
                _log($"{outcome.Serial}: command {outcome.Number} refused by the meter: {outcome.Reason}");
            }
            else if (outcome.Result == IngestResult.Ignored && outcome.Reason.Length > 0)
            {
                _log($"unreadable {outcome.Kind.ToString().ToLowerInvariant()} message from {outcome.Serial} ignored: {outcome.Detail}");
            }
        }

        private async Task SuperviseAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(_options.SupervisionInterval, stop);

                    // A burst being stored has the processors; its acknowledgements follow it.
                    if (YieldToBurst())
                    {
                        continue;
                    }

                    await RoundAsync(yieldToBurst: true, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        /// <summary>
        /// One round of supervision: decide what the meters with news, or whose time has come, must be told, and
        /// publish it. The service does this by itself every <see cref="CollectorOptions.SupervisionInterval"/>; with an
        /// interval of zero the caller (a simulation that owns the clock) calls it instead.
        /// </summary>
        public Task SuperviseOnceAsync(CancellationToken cancel) => RoundAsync(yieldToBurst: false, cancel);

        /// <summary>No supervision round under way and no meter's news waiting for one (what a benchmark waits for before it measures).</summary>
        public bool SupervisionIdle => _supervisor == null || (_supervisor.NewsWaiting == 0 && _superviseLock.CurrentCount == 1);

        // During a burst, while supervision has caught up within SupervisionYield, it waits. A burst: more than a batch
        // waiting to be stored, or a batch stored within the last second that was at least half full (a collector
        // keeping pace with its broker holds little, but its batches fill).
        private bool YieldToBurst()
            => (Pending > _options.BatchSize || Environment.TickCount64 - Interlocked.Read(ref _fullBatchTick) < 1000)
                && Environment.TickCount64 - Interlocked.Read(ref _caughtUpTick) < _options.SupervisionYield.TotalMilliseconds;

        // A round goes part by part (Supervisor.Chunk meters each); in the background loop it stops between parts when a
        // burst arrives (a round after a whole fleet's statuses can take seconds), and the rest waits in the
        // supervisor's queues for the next round; once it has waited SupervisionYield a round runs to the end.
        private async Task RoundAsync(bool yieldToBurst, CancellationToken cancel)
        {
            if (_supervisor == null || !_client.IsConnected)
            {
                return;
            }

            await _superviseLock.WaitAsync(cancel);
            try
            {
                DateTime now = _time.GetUtcNow().UtcDateTime;
                bool more = true;
                while (more)
                {
                    if (yieldToBurst && YieldToBurst())
                    {
                        break;
                    }

                    // A transaction per part of the round: its commands' counters and rows are written with one hold of
                    // the store's write lock, rather than one per statement, which starved the ingest writer of it, and
                    // not one for a whole boundary's acknowledgements, which would keep the writer waiting as long.
                    List<OutgoingCommand> commands = null!;
                    _superviseStore!.InTransaction(() => commands = _supervisor.DecideDue(now, Supervisor.Chunk, out more));
                    foreach (OutgoingCommand command in commands)
                    {
                        CommandPublishing?.Invoke(command);
                        await PublishAsync(command.Topic, command.Message, cancel);
                    }
                }

                if (!more)
                {
                    Interlocked.Exchange(ref _caughtUpTick, Environment.TickCount64);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
            {
                // A broker that went away mid-publish, a database hiccup: log it and carry on next round.
                _log($"supervision: {e.GetType().Name}: {e.Message}");
            }
            finally
            {
                _superviseLock.Release();
            }
        }

        /// <summary>Asks a meter to send periods <paramref name="from"/> to <paramref name="to"/> again; returns the command's counter.</summary>
        public Task<long> RequestResendAsync(string serial, long from, long to, CancellationToken cancel)
            => SendAsync(supervisor => supervisor.Resend(serial, from, to, _time.GetUtcNow().UtcDateTime), cancel);

        /// <summary>Asks a meter for its registers now (a signed snapshot); returns the command's counter.</summary>
        public Task<long> RequestReadAsync(string serial, CancellationToken cancel)
            => SendAsync(supervisor => supervisor.Read(serial, _time.GetUtcNow().UtcDateTime), cancel);

        private async Task<long> SendAsync(Func<Supervisor, OutgoingCommand> build, CancellationToken cancel)
        {
            if (_supervisor == null)
            {
                throw new InvalidOperationException("this collector has no command key (read-only)");
            }

            await _superviseLock.WaitAsync(cancel);
            try
            {
                OutgoingCommand command = build(_supervisor);
                CommandPublishing?.Invoke(command);
                await PublishAsync(command.Topic, command.Message, cancel);
                return command.Counter;
            }
            finally
            {
                _superviseLock.Release();
            }
        }

        /// <summary>Publishes a command (QoS 1) to a meter.</summary>
        public async Task PublishAsync(string topic, byte[] message, CancellationToken cancel)
        {
            var mqtt = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(message)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            await _client.PublishAsync(mqtt, cancel);
            Counters.CommandSent();
        }

        /// <summary>Waits until every message received so far is stored (or the timeout passes).</summary>
        public async Task<bool> DrainAsync(TimeSpan timeout)
        {
            DateTime deadline = DateTime.UtcNow + timeout;
            while (Pending > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            return Pending == 0;
        }

        public async ValueTask DisposeAsync()
        {
            if (_killed)
            {
                _stop.Dispose();
                return;
            }

            _stop.Cancel();
            try
            {
                await Task.WhenAll(_tasks);
            }
            catch (OperationCanceledException)
            {
            }

            if (_pipeline != null)
            {
                await _pipeline.DisposeAsync();
            }

            if (_client.IsConnected)
            {
                try
                {
                    await _client.DisconnectAsync();
                }
                catch (Exception)
                {
                    // Going away anyway.
                }
            }

            _client.Dispose();
            foreach (IDisposable store in _stores)
            {
                store.Dispose();
            }

            _stop.Dispose();
        }

        /// <summary>
        /// Dies as a process killed mid-boundary would: the connection dropped without a word to the broker, nothing
        /// more stored, nothing more acknowledged (the benchmark's failover check).
        /// </summary>
        internal async Task KillAsync()
        {
            _killed = true;
            _stop.Cancel();
            _client.Dispose();
            try
            {
                await Task.WhenAll(_tasks);
            }
            catch (OperationCanceledException)
            {
            }

            if (_pipeline != null)
            {
                await _pipeline.DisposeAsync();
            }

            foreach (IDisposable store in _stores)
            {
                store.Dispose();
            }
        }
    }
}
