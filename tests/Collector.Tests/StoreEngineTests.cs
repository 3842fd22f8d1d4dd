using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Output;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Storage;
using AssetMeter.Firmware.Records;
using AssetMeter.Metrology.Periods;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Collector.Tests
{
    /// <summary>
    /// One recorded list of messages (good records, re-sends, forgeries, chain breaks, conflicting duplicates, events
    /// and replies with awkward text, statuses, a last will) ingested by the same code over SQLite and over
    /// PostgreSQL: every outcome and everything stored must be the same, and so must the data files and the
    /// validation report. This is where engine differences show: ordering, types, collation, NULL, upserts, text
    /// one engine takes and the other refuses.
    /// </summary>
    [TestClass]
    public sealed class StoreEngineTests
    {
        private static readonly DateTime Received = TestMeter.Day.AddDays(2);

        [TestMethod]
        public void The_same_messages_give_the_same_store_on_SQLite_and_PostgreSQL()
        {
            using var recording = new Recording();
            string directory = SharedServers.NewDirectory("engines");
            try
            {
                string sqlite = "sqlite:" + Path.Combine(directory, "collector.db");
                string postgres = SharedServers.NewPostgresStore();
                List<string> sqliteOutcomes = Ingest(sqlite, recording);
                List<string> postgresOutcomes = Ingest(postgres, recording);

                AssertSame(sqliteOutcomes, postgresOutcomes, "outcome of each message");
                Assert.IsTrue(sqliteOutcomes.Count(o => o.StartsWith("Quarantined", StringComparison.Ordinal)) >= 10, "the recording quarantines every kind of bad record:\n" + string.Join("\n", sqliteOutcomes));
                using CollectorStore a = CollectorStore.Open(sqlite);
                using CollectorStore b = CollectorStore.Open(postgres);
                Assert.AreEqual("sqlite", a.Engine);
                Assert.AreEqual("postgresql", b.Engine);
                AssertSame(Contents(a), Contents(b), "stored contents");

                string sqliteFiles = Path.Combine(directory, "sqlite");
                string postgresFiles = Path.Combine(directory, "postgres");
                DataFiles.Write(a, Path.Combine(sqliteFiles, "data"));
                DataFiles.Write(b, Path.Combine(postgresFiles, "data"));
                AuditResult sqliteAudit = ValidationReport.Write(a, Path.Combine(sqliteFiles, "validation-report.md"), Received.AddHours(1), TimeSpan.FromMinutes(15), "test");
                AuditResult postgresAudit = ValidationReport.Write(b, Path.Combine(postgresFiles, "validation-report.md"), Received.AddHours(1), TimeSpan.FromMinutes(15), "test");
                AssertSameFiles(Path.Combine(sqliteFiles, "data"), Path.Combine(postgresFiles, "data"));
                Assert.AreEqual(Json(sqliteAudit), Json(postgresAudit));

                // The report names the store; every other line is the same.
                AssertSame(ReportWithoutStore(sqliteFiles), ReportWithoutStore(postgresFiles), "validation report");
            }
            finally
            {
                SharedServers.Delete(directory);
            }
        }

        [TestMethod]
        public void Text_PostgreSQL_refuses_is_stored_alike_on_both_engines()
        {
            // NUL and unpaired surrogates: PostgreSQL's text refuses both, SQLite would keep them as they are.
            string directory = SharedServers.NewDirectory("engines-text");
            try
            {
                foreach (string location in new[] { "sqlite:" + Path.Combine(directory, "collector.db"), SharedServers.NewPostgresStore() })
                {
                    using CollectorStore store = CollectorStore.Open(location);
                    Assert.IsTrue(store.AddEvent(new StoredEvent { Serial = "am-text", Sequence = 1, Code = 1, Name = "a\0b\ud800c\udc00d\ud83d\ude00", ReceivedUtc = Received }), store.Engine);
                    Assert.AreEqual("a\ufffdb\ufffdc\ufffdd\ud83d\ude00", store.Events("am-text")[0].Name, store.Engine);
                }
            }
            finally
            {
                SharedServers.Delete(directory);
            }
        }

        private static List<string> Ingest(string location, Recording recording)
        {
            using CollectorStore store = CollectorStore.Open(location);
            Prepare(store, recording);
            var ingestor = new Ingestor(store, new MeterTopics());
            var outcomes = new List<string>();
            store.InTransaction(() =>
            {
                foreach ((string topic, byte[] payload, DateTime received, bool retained) in recording.Messages)
                {
                    outcomes.Add(Describe(ingestor.Ingest(topic, payload, received, retained), topic));
                }
            });
            return outcomes;
        }

        /// <summary>One outcome as a line, to compare.</summary>
        internal static string Describe(IngestOutcome o, string topic) => $"{o.Result} {o.Kind} {o.Serial} {o.Number} {o.Reason} | {topic}";

        /// <summary>The recording's meters registered, and what a supervisor would have recorded: commands sent, a clock check.</summary>
        internal static void Prepare(CollectorStore store, Recording recording)
        {
            foreach (MeterRegistration meter in recording.Meters)
            {
                store.Register(meter);
            }

            Assert.AreEqual(1L, store.ClaimCounter("am-b-ecdsa", 1, "read", string.Empty, Received, "test"));
            Assert.AreEqual(2L, store.ClaimCounter("am-b-ecdsa", 1, "clock", string.Empty, Received, "test"));
            Assert.AreEqual(40L, store.ClaimCounter("AM-a-hmac", 40, "resend", "from=1;to=2", Received, "test"));
            store.AddClockCheck(new ClockCheck { Serial = "am-b-ecdsa", Counter = 1, SentUtc = Received, ReplyUtc = Received.AddTicks(12_345_678), MeterUtc = Received.AddSeconds(-600), OffsetMilliseconds = -600_617, UncertaintyMilliseconds = 617, Verdict = "beyond" });
        }

        /// <summary>Everything the store holds, through every reading method, as text.</summary>
        internal static List<string> Contents(CollectorStore store)
        {
            var lines = new List<string> { "meters " + Json(store.Meters()), "period count " + store.PeriodCount() };
            foreach (QuarantinedRecord q in store.QuarantinedRecords())
            {
                lines.Add("quarantine " + Json(q));
            }

            foreach (string serial in store.Meters().Select(m => m.Serial).Concat(new[] { "zähler", "am-unregistered" }))
            {
                lines.AddRange(store.Periods(serial).Select(p => "period " + Json(p)));
                lines.Add("indexes " + Json(store.PeriodIndexes(serial, long.MinValue, long.MaxValue)));
                lines.Add("quarantined signed " + Json(store.QuarantinedSignedPeriodIndexes(serial)));
                lines.AddRange(store.Snapshots(serial).Select(s => "snapshot " + Json(s)));
                lines.AddRange(store.Events(serial).Select(e => "event " + Json(e)));
                lines.Add("status " + Json(store.Status(serial)));
                lines.AddRange(store.Commands(serial).Select(c => "command " + Json(c)));
                lines.AddRange(store.ClockChecks(serial).Select(c => "clock check " + Json(c)));
            }

            return lines;
        }

        private static string Json<T>(T value) => JsonSerializer.Serialize(value);

        private static List<string> ReportWithoutStore(string directory)
            => File.ReadAllLines(Path.Combine(directory, "validation-report.md")).Where(l => !l.StartsWith("- Store:", StringComparison.Ordinal)).ToList();

        internal static void AssertSame(List<string> expected, List<string> actual, string what)
        {
            for (int i = 0; i < Math.Min(expected.Count, actual.Count); i++)
            {
                Assert.AreEqual(expected[i], actual[i], $"{what}, line {i + 1}: SQLite then PostgreSQL");
            }

            Assert.AreEqual(expected.Count, actual.Count, $"{what}: number of lines (SQLite, PostgreSQL)");
        }

        /// <summary>Both directories hold the same files, byte for byte.</summary>
        internal static void AssertSameFiles(string expectedDirectory, string actualDirectory)
        {
            string[] Files(string d) => Directory.GetFiles(d, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(d, f)).OrderBy(f => f, StringComparer.Ordinal).ToArray();
            string[] expected = Files(expectedDirectory);
            CollectionAssert.AreEqual(expected, Files(actualDirectory), "the same data files");
            Assert.IsTrue(expected.Length > 0, "no data files");
            foreach (string file in expected)
            {
                byte[] a = File.ReadAllBytes(Path.Combine(expectedDirectory, file));
                byte[] b = File.ReadAllBytes(Path.Combine(actualDirectory, file));
                if (!a.AsSpan().SequenceEqual(b))
                {
                    AssertSame(File.ReadAllLines(Path.Combine(expectedDirectory, file)).ToList(), File.ReadAllLines(Path.Combine(actualDirectory, file)).ToList(), file);
                    Assert.Fail($"{file} differs in its bytes (line endings or encoding)");
                }
            }
        }

        /// <summary>The messages: recorded once (ECDSA signatures differ each time), fed to both engines.</summary>
        internal sealed class Recording : IDisposable
        {
            private readonly List<TestMeter> _meters = new();
            private DateTime _clock = Received;

            public Recording()
            {
                TestMeter a = Meter(new TestMeter("am-b-ecdsa"));
                TestMeter b = Meter(new TestMeter("AM-a-hmac", hmac: true, amsidImport: "AMSID-A-I", amsidExport: null));
                TestMeter small = Meter(new TestMeter("am_c-small", amsidImport: "AMSID-C-I", amsidExport: "AMSID-C-E"));
                TestMeter stranger = Meter(new TestMeter("zähler"));
                TestMeter impostor = Meter(new TestMeter("am-b-ecdsa"));
                TestMeter hmacImpostor = Meter(new TestMeter("am-b-ecdsa", hmac: true));
                Meters.Add(a.Registration);
                Meters.Add(b.Registration);
                MeterRegistration s = small.Registration;
                Meters.Add(new MeterRegistration { Serial = s.Serial, Algorithm = s.Algorithm, KeyHex = s.KeyHex, AmsidImport = s.AmsidImport, AmsidExport = s.AmsidExport, MaximumDemandWatts = 2_000, RegisteredUtc = s.RegisteredUtc });

                List<HalfHourPeriod> periods = TestMeter.Periods(TestMeter.Day, 12);
                long first = UtcText.PeriodIndex(TestMeter.Day);
                Status(a, $"{{\"online\":true,\"serial\":\"am-b-ecdsa\",\"clock\":\"synchronised\",\"utc\":\"{UtcText.Format(_clock)}\",\"first_period\":{first},\"last_period\":{first + 11},\"acknowledged\":{first - 1}}}");
                Add("assetmeter/AM-a-hmac/status", "{\"online\":true,\"serial\":\"AM-a-hmac\",\"clock\":\"unsynchronised\",\"first_period\":-1,\"last_period\":-1,\"acknowledged\":-1}", retained: true);
                foreach (int i in new[] { 0, 1, 2, 2, 5, 4, 3, 7, 6, 6 })
                {
                    Add(a.Topic, a.Record(periods[i]));
                }

                HalfHourPeriod forged = periods[8];
                forged.ImportEndMicrowattHours += 7_000_000;
                byte[] forgedRecord = impostor.Record(forged);
                Add(a.Topic, forgedRecord);
                Add(a.Topic, forgedRecord);
                Add(a.Topic, hmacImpostor.Record(periods[8]));
                HalfHourPeriod conflicting = periods[1];
                conflicting.ImportEndMicrowattHours += 1_000;
                Add(a.Topic, a.Record(conflicting));
                HalfHourPeriod broken = periods[9];
                broken.ImportStartMicrowattHours += 1_000;
                Add(a.Topic, a.Record(periods[8]));
                Add(a.Topic, a.Record(broken));
                HalfHourPeriod backwards = periods[10];
                backwards.ExportEndMicrowattHours = backwards.ExportStartMicrowattHours - 1_000;
                Add(a.Topic, a.Record(backwards));
                HalfHourPeriod future = TestMeter.Periods(Received.AddHours(3), 1)[0];
                Add(a.Topic, a.Record(future));
                Add(a.Topic, Encoding.ASCII.GetBytes("hello"));
                Add(a.Topic, new byte[] { 0x4f, 0x43, 0x4d, 0x46, 0x7c, 0x00, 0xff, 0x7c, 0x7b, 0x7d });
                Add(a.Topic, Encoding.UTF8.GetBytes("OCMF|{\"FV\":\"1.3\"}|{\"SD\":\"zz\u0000é\"}"));
                Add(stranger.Topic, stranger.Record(periods[0]));
                Add("assetmeter/am-unregistered/period", a.Record(periods[0]));
                Add("assetmeter/am-b-ecdsa/snapshot", a.Record(periods[0]));
                HalfHourPeriod tooMuch = TestMeter.Periods(TestMeter.Day, 1)[0];
                tooMuch.ImportEndMicrowattHours = tooMuch.ImportStartMicrowattHours + 1_000_001_000;
                Add(small.Topic, small.Record(tooMuch));
                Add(small.Topic, small.Record(TestMeter.Periods(TestMeter.Day, 2, importWhPerPeriod: 900)[1]));

                // Snapshots: one, the same again, and a later one.
                Add("assetmeter/am-b-ecdsa/snapshot", a.Snapshot(Received, 123_456_789_012, 5_000_000, 1_700_000_000));
                Add("assetmeter/am-b-ecdsa/snapshot", a.Snapshot(Received, 123_456_789_012, 5_000_000, 1_700_000_000));
                Add("assetmeter/am-b-ecdsa/snapshot", a.Snapshot(Received.AddMinutes(1), 123_456_999_012, 5_000_000, 1_700_000_060));

                // HMAC records are the same bytes each time.
                foreach (HalfHourPeriod p in TestMeter.Periods(TestMeter.Day.AddDays(-1), 4).Concat(TestMeter.Periods(TestMeter.Day.AddDays(-1), 2)))
                {
                    Add(b.Topic, b.Record(p));
                }

                // Events: plain, without a time, text in several scripts, text PostgreSQL refuses, extreme values, again, unreadable.
                Add("assetmeter/am-b-ecdsa/event", $"{{\"seq\":1,\"utc\":\"{UtcText.Format(Received)}\",\"code\":3,\"name\":\"power-up\",\"v1\":0,\"v2\":0}}");
                Add("assetmeter/am-b-ecdsa/event", "{\"seq\":2,\"code\":4,\"name\":\"clock-unknown\",\"v1\":1,\"v2\":-1}");
                Add("assetmeter/am-b-ecdsa/event", "{\"seq\":3,\"code\":5,\"name\":\"Zähler-Ω-✓-電\",\"v1\":2,\"v2\":3}");
                Add("assetmeter/am-b-ecdsa/event", "{\"seq\":4,\"code\":6,\"name\":\"nul\\u0000here\",\"v1\":2,\"v2\":3}");
                Add("assetmeter/am-b-ecdsa/event", "{\"seq\":5,\"code\":7,\"name\":\"half \\ud800 a pair\",\"v1\":2,\"v2\":3}");
                Add("assetmeter/am-b-ecdsa/event", $"{{\"seq\":6,\"code\":8,\"name\":\"extremes\",\"v1\":{long.MaxValue},\"v2\":{long.MinValue}}}");
                Add("assetmeter/am-b-ecdsa/event", $"{{\"seq\":1,\"utc\":\"{UtcText.Format(Received)}\",\"code\":3,\"name\":\"power-up\",\"v1\":0,\"v2\":0}}");
                Add("assetmeter/am-b-ecdsa/event", "{\"code\":9}");
                Add("assetmeter/am-b-ecdsa/event", "not json");
                Add("assetmeter/zähler/event", "{\"seq\":1,\"code\":1,\"name\":\"B\",\"v1\":0,\"v2\":0}");

                // Replies: accepted, refused, one for no command, one answered twice, one with a reason PostgreSQL refuses.
                Add("assetmeter/am-b-ecdsa/reply", $"{{\"n\":1,\"result\":\"ok\",\"utc\":\"{UtcText.Format(Received.AddSeconds(-600))}\"}}");
                Add("assetmeter/am-b-ecdsa/reply", "{\"n\":1,\"result\":\"ok\"}");
                Add("assetmeter/am-b-ecdsa/reply", "{\"n\":2,\"result\":\"refused\",\"reason\":\"bad\\u0000sig\"}");
                Add("assetmeter/am-b-ecdsa/reply", "{\"n\":0,\"result\":\"refused\",\"reason\":\"malformed\"}");
                Add("assetmeter/am-b-ecdsa/reply", "{\"n\":99,\"result\":\"ok\"}");
                Add("assetmeter/AM-a-hmac/reply", "{\"n\":40,\"result\":\"refused\",\"reason\":\"counter-replayed\"}");

                // Status: a clock state with odd text, then the last will (which says only "offline").
                Status(a, $"{{\"online\":true,\"serial\":\"am-b-ecdsa\",\"clock\":\"odd\\u0000é\",\"utc\":\"{UtcText.Format(_clock)}\",\"first_period\":{first},\"last_period\":{first + 11},\"acknowledged\":{first + 3}}}");
                Status(a, "{\"online\":false,\"serial\":\"am-b-ecdsa\"}");
                Add("assetmeter/am-b-ecdsa/telemetry", "{\"w\":1}");
                Add("elsewhere/am-b-ecdsa/period", a.Record(periods[11]));
            }

            public List<MeterRegistration> Meters { get; } = new();

            public List<(string Topic, byte[] Payload, DateTime Received, bool Retained)> Messages { get; } = new();

            private TestMeter Meter(TestMeter meter)
            {
                _meters.Add(meter);
                return meter;
            }

            private void Status(TestMeter meter, string json) => Add("assetmeter/" + meter.Serial + "/status", json);

            private void Add(string topic, string payload, bool retained = false) => Add(topic, Encoding.UTF8.GetBytes(payload), retained);

            // Receive times with sub-millisecond parts, as a real clock gives them.
            private void Add(string topic, byte[] payload, bool retained = false)
            {
                Messages.Add((topic, payload, _clock, retained));
                _clock = _clock.AddTicks(13_370_123);
            }

            public void Dispose()
            {
                foreach (TestMeter meter in _meters)
                {
                    meter.Dispose();
                }
            }
        }
    }
}
