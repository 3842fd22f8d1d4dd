using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using AssetMeter.Collector.Commands;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Storage;
using AssetMeter.Firmware.Commands;
using AssetMeter.Metrology.Periods;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Command = AssetMeter.Firmware.Commands.Command;

namespace AssetMeter.Collector.Tests
{
    [TestClass]
    public sealed class SupervisorTests
    {
        private static readonly long First = UtcText.PeriodIndex(TestMeter.Day);

        [TestMethod]
        public void An_acknowledgement_never_passes_over_a_period_the_collector_does_not_have()
        {
            using var meter = new TestMeter();
            using var temp = new TemporaryStore();
            using CollectorKey key = CollectorKey.Create();
            Setup(temp, meter, count: 10, missing: new[] { 6L });
            var supervisor = Supervisor(temp, key, new SupervisorSettings { CheckClocks = false, Backfill = false });

            List<OutgoingCommand> commands = supervisor.Decide(UtcText.PeriodStart(First + 11));

            OutgoingCommand ack = commands.Single(c => c.Operation == "ack");
            Command parsed = Authenticate(key, meter.Serial, ack, UtcText.PeriodStart(First + 11));
            Assert.AreEqual(First + 5, parsed.ToPeriod, "periods 0..5 are contiguous; 6 is missing");
        }

        [TestMethod]
        public void Missing_periods_are_requested_as_ranges_retried_and_then_reported_not_requested_forever()
        {
            using var meter = new TestMeter();
            using var temp = new TemporaryStore();
            using CollectorKey key = CollectorKey.Create();
            Setup(temp, meter, count: 20, missing: new[] { 3L, 4L, 5L, 9L });
            var settings = new SupervisorSettings { CheckClocks = false, Acknowledge = false, BackfillAttempts = 3, BackfillRetry = TimeSpan.FromMinutes(10) };
            var supervisor = Supervisor(temp, key, settings);
            DateTime now = UtcText.PeriodStart(First + 21);

            List<OutgoingCommand> first = supervisor.Decide(now);
            var ranges = first.Select(c => Authenticate(key, meter.Serial, c, now)).Select(c => (c.FromPeriod - First, c.ToPeriod - First)).ToList();
            CollectionAssert.AreEqual(new[] { (3L, 5L), (9L, 9L) }, ranges);

            Assert.AreEqual(0, supervisor.Decide(now.AddMinutes(5)).Count, "no request again before the retry interval");
            int requests = 2;
            for (int round = 1; round <= 5; round++)
            {
                requests += supervisor.Decide(now.AddMinutes(10 * round + 1)).Count;
            }

            Assert.AreEqual(2 * settings.BackfillAttempts, requests, "each gap requested BackfillAttempts times, then left to the report");
        }

        [TestMethod]
        public void A_period_that_may_still_be_on_its_way_is_not_requested_yet()
        {
            using var meter = new TestMeter();
            using var temp = new TemporaryStore();
            using CollectorKey key = CollectorKey.Create();
            Setup(temp, meter, count: 6, missing: new[] { 5L });
            var supervisor = Supervisor(temp, key, new SupervisorSettings { CheckClocks = false, Acknowledge = false, GapGrace = TimeSpan.FromMinutes(5) });
            DateTime closed = UtcText.PeriodStart(First + 6);

            Assert.AreEqual(0, supervisor.Decide(closed.AddMinutes(2)).Count, "the newest period closed two minutes ago");
            Assert.AreEqual(1, supervisor.Decide(closed.AddMinutes(6)).Count, "six minutes on it is missing");
        }

        [TestMethod]
        public void A_clock_beyond_the_bound_is_reset_with_a_command_the_meter_accepts()
        {
            using var meter = new TestMeter();
            using var temp = new TemporaryStore();
            using CollectorKey key = CollectorKey.Create();
            Setup(temp, meter, count: 2, missing: Array.Empty<long>());
            var supervisor = Supervisor(temp, key, new SupervisorSettings { Acknowledge = false, Backfill = false });
            DateTime now = UtcText.PeriodStart(First + 3);

            OutgoingCommand read = supervisor.Decide(now).Single();
            Assert.AreEqual("read", read.Operation);
            temp.Store.SetReply(meter.Serial, read.Counter, "ok", "ok", now.AddSeconds(1), now.AddMinutes(-10));

            OutgoingCommand reset = supervisor.Decide(now.AddSeconds(2)).Single();
            Assert.AreEqual("clock", reset.Operation);
            Command parsed = Authenticate(key, meter.Serial, reset, now.AddMinutes(-10));
            Assert.AreEqual(CommandKind.SetClock, parsed.Kind);
            Assert.AreEqual(now.AddSeconds(2).Ticks, parsed.ClockUtcTicks);
            ClockCheck check = temp.Store.ClockChecks(meter.Serial).Single();
            Assert.AreEqual("beyond", check.Verdict);
            Assert.AreEqual(-600_500, check.OffsetMilliseconds, "meter minus the middle of the round trip");
        }

