using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using AssetMeter.Collector;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Records;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Storage;
using AssetMeter.Collector.Verification;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>One step of ingesting a record, and its cost.</summary>
    internal readonly record struct Step(string Stage, string Name, double MicrosecondsPerRecord);

    /// <summary>
    /// Where a record's time goes inside the collector, no broker: each step the ingest stages take (the same calls
    /// they make), timed over the fleet's records on one thread, then each stage as the pipeline runs it (the
    /// verification on every core, the writer's batches in one transaction), and the one-message-at-a-time path the
    /// collector used before, for comparison.
    /// </summary>
    internal static class Breakdown
    {
        public static List<Step> Run(BenchFleet fleet, int count, string sqlite, string? postgres, int batchSize, int verifiers, DateTime nowUtc)
        {
            var steps = new List<Step>();
            var topics = new MeterTopics();
            var envelopes = new OcmfEnvelope[count];
            var meters = new MeterRegistration[count];
            var records = new MeterRecord[count];
            long period = fleet.Period;
            StoreSetup.Prepare(sqlite, fleet, period - 1);
            using (CollectorStore store = CollectorStore.Open(sqlite))
            {
                const string Parts = "steps, one thread";
                steps.Add(Time(Parts, "split the OCMF envelope (JSON of the signature section)", count, i =>
                    envelopes[i] = OcmfEnvelope.TryParse(fleet.Record(i, period), out _)!));
                steps.Add(Time(Parts, "registry: one query per meter (CollectorStore.Meter; the ingestor before)", count, i =>
                    meters[i] = store.Meter(fleet.Meters[i].Serial)!));
                var registry = new RegistryCache(store);
                var serials = new List<string>(batchSize);
                steps.Add(Time(Parts, $"registry: a batch's meters in one read (RegistryCache.Resolve, {batchSize} a batch; the dispatcher now)", count, i =>
                {
                    serials.Add(fleet.Meters[i].Serial);
                    if (serials.Count == batchSize || i == count - 1)
                    {
                        registry.Resolve(serials);
                        serials.Clear();
                    }
                }));
                var keys = new ECDsa[count];
                steps.Add(Time(Parts, "import the meter's public key (RecordSignature.PublicKey; kept per meter after the first)", count, i =>
                    keys[i] = RecordSignature.PublicKey(Convert.FromHexString(meters[i].KeyHex))));
                steps.Add(Time(Parts, "verify the signature, key imported (ECDsa.VerifyData)", count, i =>
                {
                    if (!keys[i].VerifyData(envelopes[i].Payload, envelopes[i].Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
                    {
                        throw new InvalidOperationException("bench record did not verify");
                    }
                }));
                foreach (ECDsa key in keys)
                {
                    key.Dispose();
                }

                steps.Add(Time(Parts, "parse the payload (MeterRecord, JSON)", count, i =>
                    records[i] = MeterRecord.TryParse(envelopes[i].Payload, out _)!));

                // The verification stage: Ingestor.Check, keys kept (a first pass imports them).
                var ingestor = new Ingestor(store, topics);
                DateTime received = nowUtc;
                var checkedRecords = new CheckedMessage[count];
                Parallel.For(0, count, i => checkedRecords[i] = ingestor.Check(BenchFleet.PeriodTopic(fleet.Meters[i]), fleet.Record(i, period), received, false, registry));
                const string Verify = "verification stage";
                steps.Add(Time(Verify, "the whole check of a record, one thread (Ingestor.Check: envelope, key kept, signature, payload, content)", count, i =>
                    checkedRecords[i] = ingestor.Check(BenchFleet.PeriodTopic(fleet.Meters[i]), fleet.Record(i, period), received, false, registry)));
                var watch = Stopwatch.StartNew();
                Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = verifiers }, i =>
                    checkedRecords[i] = ingestor.Check(BenchFleet.PeriodTopic(fleet.Meters[i]), fleet.Record(i, period), received, false, registry));
                steps.Add(new Step(Verify, $"the same on {verifiers} threads (the pipeline's verifiers), wall time per record", watch.Elapsed.TotalMicroseconds / count));

                List<(string Topic, byte[] Payload, bool Retain)> statuses = fleet.Statuses(nowUtc, period, period - 1);
                var checkedStatuses = new CheckedMessage[count];
                for (int i = 0; i < count; i++)
                {
                    checkedStatuses[i] = ingestor.Check(statuses[i].Topic, statuses[i].Payload, received, false, registry);
                }

                steps.AddRange(Writer("writer, SQLite", store, ingestor, checkedRecords, checkedStatuses, batchSize));

                // Before: every message through Ingestor.Ingest on one thread, a transaction per batch, as the single
                // worker did (now with the store's prepared statements), on a store a period behind.
                string before = sqlite.Replace(".db", "-single.db", StringComparison.Ordinal);
                StoreSetup.Prepare(before, fleet, period - 1);
                using CollectorStore single = CollectorStore.Open(before);
                var oneByOne = new Ingestor(single, topics);
                for (int i = 0; i < count; i++)
                {
                    // Keys imported and standing data held, as in steady state.
                    oneByOne.Ingest(statuses[i].Topic, statuses[i].Payload, nowUtc);
                }

                steps.Add(TimeBatched("one message at a time (before)", $"a period record through Ingestor.Ingest ({batchSize} per transaction), keys kept", count, batchSize, single, i =>
                    oneByOne.Ingest(BenchFleet.PeriodTopic(fleet.Meters[i]), fleet.Record(i, period), nowUtc)));
                steps.Add(TimeBatched("one message at a time (before)", $"a status through Ingestor.Ingest ({batchSize} per transaction)", count, batchSize, single, i =>
                    oneByOne.Ingest(statuses[i].Topic, statuses[i].Payload, nowUtc)));

                if (postgres != null)
                {
                    StoreSetup.Prepare(postgres, fleet, period - 1);
                    using CollectorStore pg = CollectorStore.Open(postgres);
                    steps.AddRange(Writer("writer, PostgreSQL", pg, new Ingestor(pg, topics), checkedRecords, checkedStatuses, batchSize));
                }
            }

            return steps;
        }

        // The writer stage: checked messages stored a batch at a time, each batch in one transaction.
        private static IEnumerable<Step> Writer(string stage, CollectorStore store, Ingestor ingestor, CheckedMessage[] records, CheckedMessage[] statuses, int batchSize)
        {
            var outcomes = new List<IngestOutcome>();
            var watch = Stopwatch.StartNew();
            for (int from = 0; from < records.Length; from += batchSize)
            {
                var batch = new ArraySegment<CheckedMessage>(records, from, Math.Min(batchSize, records.Length - from));
                store.InTransaction(() => ingestor.Store(batch, outcomes));
                foreach (IngestOutcome outcome in outcomes)
                {
                    if (outcome.Result != IngestResult.Stored)
                    {
                        throw new InvalidOperationException($"breakdown: {outcome.Serial}'s record was not stored: {outcome.Result} {outcome.Reason} {outcome.Detail}");
                    }
                }
            }

            yield return new Step(stage, $"a period record: neighbours read, chain checked, inserted ({batchSize} per transaction, commit included)", watch.Elapsed.TotalMicroseconds / records.Length);
            watch.Restart();
            for (int from = 0; from < statuses.Length; from += batchSize)
            {
                var batch = new ArraySegment<CheckedMessage>(statuses, from, Math.Min(batchSize, statuses.Length - from));
                store.InTransaction(() => ingestor.Store(batch, outcomes));
            }

            yield return new Step(stage, $"a status: upserted ({batchSize} per transaction, commit included)", watch.Elapsed.TotalMicroseconds / statuses.Length);
        }

        private static Step Time(string stage, string name, int count, Action<int> step)
        {
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
            {
                step(i);
            }

            return new Step(stage, name, watch.Elapsed.TotalMicroseconds / count);
        }

        // The step inside the store's transactions, batchSize records each, as the ingest worker runs it.
        private static Step TimeBatched(string stage, string name, int count, int batchSize, CollectorStore store, Action<int> step)
        {
            var watch = Stopwatch.StartNew();
            for (int from = 0; from < count; from += batchSize)
            {
                int to = Math.Min(count, from + batchSize);
                store.InTransaction(() =>
                {
                    for (int i = from; i < to; i++)
                    {
                        step(i);
                    }
                });
            }

            return new Step(stage, name, watch.Elapsed.TotalMicroseconds / count);
        }
    }
}
