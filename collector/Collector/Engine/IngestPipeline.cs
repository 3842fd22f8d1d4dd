using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using AssetMeter.Collector.Storage;

namespace AssetMeter.Collector.Engine
{
    /// <summary>One received message on its way through the <see cref="IngestPipeline"/>.</summary>
    internal sealed class Delivery
    {
        public Delivery(string topic, byte[] payload, DateTime receivedUtc, bool retained, object? acknowledgement = null)
        {
            Topic = topic;
            Payload = payload;
            ReceivedUtc = receivedUtc;
            Retained = retained;
            Acknowledgement = acknowledgement;
        }

        public string Topic { get; }

        public byte[] Payload { get; }

        public DateTime ReceivedUtc { get; }

        public bool Retained { get; }

        /// <summary>What the shell needs to acknowledge the message to the broker once it is durable (null: nothing to acknowledge).</summary>
        public object? Acknowledgement { get; }
    }

    /// <summary>A batch of deliveries: verified on every core, then stored in one transaction.</summary>
    internal sealed class IngestBatch
    {
        private readonly TaskCompletionSource _verified = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _chunksLeft;

        public IngestBatch(List<Delivery> deliveries)
        {
            Deliveries = deliveries;
            Checked = new CheckedMessage[deliveries.Count];
        }

        public List<Delivery> Deliveries { get; }

        public CheckedMessage[] Checked { get; }

        /// <summary>One per delivery, in order, once stored.</summary>
        public List<IngestOutcome> Outcomes { get; } = new();

        public Task Verified => _verified.Task;

        public void Expect(int chunks) => _chunksLeft = chunks;

        public void ChunkDone()
        {
            if (Interlocked.Decrement(ref _chunksLeft) == 0)
            {
                _verified.TrySetResult();
            }
        }
    }

    /// <summary>
    /// The collector's ingest path, in three stages with bounded queues between them, so that a burst (a fleet's
    /// half-hour boundary) is held at the broker rather than in memory:
    /// <list type="number">
    /// <item>the <b>dispatcher</b> takes what has arrived, up to a batch, and reads the standing data of the batch's
    /// meters not held yet with one query;</item>
    /// <item>the <b>verifiers</b>, one per core, check the batch's messages in parallel (signatures, content): the
    /// cost of a record is its ECDSA verification, and it needs no store;</item>
    /// <item>the <b>writer</b> stores each verified batch in order, in one transaction (a handful of statements for
    /// the whole batch), and only then hands it back with its outcomes, so that the shell acknowledges to the broker
    /// only what is durable.</item>
    /// </list>
    /// While the writer stores one batch the verifiers check the next ones. The outcomes are those of ingesting every
    /// message one by one in the order received.
    /// </summary>
    internal sealed class IngestPipeline : IAsyncDisposable
    {
        /// <summary>Verified batches waiting for the writer: enough to keep it busy while the verifiers work ahead.</summary>
        private const int BatchesAhead = 4;

