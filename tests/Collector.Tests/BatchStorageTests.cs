using System;
using System.Collections.Generic;
using System.Text;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Storage;
using AssetMeter.Metrology.Periods;
using Microsoft.Data.Sqlite;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Collector.Tests
{
    /// <summary>What a store failure costs a batch of received messages.</summary>
    [TestClass]
    public sealed class BatchStorageTests
    {
        private static readonly DateTime Received = TestMeter.Day.AddDays(1);

        [TestMethod]
        public void A_message_the_store_refuses_costs_only_itself_and_is_reported_not_stored()
        {
            using var meter = new TestMeter();
            using var temp = new TemporaryStore();
            temp.Store.Register(meter.Registration);
            // The store refuses one event, as a database might refuse a row for a reason the collector did not foresee
            // (a constraint, a size limit): a failure that trying again does not cure.
            Execute(temp, "CREATE TRIGGER refuse_poison BEFORE INSERT ON meter_events WHEN NEW.name = 'poison' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
            List<HalfHourPeriod> periods = TestMeter.Periods(TestMeter.Day, 4);
            var batch = new List<(string Topic, byte[] Payload, DateTime Received, bool Retained)>
            {
                (meter.Topic, meter.Record(periods[0]), Received, false),
                (meter.Topic, meter.Record(periods[1]), Received, false),
                (EventTopic(meter), Event(1, "power-up"), Received, false),
                (EventTopic(meter), Event(2, "poison"), Received, false),
                (meter.Topic, meter.Record(periods[2]), Received, false),
                (meter.Topic, meter.Record(periods[3]), Received, false),
            };
            var log = new List<string>();
            var outcomes = new List<IngestOutcome>();

            new BatchStorage(new MeterTopics(), log.Add).Store(temp.Store, new Ingestor(temp.Store, new MeterTopics()), batch, outcomes);

            Assert.AreEqual(batch.Count, outcomes.Count, "one outcome per message, in order");
            for (int i = 0; i < batch.Count; i++)
            {
                IngestResult expected = i == 3 ? IngestResult.NotStored : IngestResult.Stored;
                Assert.AreEqual(expected, outcomes[i].Result, $"message {i}: {outcomes[i].Detail}");
            }

            Assert.AreEqual(meter.Serial, outcomes[3].Serial);
            StringAssert.Contains(outcomes[3].Detail, "refused by the test");
            Assert.AreEqual(4L, temp.Store.PeriodCount(), "the periods of the batch are all stored");
            Assert.AreEqual(1, temp.Store.Events(meter.Serial).Count, "the other event is stored");
            Assert.IsTrue(log.Exists(line => line.Contains("one by one")), string.Join("\n", log));
            Assert.IsTrue(log.Exists(line => line.Contains("was not stored") && line.Contains("/event")), string.Join("\n", log));
        }

        private static string EventTopic(TestMeter meter) => "assetmeter/" + meter.Serial + "/event";

        private static byte[] Event(int sequence, string name)
            => Encoding.UTF8.GetBytes($"{{\"seq\":{sequence},\"code\":3,\"name\":\"{name}\",\"v1\":0,\"v2\":0}}");

        private static void Execute(TemporaryStore temp, string sql)
        {
            using var connection = new SqliteConnection("Data Source=" + temp.Location.Substring("sqlite:".Length));
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }
}