        [TestMethod]
        public void With_resets_disabled_a_wrong_clock_is_only_reported()
        {
            using var meter = new TestMeter();
            using var temp = new TemporaryStore();
            using CollectorKey key = CollectorKey.Create();
            Setup(temp, meter, count: 2, missing: Array.Empty<long>());
            var supervisor = Supervisor(temp, key, new SupervisorSettings { Acknowledge = false, Backfill = false, ResetClocks = false });
            DateTime now = UtcText.PeriodStart(First + 3);
            OutgoingCommand read = supervisor.Decide(now).Single();
            temp.Store.SetReply(meter.Serial, read.Counter, "ok", "ok", now.AddSeconds(1), now.AddMinutes(10));

            Assert.AreEqual(0, supervisor.Decide(now.AddSeconds(2)).Count);
            Assert.AreEqual("beyond", temp.Store.ClockChecks(meter.Serial).Single().Verdict);
        }

        [TestMethod]
        [DataRow(1_000, 400, "within")]
        [DataRow(9_000, 1_500, "inconclusive")]
        [DataRow(12_000, 1_500, "beyond")]
        [DataRow(-12_000, 1_500, "beyond")]
        [DataRow(3_000, 20_000, "inconclusive")]
        public void A_clock_measurement_is_judged_with_its_uncertainty(int offsetMs, int halfRoundTripMs, string verdict)
        {
            DateTime sent = TestMeter.Day;
            DateTime reply = sent.AddMilliseconds(2 * halfRoundTripMs);
            var command = new CommandEntry
            {
                Serial = "m",
                Counter = 1,
                Operation = "read",
                Arguments = string.Empty,
                Instance = "i",
                SentUtc = sent,
                ReplyUtc = reply,
                MeterUtc = sent.AddMilliseconds(halfRoundTripMs + offsetMs),
                Result = "ok",
            };

            ClockCheck check = Engine.Supervisor.Measure("m", command, TimeSpan.FromSeconds(10));

            Assert.AreEqual(offsetMs, check.OffsetMilliseconds);
            Assert.AreEqual(halfRoundTripMs, check.UncertaintyMilliseconds);
            Assert.AreEqual(verdict, check.Verdict);
        }

        [TestMethod]
        public void Two_collectors_never_claim_the_same_counter_and_counters_only_grow()
        {
            using var temp = new TemporaryStore();
            using var other = AssetMeter.Collector.Storage.CollectorStore.Open(temp.Location);
            var claimed = new List<long>();
            for (int i = 0; i < 50; i++)
            {
                claimed.Add(temp.Store.ClaimCounter("m", 1000, "read", string.Empty, TestMeter.Day, "a"));
                claimed.Add(other.ClaimCounter("m", 1000, "read", string.Empty, TestMeter.Day, "b"));
            }

            CollectionAssert.AllItemsAreUnique(claimed);
            CollectionAssert.AreEqual(claimed.OrderBy(c => c).ToList(), claimed);
            Assert.AreEqual(1000L, claimed[0]);
        }

        private static Supervisor Supervisor(TemporaryStore temp, CollectorKey key, SupervisorSettings settings)
            => new(temp.Store, key, new MeterTopics(), settings, "test", _ => { });

        // Stores periods 0..count-1 except the missing ones, and the meter's status saying it holds them all.
        private static void Setup(TemporaryStore temp, TestMeter meter, int count, long[] missing)
        {
            temp.Store.Register(meter.Registration);
            var ingestor = new Ingestor(temp.Store, new MeterTopics());
            List<HalfHourPeriod> periods = TestMeter.Periods(TestMeter.Day, count);
            for (int i = 0; i < count; i++)
            {
                if (!missing.Contains(i))
                {
                    Assert.AreEqual(IngestResult.Stored, ingestor.Ingest(meter.Topic, meter.Record(periods[i]), UtcText.PeriodStart(First + count)).Result);
                }
            }

            temp.Store.SetStatus(new StoredStatus
            {
                Serial = meter.Serial,
                Online = true,
                Clock = "synchronised",
                FirstPeriod = First,
                LastPeriod = First + count - 1,
                Acknowledged = -1,
                Json = "{}",
                ReceivedUtc = UtcText.PeriodStart(First + count),
            });
        }

        // The meter's own authenticator must accept what the collector signs.
        private static Command Authenticate(CollectorKey key, string serial, OutgoingCommand outgoing, DateTime meterUtc)
        {
            var authenticator = new CommandAuthenticator(serial, new[] { Convert.FromHexString(key.PublicKeyHex) }, new EcdsaSignatureVerifier());
            var command = new Command();
            CommandRefusal refusal = authenticator.Check(outgoing.Message, outgoing.Message.Length, meterUtc.Ticks, 0, command);
            Assert.AreEqual(CommandRefusal.None, refusal, Encoding.ASCII.GetString(outgoing.Message));
            Assert.AreEqual(outgoing.Counter, command.Counter);
            return command;
        }
    }
}
