using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Storage;
using AssetMeter.Metrology.Periods;
using AssetMeter.TestServers;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MQTTnet;
using MQTTnet.Protocol;

namespace AssetMeter.Collector.Tests
{
    /// <summary>
    /// The collector tells the broker it has a record only once the record is durable: a message acknowledged and
    /// then lost in a crash would be lost for good, since neither the broker nor the meter would send it again.
    /// </summary>
    [TestClass]
    public sealed class AcknowledgementTests
    {
        private const int Records = 120;

        [TestMethod]
        public void A_batch_is_handed_back_for_acknowledgement_only_once_another_connection_can_read_it()
        {
            using var meter = new TestMeter(hmac: true);
            using var temp = new TemporaryStore();
            temp.Store.Register(meter.Registration);
            using CollectorStore registry = CollectorStore.Open(temp.Location);
            using CollectorStore reader = CollectorStore.Open(temp.Location);
            List<HalfHourPeriod> periods = TestMeter.Periods(TestMeter.Day, Records);
            var missing = new List<string>();
            int handedBack = 0;
            var pipeline = new IngestPipeline(temp.Store, registry, new MeterTopics(), batchSize: 7, capacity: 32, verifiers: 2, batch =>
            {
                // What the shell acknowledges from here must already be committed, seen from outside the writer.
                for (int i = 0; i < batch.Deliveries.Count; i++)
                {
                    handedBack++;
                    if (batch.Outcomes[i].Result == IngestResult.Stored && reader.Period(meter.Serial, batch.Outcomes[i].Number) == null)
                    {
                        missing.Add("period " + batch.Outcomes[i].Number);
                    }
                }
            }, _ => { });
            pipeline.Start();
            foreach (HalfHourPeriod period in periods)
            {
                pipeline.PostAsync(new Delivery(meter.Topic, meter.Record(period), TestMeter.Day.AddDays(5), false), CancellationToken.None).AsTask().Wait();
            }

            pipeline.CompleteAsync().Wait(TimeSpan.FromSeconds(30));
            pipeline.DisposeAsync().AsTask().Wait();
            Assert.AreEqual(Records, handedBack);
            Assert.AreEqual(0, missing.Count, "handed back for acknowledgement before commit: " + string.Join(", ", missing.Take(5)));
        }

        [TestMethod]
        public async Task Records_received_but_not_yet_stored_when_the_collector_dies_are_delivered_again_and_stored_once()
        {
            string directory = SharedServers.NewDirectory("ack");
            try
            {
                using var broker = new Mosquitto(directory);
                using var meter = new TestMeter("am-ack-1", hmac: true);
                string store = "sqlite:" + Path.Combine(directory, "collector.db");
                using (CollectorStore registry = CollectorStore.Open(store))
                {
                    registry.Register(meter.Registration);
                }

                var log = new ConcurrentQueue<string>();
                CollectorOptions Options() => new()
                {
                    BrokerHost = "127.0.0.1",
                    BrokerPort = broker.Port,
                    Instance = "collector-ack",
                    ShareGroup = null,
                    Supervise = false,
                    BatchSize = 10,
                    SessionExpiry = TimeSpan.FromMinutes(10),
                };

                // The first instance stores its first batch, then its writer stops there (as a process does when it is
                // killed): whatever it received after that is held unacknowledged in its session at the broker.
                var first = new CollectorService(Options(), store, null, TimeProvider.System, line => log.Enqueue("first: " + line));
                using var firstBatch = new ManualResetEventSlim(false);
                using var release = new ManualResetEventSlim(false);
                long storedByFirst = 0;
                first.Ingested += outcome =>
                {
                    if (outcome.Result == IngestResult.Stored)
                    {
                        Interlocked.Increment(ref storedByFirst);
                    }

                    if (Interlocked.Read(ref storedByFirst) == 1)
                    {
                        firstBatch.Set();
                        release.Wait();
                    }
                };
                first.Start();
                Assert.IsTrue(await first.WaitConnectedAsync(TimeSpan.FromSeconds(20)), string.Join("\n", log));

                using IMqttClient publisher = new MqttClientFactory().CreateMqttClient();
                await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId(meter.Serial).Build());
                foreach (HalfHourPeriod period in TestMeter.Periods(TestMeter.Day, Records))
                {
                    await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(meter.Topic).WithPayload(meter.Record(period)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                }

                Assert.IsTrue(firstBatch.Wait(TimeSpan.FromSeconds(20)), "the first batch stored: " + string.Join("\n", log));
                DateTime deadline = DateTime.UtcNow.AddSeconds(20);
                while (first.Pending < Records - 10 && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(20);
                }

                long heldByFirst = first.Pending;
                Task killed = first.KillAsync();
                release.Set();
                await killed;
                await first.DisposeAsync();
                long storedBefore = PeriodsStored(store);
                Assert.IsTrue(storedBefore < Records, $"the first instance stored {storedBefore} of {Records} before it died");
                Assert.IsTrue(heldByFirst > 0, "the first instance held records it had not stored");

                // Started again under the same name: the broker delivers again all it had not been told of.
                await using var second = new CollectorService(Options(), store, null, TimeProvider.System, line => log.Enqueue("second: " + line));
                second.Start();
                Assert.IsTrue(await second.WaitConnectedAsync(TimeSpan.FromSeconds(20)), string.Join("\n", log));
                deadline = DateTime.UtcNow.AddSeconds(30);
                while (PeriodsStored(store) < Records && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50);
                }

                Assert.AreEqual(Records, PeriodsStored(store), "every record stored, once: " + string.Join("\n", log.TakeLast(20)));
                Assert.AreEqual(Records - storedBefore, second.Counters.Stored, "the second instance stored exactly what the first had not");
                Assert.AreEqual(0, second.Counters.Quarantined);
                await publisher.DisconnectAsync();
            }
            finally
            {
                SharedServers.Delete(directory);
            }
        }

        private static long PeriodsStored(string store)
        {
            using CollectorStore s = CollectorStore.Open(store);
            return s.PeriodCount();
        }
    }
}
