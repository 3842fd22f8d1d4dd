using System;
using System.Collections.Generic;
using System.Threading;
using AssetMeter.Collector.Storage;

namespace AssetMeter.Collector.Engine
{
    /// <summary>
    /// Stores a batch of received messages through the <see cref="Ingestor"/>, one outcome per message in order, and
    /// decides what a store failure costs.
    /// </summary>
    /// <remarks>
    /// The batch goes in one transaction. A transient failure (PostgreSQL breaking a deadlock between two instances
    /// that write the same status and event rows, a serialisation failure, SQLite still busy after its timeout, a lost
    /// connection) is tried again; if it persists the store itself is in trouble and the batch is left unstored, as
    /// trying each message would only wait on a failing store once per message. Any other failure falls back to one
    /// transaction per message, so that one message the store refuses costs only itself, not the periods, replies and
    /// events that came with it. Nothing unstored is acknowledged: the meters send periods again.
    /// </remarks>
    public sealed class BatchStorage
    {
        private readonly MeterTopics _topics;
        private readonly Action<string> _log;

        public BatchStorage(MeterTopics topics, Action<string> log)
        {
            _topics = topics;
            _log = log;
        }

        /// <summary>Fills <paramref name="outcomes"/> with one outcome per message of <paramref name="batch"/>.</summary>
        public void Store(CollectorStore store, Ingestor ingestor, List<(string Topic, byte[] Payload, DateTime Received, bool Retained)> batch, List<IngestOutcome> outcomes)
        {
            var checkedMessages = new List<CheckedMessage>(batch.Count);
            foreach (var (topic, payload, received, retained) in batch)
            {
                checkedMessages.Add(ingestor.Check(topic, payload, received, retained, ingestor.Registry));
            }

            Store(store, ingestor, checkedMessages, outcomes);
        }

        /// <summary>The same for messages checked already (on the verification threads).</summary>
        internal void Store(CollectorStore store, Ingestor ingestor, IReadOnlyList<CheckedMessage> batch, List<IngestOutcome> outcomes)
        {
            (string? failure, bool transient) = TryInTransaction(store, () => ingestor.Store(batch, outcomes));
            if (failure == null)
            {
                return;
            }

            outcomes.Clear();
            if (transient)
            {
                _log($"store: {failure}; {batch.Count} messages not stored, the meters will send them again");
                foreach (CheckedMessage m in batch)
                {
                    outcomes.Add(NotStored(m.Topic, failure));
                }

                return;
            }

            _log($"store: {failure}; storing the {batch.Count} messages of the batch one by one");
            bool storeFailing = false;
            var one = new List<IngestOutcome>(1);
            var single = new CheckedMessage[1];
            foreach (CheckedMessage m in batch)
            {
                string? problem = "the store is failing";
                if (!storeFailing)
                {
                    single[0] = m;
                    (problem, storeFailing) = TryInTransaction(store, () => ingestor.Store(single, one));
                }

                if (problem != null)
                {
                    _log($"store: a message on {m.Topic} was not stored: {problem}");
                    outcomes.Add(NotStored(m.Topic, problem));
                }
                else
                {
                    outcomes.Add(one[0]);
                }
            }
        }

        internal IngestOutcome NotStored(string topic, string problem)
        {
            _topics.TryParse(topic, out string serial, out MessageKind kind);
            return new IngestOutcome(IngestResult.NotStored, kind, serial, 0, "store-failed", problem);
        }

        // What went wrong (null when the work committed) and whether it was transient, after up to three tries of a
        // transient failure.
        private static (string? Failure, bool Transient) TryInTransaction(CollectorStore store, Action work)
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    store.InTransaction(work);
                    return (null, false);
                }
                catch (System.Data.Common.DbException e) when (IsTransient(e) && attempt < 3)
                {
                    Thread.Sleep(20 * attempt);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
                {
                    return ($"{e.GetType().Name}: {e.Message}", e is System.Data.Common.DbException db && IsTransient(db));
                }
            }
        }

        // Npgsql marks deadlocks and serialisation failures transient; SQLite's busy and locked are said so here, since
        // whether SqliteException marks them depends on the provider's version.
        private static bool IsTransient(System.Data.Common.DbException e)
            => e.IsTransient || e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 };
    }
}
