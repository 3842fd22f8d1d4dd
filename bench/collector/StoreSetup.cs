using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using AssetMeter.Collector;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Storage;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>Brings a fresh store to the fleet's steady state before a measurement (not measured).</summary>
    internal static class StoreSetup
    {
        /// <summary>
        /// Registers every meter and stores each meter's periods from the fleet's first up to
        /// <paramref name="through"/>, each received when it ended, as a collector that has been running would have
        /// them: new records then meet a registry of the fleet's size and neighbours to chain with. The records are
        /// verified on every core and stored in batches by the collector's own ingest stages.
        /// </summary>
        public static void Prepare(string location, BenchFleet fleet, long through)
        {
            using CollectorStore store = CollectorStore.Open(location);
            store.InTransaction(() =>
            {
                foreach (MeterRegistration registration in fleet.Registrations)
                {
                    store.Register(registration);
                }
            });
            var ingestor = new Ingestor(store, new MeterTopics());
            var serials = new List<string>(fleet.Count);
            foreach (BenchMeter meter in fleet.Meters)
            {
                serials.Add(meter.Serial);
            }

            ingestor.Registry.Resolve(serials);
            for (long index = fleet.FirstPeriod; index <= through; index++)
            {
                DateTime received = UtcText.PeriodStart(index + 1);
                var checkedMessages = new CheckedMessage[fleet.Count];
                long period = index;
                Parallel.For(0, fleet.Count, i => checkedMessages[i] = ingestor.Check(BenchFleet.PeriodTopic(fleet.Meters[i]), fleet.Record(i, period), received, false, ingestor.Registry));
                var outcomes = new List<IngestOutcome>();
                for (int from = 0; from < fleet.Count; from += 1000)
                {
                    var batch = new ArraySegment<CheckedMessage>(checkedMessages, from, Math.Min(1000, fleet.Count - from));
                    store.InTransaction(() => ingestor.Store(batch, outcomes));
                    foreach (IngestOutcome outcome in outcomes)
                    {
                        if (outcome.Result != IngestResult.Stored)
                        {
                            throw new InvalidOperationException($"setup: period {index} of {outcome.Serial} was not stored: {outcome.Result} {outcome.Reason} {outcome.Detail}");
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Lets the store settle before a measured boundary: on PostgreSQL, VACUUM ANALYZE and a CHECKPOINT, so that
        /// the server's own housekeeping after the setup's bulk load (autovacuum, autoanalyze, a checkpoint, which a
        /// server in service spreads over hours) does not land inside the measurement; on SQLite, a WAL checkpoint.
        /// </summary>
        public static void Settle(string location)
        {
            using CollectorStore store = CollectorStore.Open(location);
            foreach (string statement in store.Engine == "postgresql" ? new[] { "VACUUM ANALYZE", "CHECKPOINT" } : new[] { "PRAGMA wal_checkpoint(TRUNCATE)" })
            {
                store.ExecuteOnce(statement);
            }
        }
    }
}
