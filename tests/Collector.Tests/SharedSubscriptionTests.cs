using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector.Compliance;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Storage;
using AssetMeter.TestServers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Collector.Tests
{
    /// <summary>
    /// Two collector instances in one MQTT 5 share group on mosquitto, sharing one store, collect a fleet through a
    /// simulated day: the broker gives each period message to one of them, and the store keeps each period once. A
    /// third, plain subscriber (listening only, its own store) sees every message, so it says what the two together
    /// must have received.
    /// </summary>
    [TestClass]
    public sealed class SharedSubscriptionTests
    {
        private static readonly DateTime Day = new(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc);

        public TestContext TestContext { get; set; } = null!;

        [TestMethod]
        public Task Two_instances_sharing_a_PostgreSQL_store_keep_every_period_of_a_day_exactly_once()
            => TwoInstances(_ => SharedServers.NewPostgresStore(), TimeSpan.FromDays(1));

        [TestMethod]
        public Task Two_instances_sharing_one_SQLite_file_keep_every_period_exactly_once()
            => TwoInstances(directory => "sqlite:" + Path.Combine(directory, "shared.db"), TimeSpan.FromHours(8));

        private async Task TwoInstances(Func<string, string> sharedStore, TimeSpan length)
        {
            var watch = Stopwatch.StartNew();
            string directory = SharedServers.NewDirectory("shared");
            try
            {
                using var broker = new Mosquitto(directory);
                string store = sharedStore(directory);
                string observerStore = "sqlite:" + Path.Combine(directory, "observer.db");
                await using FleetHarness run = FleetHarness.Start(Demo.Fleet, Day.AddMinutes(-10), length + TimeSpan.FromMinutes(30), "127.0.0.1", broker.Port);

                // One instance holds the key and supervises; the other only ingests its share.
                CollectorService first = await run.AddCollectorAsync("collector-a", store, supervises: true, shareGroup: "amhhdc");
                CollectorService second = await run.AddCollectorAsync("collector-b", store, supervises: false, shareGroup: "amhhdc");
                CollectorService observer = await run.AddCollectorAsync("observer", observerStore, supervises: false, shareGroup: null);
                Assert.IsTrue(first.UsingSharedSubscriptions && second.UsingSharedSubscriptions, "mosquitto grants MQTT 5 shared subscriptions");
                Assert.IsFalse(observer.UsingSharedSubscriptions);
                long storedByFirst = 0;
                long storedBySecond = 0;
                first.Ingested += o => Count(o, ref storedByFirst);
                second.Ingested += o => Count(o, ref storedBySecond);

                // Re-sends, which may reach either instance, even both at once: three hours without acknowledgements
                // (the meters go round their journals again), and a request for the first periods again.
                DateTime pause = Day.AddHours(2);
                bool resent = false;
                await run.RunAsync(length + TimeSpan.FromMinutes(30), async now =>
                {
                    run.SupervisionPaused = now >= pause && now < pause.AddHours(3);
                    if (!resent && now >= pause.AddHours(4))
                    {
                        resent = true;
                        FleetMeter meter = run.Fleet.Meters[0];
                        await first.RequestResendAsync(meter.Serial, meter.Rig.Journal.FirstPeriodIndex, meter.Rig.Journal.FirstPeriodIndex + 7, CancellationToken.None);
                    }
                });
                bool collected = await run.SettleAsync(store);
                string log = string.Join("\n", run.Log.TakeLast(60));
                Assert.IsTrue(collected, "every closed period stored and acknowledged:\n" + log);

                using CollectorStore shared = CollectorStore.Open(store);
                long periods = 0;
                foreach (FleetMeter meter in run.Fleet.Meters)
                {
                    long firstIndex = meter.Rig.Journal.FirstPeriodIndex;
                    long lastIndex = meter.Rig.Journal.LastPeriodIndex;
                    List<long> indexes = shared.Periods(meter.Serial).Select(p => p.PeriodIndex).ToList();
                    CollectionAssert.AreEqual(Enumerable.Range(0, (int)(lastIndex - firstIndex + 1)).Select(i => firstIndex + i).ToList(), indexes, $"{meter.Serial}: each period of its journal once");
                    periods += indexes.Count;
                }

                var problems = new List<string>();
                Demo.CompareWithJournals(shared, run.Fleet, problems);
                Assert.AreEqual(0, problems.Count, string.Join("\n", problems));
                Assert.AreEqual(0, shared.QuarantinedRecords().Count, "nothing quarantined: no instance saw a conflict with what the other stored");
                Assert.AreEqual(periods, shared.PeriodCount());

                // Each period was stored by one instance; the other, if it saw a re-send, found it stored already.
                Assert.AreEqual(periods, Interlocked.Read(ref storedByFirst) + Interlocked.Read(ref storedBySecond), "periods stored, counted by the instances that stored them");

                // The load was shared: the broker gave each instance a part of the period messages.
                long a = first.Counters.PeriodMessages;
                long b = second.Counters.PeriodMessages;
                long all = observer.Counters.PeriodMessages;
                TestContext.WriteLine($"{periods} periods of {run.Fleet.Meters.Count} meters; period messages: published {run.Fleet.PublishedPeriods}, plain subscriber {all}, collector-a {a} (stored {storedByFirst}), collector-b {b} (stored {storedBySecond}); {watch.Elapsed.TotalSeconds:0.0} s");
                Assert.IsTrue(a >= all / 5 && b >= all / 5, $"each instance has a real share of the {all} period messages: {a} and {b}");
                Assert.IsTrue(storedByFirst > 0 && storedBySecond > 0, $"each instance stored some periods: {storedByFirst} and {storedBySecond}");

                // Nothing lost: together they received every period message a plain subscriber saw (re-sends of the
                // meters' acknowledgement cycles included: each went to one of them), and that is what the meters sent.
                Assert.AreEqual(all, a + b, "period messages: a plain subscriber's count against the two instances' together");
                Assert.AreEqual(run.Fleet.PublishedPeriods, all, "period messages the meters handed to the broker against those a plain subscriber received");
                Assert.IsTrue(all > periods, "the meters' acknowledgement cycles re-sent some periods (legitimate duplicates)");
                Assert.AreEqual(0L, first.Counters.NotStored + second.Counters.NotStored, log);

                // The plain subscriber stored the same data on its own: the same data files.
                using CollectorStore alone = CollectorStore.Open(observerStore);
                Output.DataFiles.Write(shared, Path.Combine(directory, "shared-files"));
                Output.DataFiles.Write(alone, Path.Combine(directory, "observer-files"));
                StoreEngineTests.AssertSameFiles(Path.Combine(directory, "observer-files"), Path.Combine(directory, "shared-files"));
            }
            finally
            {
                SharedServers.Delete(directory);
            }
        }

        private static void Count(IngestOutcome outcome, ref long stored)
        {
            if (outcome.Kind == MessageKind.Period && outcome.Result == IngestResult.Stored)
            {
                Interlocked.Increment(ref stored);
            }
        }
    }
}