        private readonly Channel<Delivery> _inbox;
        private readonly Channel<(IngestBatch Batch, int From, int To)> _chunks = Channel.CreateUnbounded<(IngestBatch, int, int)>(new UnboundedChannelOptions { SingleWriter = true });
        private readonly Channel<IngestBatch> _toWriter = Channel.CreateBounded<IngestBatch>(new BoundedChannelOptions(BatchesAhead) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        private readonly CollectorStore _writerStore;
        private readonly MeterTopics _topics;
        private readonly Ingestor _ingestor;
        private readonly RegistryCache _registry;
        private readonly BatchStorage _storage;
        private readonly int _batchSize;
        private readonly int _verifiers;
        private readonly Action<IngestBatch> _stored;
        private readonly Action<string> _log;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _tasks = new();
        private long _pending;
        private int _disposed;

        /// <param name="writerStore">The writer's store (its transactions); the pipeline does not dispose it.</param>
        /// <param name="registryStore">The dispatcher's store, for standing data; another connection than the writer's.</param>
        /// <param name="capacity">Deliveries held before <see cref="PostAsync"/> waits: at least the broker's in-flight window.</param>
        /// <param name="verifiers">Verification threads (the machine's cores).</param>
        /// <param name="stored">Told of every batch once it is stored (on the writer's thread), outcomes filled.</param>
        public IngestPipeline(CollectorStore writerStore, CollectorStore registryStore, MeterTopics topics, int batchSize, int capacity, int verifiers, Action<IngestBatch> stored, Action<string> log)
        {
            _writerStore = writerStore;
            _topics = topics;
            _ingestor = new Ingestor(writerStore, topics);
            _registry = new RegistryCache(registryStore);
            _storage = new BatchStorage(topics, log);
            _batchSize = Math.Max(1, batchSize);
            _verifiers = Math.Max(1, verifiers);
            _stored = stored;
            _log = log;
            _inbox = Channel.CreateBounded<Delivery>(new BoundedChannelOptions(Math.Max(capacity, _batchSize)) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        }

        /// <summary>Deliveries posted and not yet stored.</summary>
        public long Pending => Interlocked.Read(ref _pending);

        /// <summary>Meters whose imported ECDSA key the verifiers keep.</summary>
        public int KeysKept => _ingestor.KeysKept;

        /// <summary>Meters whose standing data is held.</summary>
        public int RegistrationsHeld => _registry.Count;

        public void Start()
        {
            _tasks.Add(Task.Run(() => DispatchAsync(_stop.Token)));
            for (int i = 0; i < _verifiers; i++)
            {
                _tasks.Add(Task.Run(() => VerifyAsync(_stop.Token)));
            }

            _tasks.Add(Task.Run(() => WriteAsync(_stop.Token)));
        }

        /// <summary>Hands a delivery to the pipeline; waits while it holds <c>capacity</c> deliveries (back-pressure).</summary>
        public async ValueTask PostAsync(Delivery delivery, CancellationToken cancel)
        {
            Interlocked.Increment(ref _pending);
            try
            {
                await _inbox.Writer.WriteAsync(delivery, cancel);
            }
            catch
            {
                Interlocked.Decrement(ref _pending);
                throw;
            }
        }

        /// <summary>Stops taking deliveries and returns once everything posted is stored.</summary>
        public async Task CompleteAsync()
        {
            _inbox.Writer.TryComplete();
            await Task.WhenAll(_tasks);
        }

        /// <summary>Stops at once: what is not stored yet is dropped (and, not being acknowledged, delivered again).</summary>
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            _inbox.Writer.TryComplete();
            _stop.Cancel();
            try
            {
                await Task.WhenAll(_tasks);
            }
            catch (OperationCanceledException)
            {
            }

            _stop.Dispose();
        }

        private async Task DispatchAsync(CancellationToken stop)
        {
            try
            {
                var serials = new List<string>();
                while (await _inbox.Reader.WaitToReadAsync(stop))
                {
                    var deliveries = new List<Delivery>(Math.Min(_batchSize, _inbox.Reader.Count + 1));
                    serials.Clear();
                    while (deliveries.Count < _batchSize && _inbox.Reader.TryRead(out Delivery? delivery))
                    {
                        deliveries.Add(delivery);
                        if (IsRecordTopic(delivery.Topic, out string serial))
                        {
                            serials.Add(serial);
                        }
                    }

                    try
                    {
                        _registry.Resolve(serials);
                    }
                    catch (Exception e) when (e is DbException or InvalidOperationException)
                    {
                        // The verifiers read the meters one by one, or fail those messages (not stored, not acknowledged).
                        _log($"registry: {e.GetType().Name}: {e.Message}");
                    }

                    var batch = new IngestBatch(deliveries);

                    // Enough chunks for every verifier to have work, not so many that handing them out costs.
                    int chunk = Math.Max(16, (deliveries.Count + (2 * _verifiers) - 1) / (2 * _verifiers));
                    int chunks = (deliveries.Count + chunk - 1) / chunk;
                    batch.Expect(chunks);
                    for (int from = 0; from < deliveries.Count; from += chunk)
                    {
                        _chunks.Writer.TryWrite((batch, from, Math.Min(deliveries.Count, from + chunk)));
                    }

                    await _toWriter.Writer.WriteAsync(batch, stop);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                _chunks.Writer.TryComplete();
                _toWriter.Writer.TryComplete();
            }
        }

        // Only records need standing data: <prefix>/<serial>/period and /snapshot.
        private bool IsRecordTopic(string topic, out string serial)
            => _topics.TryParse(topic, out serial, out MessageKind kind) && (kind == MessageKind.Period || kind == MessageKind.Snapshot);

        private async Task VerifyAsync(CancellationToken stop)
        {
            try
            {
                await foreach ((IngestBatch batch, int from, int to) in _chunks.Reader.ReadAllAsync(stop))
                {
                    for (int i = from; i < to; i++)
                    {
                        Delivery d = batch.Deliveries[i];
                        try
                        {
                            batch.Checked[i] = _ingestor.Check(d.Topic, d.Payload, d.ReceivedUtc, d.Retained, _registry);
                        }
                        catch (Exception e) when (e is not OutOfMemoryException)
                        {
                            // The registry could not be read (or worse): the message is not stored, nor acknowledged,
                            // and comes again; the batch goes on.
                            _log($"verification of a message on {d.Topic}: {e.GetType().Name}: {e.Message}");
                            batch.Checked[i] = new CheckedMessage(d.Topic, d.Payload, d.ReceivedUtc, d.Retained, MessageKind.Other, string.Empty)
                            {
                                Decided = _storage.NotStored(d.Topic, $"{e.GetType().Name}: {e.Message}"),
                            };
                        }
                    }

                    batch.ChunkDone();
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private async Task WriteAsync(CancellationToken stop)
        {
            try
            {
                await foreach (IngestBatch batch in _toWriter.Reader.ReadAllAsync(stop))
                {
                    await batch.Verified.WaitAsync(stop);
                    try
                    {
                        _storage.Store(_writerStore, _ingestor, batch.Checked, batch.Outcomes);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
                    {
                        // Not a failure the store is known for: nothing of the batch is stored or acknowledged.
                        _log($"store: {e.GetType().Name}: {e.Message}; {batch.Deliveries.Count} messages not stored, the meters will send them again");
                        batch.Outcomes.Clear();
                        foreach (Delivery d in batch.Deliveries)
                        {
                            batch.Outcomes.Add(_storage.NotStored(d.Topic, $"{e.GetType().Name}: {e.Message}"));
                        }
                    }
                    try
                    {
                        _stored(batch);
                    }
                    finally
                    {
                        Interlocked.Add(ref _pending, -batch.Deliveries.Count);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
