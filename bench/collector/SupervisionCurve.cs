using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using AssetMeter.Collector;
using AssetMeter.Collector.Commands;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Storage;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>What a supervision round costs for one fleet size.</summary>
    internal sealed class SupervisionCost
    {
        public int Meters { get; init; }

        /// <summary>The first round, which looks at every registered meter once (after a start).</summary>
        public TimeSpan StartPass { get; init; }

        /// <summary>A round with no news and nothing due.</summary>
        public TimeSpan QuietRound { get; init; }

        /// <summary>A round after <see cref="NewsMeters"/> meters sent a status.</summary>
        public TimeSpan NewsRound { get; init; }

        public int NewsMeters { get; init; }

        /// <summary>A scan of every registered meter, as every round was before.</summary>
        public TimeSpan FullScan { get; init; }

        /// <summary>Managed memory the supervisor keeps per registered meter.</summary>
        public double SupervisorBytesPerMeter { get; init; }

        /// <summary>Managed memory the ingest stage's standing-data cache keeps per registered meter.</summary>
        public double RegistryBytesPerMeter { get; init; }
    }

    /// <summary>
    /// The cost of a supervision round against the number of registered meters: a store with that many meters, each
    /// online, its last period stored and acknowledged (nothing to decide), then a quiet round, a round after a
    /// thousand of them sent news, and the scan of the whole fleet that every round used to be.
    /// </summary>
    internal static class SupervisionCurve
    {
        private const int News = 1000;

        public static SupervisionCost Measure(int meters, string location, DateTime nowUtc)
        {
            long period = UtcText.PeriodIndex(nowUtc) - 1;
            Fill(location, meters, period, nowUtc);
            using CollectorStore store = CollectorStore.Open(location);
            using CollectorKey key = CollectorKey.Create();
            var topics = new MeterTopics();
            var settings = new SupervisorSettings { CheckClocks = false };

            long heap = Heap();
            var supervisor = new Supervisor(store, key, topics, settings, "bench", _ => { });
            var watch = Stopwatch.StartNew();
            List<OutgoingCommand> first = null!;
            store.InTransaction(() => first = supervisor.DecideDue(nowUtc, int.MaxValue, out _));
            TimeSpan startPass = watch.Elapsed;
            if (first.Count != 0)
            {
                throw new InvalidOperationException($"supervision curve: {first.Count} commands for a fleet with nothing to decide ({first[0].Operation} to {first[0].Serial})");
            }

            double supervisorBytes = (double)(Heap() - heap) / meters;

            // Quiet rounds: nothing new, nothing due.
            const int Rounds = 1000;
            DateTime now = nowUtc.AddSeconds(2);
            watch.Restart();
            for (int i = 0; i < Rounds; i++)
            {
                supervisor.DecideDue(now, Supervisor.Chunk, out _);
            }

            TimeSpan quiet = watch.Elapsed / Rounds;

            // News: a thousand meters publish their status again (what they do after a period or an acknowledgement).
            var ingestor = new Ingestor(store, topics);
            int news = Math.Min(News, meters);
            store.InTransaction(() =>
            {
                for (int i = 0; i < news; i++)
                {
                    string serial = Serial(i * (meters / news));
                    IngestOutcome outcome = ingestor.Ingest(topics.Prefix + "/" + serial + "/status", Status(serial, period, now), now);
                    supervisor.Notice(outcome);
                }
            });
            now = now.AddSeconds(2);
            watch.Restart();
            bool more = true;
            while (more)
            {
                store.InTransaction(() => supervisor.DecideDue(now, Supervisor.Chunk, out more));
            }

            TimeSpan newsRound = watch.Elapsed;

            // The scan of every meter each round used to be (now with its reads batched).
            var scanner = new Supervisor(store, key, topics, settings, "bench-scan", _ => { });
            watch.Restart();
            store.InTransaction(() => scanner.Decide(now));
            TimeSpan scan = watch.Elapsed;

            heap = Heap();
            var registry = new RegistryCache(store);
            var serials = new List<string>(Supervisor.Chunk);
            for (int i = 0; i < meters; i++)
            {
                serials.Add(Serial(i));
                if (serials.Count == Supervisor.Chunk || i == meters - 1)
                {
                    registry.Resolve(serials);
                    serials.Clear();
                }
            }

            double registryBytes = (double)(Heap() - heap) / meters;
            GC.KeepAlive(registry);
            GC.KeepAlive(supervisor);
            return new SupervisionCost
            {
                Meters = meters,
                StartPass = startPass,
                QuietRound = quiet,
                NewsRound = newsRound,
                NewsMeters = news,
                FullScan = scan,
                SupervisorBytesPerMeter = supervisorBytes,
                RegistryBytesPerMeter = registryBytes,
            };
        }

        private static long Heap()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return GC.GetTotalMemory(true);
        }

        private static string Serial(int i) => "am-fleet-" + i.ToString("D7", CultureInfo.InvariantCulture);

        private static byte[] Status(string serial, long period, DateTime utc) => System.Text.Encoding.ASCII.GetBytes(string.Format(
            CultureInfo.InvariantCulture,
            "{{\"online\":true,\"serial\":\"{0}\",\"clock\":\"synchronised\",\"utc\":\"{1}\",\"last_period\":{2},\"first_period\":{2},\"acknowledged\":{2}}}",
            serial, UtcText.Format(utc), period));

        // A store of a fleet at rest: registered, online, its last period stored and acknowledged.
        private static void Fill(string location, int meters, long period, DateTime nowUtc)
        {
            using CollectorStore store = CollectorStore.Open(location);
            using CollectorKey anyKey = CollectorKey.Create();
            string keyHex = anyKey.PublicKeyHex;
            const int Part = 10_000;
            for (int from = 0; from < meters; from += Part)
            {
                int to = Math.Min(meters, from + Part);
                store.InTransaction(() =>
                {
                    var statuses = new List<StoredStatus>(to - from);
                    var periods = new List<StoredPeriod>(to - from);
                    for (int i = from; i < to; i++)
                    {
                        string serial = Serial(i);
                        store.Register(new MeterRegistration
                        {
                            Serial = serial,
                            Algorithm = MeterRegistration.Ecdsa,
                            KeyHex = keyHex,
                            AmsidImport = "AMSID-I-" + i.ToString(CultureInfo.InvariantCulture),
                            AmsidExport = null,
                            RegisteredUtc = nowUtc.AddDays(-30),
                        });
                        statuses.Add(new StoredStatus
                        {
                            Serial = serial,
                            Online = true,
                            Clock = "synchronised",
                            MeterUtc = nowUtc,
                            FirstPeriod = period,
                            LastPeriod = period,
                            Acknowledged = period,
                            Json = "{}",
                            ReceivedUtc = nowUtc,
                        });
                        periods.Add(new StoredPeriod
                        {
                            Serial = serial,
                            PeriodIndex = period,
                            ImportStart = 0,
                            ImportEnd = 1_000,
                            ExportStart = 0,
                            ExportEnd = 0,
                            TimeStatus = "S",
                            ErrorFlags = string.Empty,
                            AmsidImport = "AMSID-I-" + i.ToString(CultureInfo.InvariantCulture),
                            Record = "OCMF|{}|{}",
                            ReceivedUtc = nowUtc,
                        });
                    }

                    store.SetStatuses(statuses);
                    store.AddPeriods(periods);
                });
            }
        }
    }
}
