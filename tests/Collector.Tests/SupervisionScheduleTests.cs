using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using AssetMeter.Collector.Commands;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Storage;
using AssetMeter.Metrology.Periods;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Collector.Tests
{
    /// <summary>
    /// The supervisor that looks only at meters with news or whose time has come (<see cref="Supervisor.DecideDue"/>)
    /// against the scan of every registered meter each round (<see cref="Supervisor.Decide(DateTime)"/>): two stores
    /// fed the same messages at the same times, one supervisor on each, must send the same commands, round after
    /// round, whatever the scenario (periods in any order, gaps, re-sends, statuses, a meter going offline, clocks far
    /// off, replies in time, late, refused or never).
    /// </summary>
    [TestClass]
    public sealed class SupervisionScheduleTests
    {
        private const int Meters = 3;
        private const int Periods = 16;
        private static readonly long First = UtcText.PeriodIndex(TestMeter.Day);
        private static readonly TimeSpan[] Steps =
        {
            TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(70), TimeSpan.FromMinutes(2),
            TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(11), TimeSpan.FromMinutes(40), TimeSpan.FromHours(3),
        };

        // The look for periods another instance stored adds rounds for a meter, never removes one: off here, so that
        // only the due times the decisions themselves give bring a quiet meter back (what the property tests).
        // With clock checks on, a meter that does not answer is asked every reply timeout, which brings it back often;
        // with them off, only its acknowledgements and gaps do. Both are tried.
        private static readonly SupervisorSettings[] Settings =
        {
            new() { ClockCheckInterval = TimeSpan.FromHours(1), BackfillAttempts = 3, StoredElsewhereRecheck = TimeSpan.FromDays(10_000) },
            new() { CheckClocks = false, BackfillAttempts = 3, StoredElsewhereRecheck = TimeSpan.FromDays(10_000) },
        };

        [TestMethod]
        public void Deciding_for_meters_with_news_or_due_gives_the_commands_of_a_scan_of_the_whole_fleet()
        {
            var meters = new List<TestMeter>();
            for (int m = 0; m < Meters; m++)
            {
                meters.Add(new TestMeter("am-sched-" + m, hmac: true));
            }

            try
            {
                byte[][][] records = meters.Select(meter => TestMeter.Periods(TestMeter.Day, Periods).Select(meter.Record).ToArray()).ToArray();

                // A scenario: a list of steps, each one number that says what happens (see Apply).
                Arbitrary<(int Settings, int[] Steps)> scenarios = Gen.Choose(0, Settings.Length - 1)
                    .SelectMany(_ => Gen.ArrayOf(Gen.Choose(0, int.MaxValue)), (settings, steps) => (settings, steps.Take(80).ToArray()))
                    .ToArbitrary();
                Prop.ForAll(scenarios, scenario =>
                {
                    Run(meters, records, Settings[scenario.Settings], scenario.Steps);
                    return true;
                }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
            }
            finally
            {
                foreach (TestMeter meter in meters)
                {
                    meter.Dispose();
                }
            }
        }

        [TestMethod]
        public void A_round_with_nothing_new_looks_at_no_meter()
        {
            using var meter = new TestMeter(hmac: true);
            using var temp = new TemporaryStore();
            using CollectorKey key = CollectorKey.Create();
            temp.Store.Register(meter.Registration);
            var ingestor = new Ingestor(temp.Store, new MeterTopics());
            DateTime now = UtcText.PeriodStart(First + 4);
            foreach (HalfHourPeriod period in TestMeter.Periods(TestMeter.Day, 4))
            {
                ingestor.Ingest(meter.Topic, meter.Record(period), now);
            }

            ingestor.Ingest("assetmeter/" + meter.Serial + "/status", Status(meter.Serial, First + 3, First + 3, "synchronised", now), now);
            var supervisor = new Supervisor(temp.Store, key, new MeterTopics(), new SupervisorSettings { CheckClocks = false }, "test", _ => { });
            Assert.AreEqual(0, supervisor.DecideDue(now, int.MaxValue, out _).Count, "the start pass: everything acknowledged already");
            Assert.AreEqual(1, supervisor.MetersWatched);
            Assert.AreEqual(0, supervisor.MetersScheduled, "nothing can change for it until it sends news");

            // Its next period arrives: an acknowledgement, and the meter is looked at again only when its interval passes.
            DateTime later = now.AddMinutes(30);
            IngestOutcome stored = ingestor.Ingest(meter.Topic, meter.Record(TestMeter.Periods(TestMeter.Day, 5)[4]), later);
            supervisor.Notice(stored);
            supervisor.Notice(ingestor.Ingest("assetmeter/" + meter.Serial + "/status", Status(meter.Serial, First + 4, First + 3, "synchronised", later), later));
            Assert.AreEqual("ack", supervisor.DecideDue(later, int.MaxValue, out _).Single().Operation);
            Assert.AreEqual(1, supervisor.MetersScheduled, "waiting for the meter's status or the reply timeout");
        }

        private static void Run(List<TestMeter> meters, byte[][][] records, SupervisorSettings settings, int[] steps)
        {
            using var scanned = new TemporaryStore();
            using var scheduled = new TemporaryStore();
            using CollectorKey key = CollectorKey.Create();
            foreach (TestMeter meter in meters)
            {
                scanned.Store.Register(meter.Registration);
                scheduled.Store.Register(meter.Registration);
            }

            var scan = new Supervisor(scanned.Store, key, new MeterTopics(), settings, "test", _ => { });
            var schedule = new Supervisor(scheduled.Store, key, new MeterTopics(), settings, "test", _ => { });
            var scanIngestor = new Ingestor(scanned.Store, new MeterTopics());
            var scheduleIngestor = new Ingestor(scheduled.Store, new MeterTopics());
            DateTime now = UtcText.PeriodStart(First + 4).AddSeconds(7);
            var trace = new List<string>();
            var next = new int[Meters];

            void Deliver(string topic, byte[] payload)
            {
                IngestOutcome a = scanIngestor.Ingest(topic, payload, now);
                IngestOutcome b = scheduleIngestor.Ingest(topic, payload, now);
                Assert.AreEqual(a, b, "the two stores took the message alike");
                schedule.Notice(b);
                trace.Add($"{now:HH:mm:ss} {topic} {a.Result}");
            }

            void Round()
            {
                List<string> expected = Commands(scan.Decide(now));
                List<string> actual = Commands(schedule.DecideDue(now, int.MaxValue, out bool more));
                Assert.IsFalse(more);
                trace.Add($"{now:HH:mm:ss} round: {string.Join(", ", expected)}");
                CollectionAssert.AreEqual(expected, actual, "commands at " + now.ToString("o", CultureInfo.InvariantCulture) + "; scenario so far:\n" + string.Join("\n", trace));
            }

            Round();
            foreach (int step in steps)
            {
                int kind = step % 16;
                int meter = (step / 16) % Meters;
                int a = (step / 64) % 1024;
                int b = (step / 65536) % 1024;
                string serial = meters[meter].Serial;
                switch (kind)
                {
                    case 0:
                    case 1:
                    case 2:
                        now += Steps[a % Steps.Length];
                        Round();
                        break;
                    case 3:
                    case 4:
                    case 5:
                        // The meter's next period, as it sends them (now and then one is lost on the way).
                        if (next[meter] < Periods)
                        {
                            if (b % 6 != 0)
                            {
                                Deliver(meters[meter].Topic, records[meter][next[meter]]);
                            }

                            next[meter]++;
                        }

                        break;
                    case 6:
                        // Any period again (a re-send, a backfill, a late one).
                        Deliver(meters[meter].Topic, records[meter][a % Periods]);
                        break;
                    case 7:
                    case 8:
                    {
                        // The status the meter would send: what it has sent, what it was last told is acknowledged.
                        long acknowledged = scanned.Store.Commands(serial).Where(c => c.Operation == "ack" && c.Result == "ok")
                            .Select(c => long.Parse(c.Arguments.Substring("to=".Length), CultureInfo.InvariantCulture)).DefaultIfEmpty(First - 1).Max();
                        DateTime meterUtc = b % 9 == 0 ? now.AddSeconds(40) : now;
                        Deliver("assetmeter/" + serial + "/status", Status(serial, First + next[meter] - 1, Math.Min(acknowledged, First + next[meter] - 1), "synchronised", meterUtc));
                        break;
                    }

                    case 9:
                    {
                        // Any status.
                        long last = First + (a % Periods);
                        long acknowledged = First - 1 + (b % ((a % Periods) + 2));
                        string clock = b % 5 == 0 ? "unsynchronised" : "synchronised";
                        DateTime meterUtc = b % 7 == 0 ? now.AddSeconds(40) : now;
                        Deliver("assetmeter/" + serial + "/status", Status(serial, last, acknowledged, clock, meterUtc));
                        break;
                    }

                    case 10:
                        Deliver("assetmeter/" + serial + "/status", Encoding.ASCII.GetBytes("{\"online\":false}"));
                        break;
                    case 11:
                    case 12:
                    {
                        // The meter answers its latest unanswered command: in time, with its clock off, not knowing the time, or refusing.
                        CommandEntry? pending = scanned.Store.Commands(serial).LastOrDefault(c => c.Result == null);
                        if (pending != null)
                        {
                            string reply = (b % 6) switch
                            {
                                0 or 1 or 2 => $"{{\"n\":{pending.Counter},\"result\":\"ok\",\"utc\":\"{UtcText.Format(now)}\"}}",
                                3 => $"{{\"n\":{pending.Counter},\"result\":\"ok\",\"utc\":\"{UtcText.Format(now.AddMinutes(-10))}\"}}",
                                4 => $"{{\"n\":{pending.Counter},\"result\":\"ok\"}}",
                                _ => $"{{\"n\":{pending.Counter},\"result\":\"refused\",\"reason\":\"bad-signature\"}}",
                            };
                            Deliver("assetmeter/" + serial + "/reply", Encoding.ASCII.GetBytes(reply));
                        }

                        break;
                    }

                    default:
                        // The next round, the service's interval later: rounds are never at one instant (a decision
                        // put off by a command just sent is due at the next round, not again in this one).
                        now += TimeSpan.FromSeconds(2);
                        Round();
                        break;
                }
            }

            now += TimeSpan.FromMinutes(1);
            Round();
        }

        // A command as the meter would read it (its signature aside: ECDSA signatures differ each time they are made).
        private static List<string> Commands(List<OutgoingCommand> commands)
            => commands.OrderBy(c => c.Serial, StringComparer.Ordinal).ThenBy(c => c.Counter).Select(c => $"{c.Serial} {c.Operation} {c.Counter} {MeterCommand.PayloadOf(c.Message)}").ToList();

        private static byte[] Status(string serial, long last, long acknowledged, string clock, DateTime meterUtc)
            => Encoding.ASCII.GetBytes($"{{\"online\":true,\"serial\":\"{serial}\",\"clock\":\"{clock}\",\"utc\":\"{UtcText.Format(meterUtc)}\",\"first_period\":{First},\"last_period\":{last},\"acknowledged\":{acknowledged}}}");
    }
}
