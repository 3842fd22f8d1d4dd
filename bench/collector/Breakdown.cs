using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using AssetMeter.Collector;
using AssetMeter.Collector.Commands;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Records;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Storage;
using AssetMeter.Collector.Verification;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>One step of ingesting a period record, and its cost.</summary>
    internal readonly record struct Step(string Name, double MicrosecondsPerRecord);

    /// <summary>
    /// Where a record's time goes inside the collector, one thread, no broker: each kind of step the ingest worker
    /// takes (the same public calls the <see cref="Ingestor"/> makes), timed over the fleet's records, then the whole
    /// <see cref="Ingestor.Ingest"/> in the worker's transactions, which says how many of each it makes.
    /// </summary>
    internal static class Breakdown
    {
        /// <summary>How long the last measured supervision round over the whole fleet took.</summary>
        public static TimeSpan SupervisorRound { get; private set; }

        public static List<Step> Run(BenchFleet fleet, int count, Func<string> freshStore, int batchSize, DateTime nowUtc)
        {
            var steps = new List<Step>();
            var topics = new MeterTopics();
            var envelopes = new OcmfEnvelope[count];
            var meters = new MeterRegistration[count];
            var records = new MeterRecord[count];

            long period = fleet.Period;
            string location = freshStore();
            StoreSetup.Prepare(location, fleet, period - 1);
            using (CollectorStore store = CollectorStore.Open(location))
            {
                steps.Add(Time("split the OCMF envelope (JSON of the signature section)", count, i =>
                    envelopes[i] = OcmfEnvelope.TryParse(fleet.Record(i, period), out _)!));
                steps.Add(Time("registry look-up (CollectorStore.Meter, one query)", count, i =>
                    meters[i] = store.Meter(fleet.Meters[i].Serial)!));
                var keys = new ECDsa[count];
                steps.Add(Time("import the meter's public key (RecordSignature.PublicKey)", count, i =>
                    keys[i] = RecordSignature.PublicKey(Convert.FromHexString(meters[i].KeyHex))));
                steps.Add(Time("verify the signature, key imported (ECDsa.VerifyData)", count, i =>
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

                steps.Add(Time("parse the payload (MeterRecord, JSON)", count, i =>
                    records[i] = MeterRecord.TryParse(envelopes[i].Payload, out _)!));
                steps.Add(Time($"look up a stored period (CollectorStore.Period, one query; {batchSize} per transaction)", count, batchSize, store, i =>
                {
                    if (store.Period(records[i].Serial, records[i].PeriodIndex - 1) == null)
                    {
                        throw new InvalidOperationException("the previous period is not stored");
                    }
                }));
                steps.Add(Time($"insert the period (CollectorStore.AddPeriod; {batchSize} per transaction)", count, batchSize, store, i =>
                {
                    MeterRecord r = records[i];
                    store.AddPeriod(new StoredPeriod
                    {
                        Serial = r.Serial,
                        PeriodIndex = r.PeriodIndex,
                        ImportStart = r.ImportStartMilliwattHours,
                        ImportEnd = r.ImportEndMilliwattHours,
                        ExportStart = r.ExportStartMilliwattHours,
                        ExportEnd = r.ExportEndMilliwattHours,
                        Flags = r.Flags,
                        TimeStatus = r.TimeStatus.ToString(),
                        ErrorFlags = r.ErrorFlags,
                        AmsidImport = r.AmsidImport,
                        AmsidExport = r.AmsidExport,
                        Record = Encoding.ASCII.GetString(fleet.Record(i, period)),
                        ReceivedUtc = nowUtc,
                    });
                }));

                List<(string Topic, byte[] Payload, bool Retain)> statuses = fleet.Statuses(nowUtc, period - 1, period - 1);
                var ingestor = new Ingestor(store, topics);
                steps.Add(Time($"a status message (Ingestor.Ingest: JSON, look-up, upsert; {batchSize} per transaction)", count, batchSize, store, i =>
                    ingestor.Ingest(statuses[i].Topic, statuses[i].Payload, nowUtc)));

                store.InTransaction(() =>
                {
                    for (int i = count; i < fleet.Count; i++)
                    {
                        ingestor.Ingest(statuses[i].Topic, statuses[i].Payload, nowUtc);
                    }
                });

                // The supervisor looks at every registered meter in every round (every CollectorOptions.SupervisionInterval), whether or
                // not anything arrived: its round over the whole fleet, with nothing to decide.
                using CollectorKey commandKey = CollectorKey.Create();
                var supervisor = new Supervisor(store, commandKey, topics, new SupervisorSettings { CheckClocks = false }, "bench", _ => { });
                supervisor.Decide(nowUtc);
                var round = Stopwatch.StartNew();
                if (supervisor.Decide(nowUtc).Count != 0)
                {
                    throw new InvalidOperationException("the supervisor found something to do in a steady fleet");
                }

                SupervisorRound = round.Elapsed;
                steps.Add(new Step($"supervision round, per meter of the {fleet.Count:N0} (Supervisor.Decide, nothing due)", round.Elapsed.TotalMicroseconds / fleet.Count));
            }

            // The whole thing as the worker does it, on a store in the same steady state: the first record of each
            // meter this worker sees, then the next boundary's.
            location = freshStore();
            StoreSetup.Prepare(location, fleet, period - 2);
            using (CollectorStore store = CollectorStore.Open(location))
            {
                var ingestor = new Ingestor(store, topics);
                foreach (long index in new[] { period - 1, period })
                {
                    string name = index == period
                        ? $"whole period record, the next boundary (Ingestor.Ingest, {batchSize} per transaction)"
                        : $"whole period record, the first this worker sees of its meter (Ingestor.Ingest, {batchSize} per transaction)";
                    steps.Add(Time(name, count, batchSize, store, i =>
                    {
                        IngestOutcome outcome = ingestor.Ingest(BenchFleet.PeriodTopic(fleet.Meters[i]), fleet.Record(i, index), UtcText.PeriodStart(index + 1));
                        if (outcome.Result != IngestResult.Stored)
                        {
                            throw new InvalidOperationException($"{outcome.Serial}: {outcome.Result} {outcome.Reason} {outcome.Detail}");
                        }
                    }));
                }
            }

            return steps;
        }

        private static Step Time(string name, int count, Action<int> step)
        {
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
            {
                step(i);
            }

            return new Step(name, watch.Elapsed.TotalMicroseconds / count);
        }

        private static Step Time(string name, int count, int batchSize, CollectorStore store, Action<int> step)
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

            return new Step(name, watch.Elapsed.TotalMicroseconds / count);
        }
    }
}
