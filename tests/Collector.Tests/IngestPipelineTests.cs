using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Storage;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Collector.Tests
{
    /// <summary>
    /// The collector's ingest pipeline (verification on several threads, batches stored in one transaction each)
    /// against the plain one-message-at-a-time ingestor: whatever the messages, their order and repetition, the
    /// batch size and the number of verification threads, every outcome and everything stored is the same.
    /// </summary>
    [TestClass]
    public sealed class IngestPipelineTests
    {
        [TestMethod]
        public void Parallel_verification_and_batched_storage_give_the_outcomes_and_store_of_ingesting_one_by_one()
        {
            using var recording = new StoreEngineTests.Recording();
            List<(string Topic, byte[] Payload, DateTime Received, bool Retained)> messages = recording.Messages;

            // Any sequence of the recording's messages (forgeries, re-sends, conflicts, chain breaks, statuses, the last
            // will, events, replies), some several times, in any order; any batch size; one to four verifiers.
            Arbitrary<(int[] Order, int Batch, int Verifiers)> cases = Gen.ArrayOf(Gen.Choose(0, messages.Count - 1))
                .Select(extra => Enumerable.Range(0, messages.Count).Concat(extra).ToArray())
                .SelectMany(all => Gen.Shuffle(all))
                .SelectMany(order => Gen.Choose(1, 64), (order, batch) => (order, batch))
                .SelectMany(ob => Gen.Choose(1, 4), (ob, verifiers) => (ob.order, ob.batch, verifiers))
                .ToArbitrary();

            Prop.ForAll(cases, c =>
            {
                using var serial = new TemporaryStore();
                using var parallel = new TemporaryStore();
                StoreEngineTests.Prepare(serial.Store, recording);
                StoreEngineTests.Prepare(parallel.Store, recording);

                var one = new Ingestor(serial.Store, new MeterTopics());
                List<string> expected = c.Order.Select(i => StoreEngineTests.Describe(one.Ingest(messages[i].Topic, messages[i].Payload, messages[i].Received, messages[i].Retained), messages[i].Topic)).ToList();
                List<string> actual = ThroughPipelineAsync(parallel, c.Order.Select(i => messages[i]).ToList(), c.Batch, c.Verifiers).GetAwaiter().GetResult();

                CollectionAssert.AreEqual(expected, actual, $"outcomes, batches of {c.Batch}, {c.Verifiers} verifiers");
                CollectionAssert.AreEqual(StoreEngineTests.Contents(serial.Store), StoreEngineTests.Contents(parallel.Store), "stored contents");
                return true;
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(25));
        }

        [TestMethod]
        public void A_burst_waits_at_the_door_rather_than_in_memory()
        {
            using var meter = new TestMeter(hmac: true);
            using var temp = new TemporaryStore();
            temp.Store.Register(meter.Registration);
            using CollectorStore registry = CollectorStore.Open(temp.Location);
            var release = new ManualResetEventSlim(false);
            long stored = 0;
            const int Capacity = 20;
            var pipeline = new IngestPipeline(temp.Store, registry, new MeterTopics(), batchSize: 5, capacity: Capacity, verifiers: 2, batch =>
            {
                // The writer is held up: nothing more can be taken in than the pipeline's capacity and the batches in hand.
                release.Wait();
                Interlocked.Add(ref stored, batch.Deliveries.Count);
            }, _ => { });
            pipeline.Start();
            byte[][] records = TestMeter.Periods(TestMeter.Day, 200).Select(meter.Record).ToArray();
            int posted = 0;
            Task posting = Task.Run(async () =>
            {
                foreach (byte[] record in records)
                {
                    await pipeline.PostAsync(new Delivery(meter.Topic, record, TestMeter.Day.AddDays(5), false), CancellationToken.None);
                    Interlocked.Increment(ref posted);
                }
            });

            Thread.Sleep(1000);
            int held = Volatile.Read(ref posted);
            Assert.IsFalse(posting.IsCompleted, "posting waits while the writer is held up");
            Assert.IsTrue(held <= Capacity + (6 * 5), $"{held} posted: at most the inbox ({Capacity}) and the batches on their way (a few of 5)");
            release.Set();
            Assert.IsTrue(posting.Wait(TimeSpan.FromSeconds(30)), "posting resumes once the writer goes on");
            pipeline.CompleteAsync().Wait(TimeSpan.FromSeconds(30));
            Assert.AreEqual(records.Length, Interlocked.Read(ref stored));
            Assert.AreEqual(records.Length, temp.Store.PeriodCount());
            pipeline.DisposeAsync().AsTask().Wait();
        }

        private static async Task<List<string>> ThroughPipelineAsync(TemporaryStore temp, List<(string Topic, byte[] Payload, DateTime Received, bool Retained)> messages, int batch, int verifiers)
        {
            using CollectorStore registry = CollectorStore.Open(temp.Location);
            var outcomes = new List<string>();
            var pipeline = new IngestPipeline(temp.Store, registry, new MeterTopics(), batch, capacity: 16, verifiers, stored =>
            {
                for (int i = 0; i < stored.Deliveries.Count; i++)
                {
                    outcomes.Add(StoreEngineTests.Describe(stored.Outcomes[i], stored.Deliveries[i].Topic));
                }
            }, _ => { });
            pipeline.Start();
            foreach ((string topic, byte[] payload, DateTime received, bool retained) in messages)
            {
                await pipeline.PostAsync(new Delivery(topic, payload, received, retained), CancellationToken.None);
            }

            await pipeline.CompleteAsync();
            await pipeline.DisposeAsync();
            return outcomes;
        }
    }
}
