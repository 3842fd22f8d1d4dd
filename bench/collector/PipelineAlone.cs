using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Storage;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>
    /// The collector's ingest pipeline with no broker: a boundary's messages (every meter's record and status) handed
    /// in from memory, verified on every core and stored in batches, as <see cref="CollectorService"/> runs it. What
    /// the collector itself can take when the processors are not shared with a broker and a fleet.
    /// </summary>
    internal static class PipelineAlone
    {
        /// <summary>
        /// One unmeasured boundary first (period − 1), so that the measured one (the fleet's period) meets a pipeline
        /// in the steady state the end-to-end run measures: keys imported and standing data held.
        /// </summary>
        public static PartRun Run(BenchFleet fleet, string location, int batchSize, int verifiers, int capacity, Func<TimeSpan>? databaseProcessor = null)
        {
            long period = fleet.Period;
            StoreSetup.Prepare(location, fleet, period - 2);
            using CollectorStore writer = CollectorStore.Open(location);
            using CollectorStore registry = CollectorStore.Open(location);
            long stored = 0;
            long other = 0;
            var pipeline = new IngestPipeline(writer, registry, new MeterTopics(), batchSize, capacity, verifiers, batch =>
            {
                foreach (IngestOutcome outcome in batch.Outcomes)
                {
                    if (outcome.Kind == MessageKind.Period)
                    {
                        Interlocked.Increment(ref outcome.Result == IngestResult.Stored ? ref stored : ref other);
                    }
                }
            }, line => Console.Error.WriteLine("pipeline: " + line));
            pipeline.Start();
            PartRun Boundary(long index)
            {
                DateTime received = UtcText.PeriodStart(index + 1).AddSeconds(1);
                List<(string Topic, byte[] Payload, bool Retain)> messages = fleet.BoundaryMessages(received, index);
                long target = Interlocked.Read(ref stored) + fleet.Count;
                GC.Collect();
                TimeSpan processStart = Process.GetCurrentProcess().TotalProcessorTime;
                TimeSpan databaseStart = databaseProcessor?.Invoke() ?? TimeSpan.Zero;
                var watch = Stopwatch.StartNew();
                Task.Run(async () =>
                {
                    foreach ((string topic, byte[] payload, bool retain) in messages)
                    {
                        await pipeline.PostAsync(new Delivery(topic, payload, received, retain), CancellationToken.None);
                    }

                    while (Interlocked.Read(ref stored) + Interlocked.Read(ref other) < target && pipeline.Pending > 0)
                    {
                        await Task.Delay(1);
                    }
                }).GetAwaiter().GetResult();
                TimeSpan elapsed = watch.Elapsed;
                TimeSpan process = Process.GetCurrentProcess().TotalProcessorTime - processStart;
                TimeSpan database = (databaseProcessor?.Invoke() ?? TimeSpan.Zero) - databaseStart;
                if (Interlocked.Read(ref stored) != target || Interlocked.Read(ref other) != 0)
                {
                    throw new InvalidOperationException($"the pipeline alone stored {Interlocked.Read(ref stored):N0} records of {target:N0} ({Interlocked.Read(ref other):N0} not stored)");
                }

                return new PartRun(elapsed, TimeSpan.Zero, process, database);
            }

            Boundary(period - 1);
            StoreSetup.Settle(location);
            PartRun measured = Boundary(period);
            pipeline.CompleteAsync().GetAwaiter().GetResult();
            pipeline.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return measured;
        }
    }
}
