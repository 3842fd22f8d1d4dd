using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using AssetMeter.Firmware.Tests.Configuration;
using AssetMeter.TestServers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Protocol
{
    /// <summary>
    /// The real virtual meter program (<c>assetmeter-virtual run</c>, a process of its own) against Debian's mosquitto,
    /// watched by a plain <c>mosquitto_sub -v</c>: signed period records, the retained snapshot and status, events,
    /// Home Assistant discovery, the last will when the meter is killed, and TLS with client certificates.
    /// </summary>
    [TestClass]
    public class MosquittoTests
    {
        private static readonly string[] AllTopics = { "assetmeter/#", "homeassistant/#" };

        private static string NewDirectory()
        {
            string directory = Path.Combine(Path.GetTempPath(), "assetmeter-mosquitto-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            return directory;
        }

        private static string Config(string directory, string serial, int port, string tls = "broker_tls = false")
        {
            using var collector = new CollectorKey();
            string body = string.Join("\n", new[]
            {
                "format = 1",
                "device_id = " + serial,
                "amsid_import = AMSID-IMP-0001",
                "amsid_export = AMSID-EXP-0001",
                "ic = ade7953",
                "maximum_demand_w = 7400",
                "broker_host = 127.0.0.1",
                "broker_port = " + port.ToString(CultureInfo.InvariantCulture),
                tls,
                "ntp_servers = pool.ntp.org",
                "signing = atecc608",
                "atecc608_address = 53",
                "collector_keys = " + Convert.ToHexStringLower(collector.PublicKey),
                "calibration = nominal",
                "operational_interval_s = off",
            }) + "\n";
            string path = Path.Combine(directory, "meter.conf");
            File.WriteAllBytes(path, ConfigurationReaderTests.Seal(body));
            return path;
        }

        private static Process StartMeter(string config, string journal, StringBuilder output, params string[] options)
        {
            var arguments = new List<string>
            {
                Path.Combine(AppContext.BaseDirectory, "assetmeter-virtual.dll"), "run", "--config", config, "--journal", journal,
                "--start", "2026-11-23T00:00:00Z", "--quiet",
            };
            arguments.AddRange(options);
            return TestProcess.Start("dotnet", arguments, output, output);
        }

        private static void WaitFor(Func<bool> condition, TimeSpan timeout, Func<string> what)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!condition())
            {
                if (DateTime.UtcNow > deadline)
                {
                    Assert.Fail("timed out: " + what());
                }

                Thread.Sleep(20);
            }
        }

        private static byte[] MeterPublicKey(string journal) => Convert.FromHexString(File.ReadAllText(Path.Combine(journal, "meter-public-key.hex")).Trim());

        [TestMethod]
        public void Records_snapshot_status_events_and_discovery_reach_mosquitto_sub()
        {
            string directory = NewDirectory();
            try
            {
                using var broker = new Mosquitto(directory);
                using var sub = new MosquittoSub(broker.Port, AllTopics);
                const string serial = "am-mosq-1";
                string journal = Path.Combine(directory, "journal");
                var output = new StringBuilder();
                using (var meter = StartMeter(Config(directory, serial, broker.Port), journal, output, "--speed", "1800", "--hours", "4"))
                {
                    Assert.IsTrue(meter.WaitForExit(90_000), "the meter did not stop: " + output);
                    meter.WaitForExit();
                    Assert.AreEqual(0, meter.ExitCode, output.ToString());
                }

                // The orderly stop says offline itself (a clean disconnect fires no last will).
                WaitFor(() => sub.On($"assetmeter/{serial}/status").LastOrDefault()?.Contains("\"online\":false", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(10), () => "offline status: " + string.Join("\n", sub.Lines));
                byte[] key = MeterPublicKey(journal);

                // Period records: verify, parse, and check each cycle is the journal's periods from the first, in order.
                var periods = sub.On($"assetmeter/{serial}/period").Select(OcmfRecord.Parse).ToList();
                Assert.IsTrue(periods.Count >= 8, $"{periods.Count} period records: {output}\n{string.Join("\n", sub.Lines.Take(30))}");
                using var openssl = new RecordVerifiers.Openssl(key);
                foreach (var record in periods)
                {
                    Assert.IsTrue(RecordVerifiers.Own(key, record.Payload, record.Signature), record.Pagination);
                    Assert.IsTrue(RecordVerifiers.DotNet(key, record.Payload, record.Signature), record.Pagination);
                    Assert.AreEqual(serial, record.Json.GetProperty("MS").GetString());
                    Assert.AreEqual("HH", record.Kind);
                }

                Assert.IsTrue(openssl.Verify(periods[0].Payload, periods[0].Signature));
                Assert.IsTrue(openssl.Verify(periods[^1].Payload, periods[^1].Signature));
                long first = periods.Min(r => r.PaginationNumber);
                long last = periods.Max(r => r.PaginationNumber);
                Assert.AreEqual(8, last - first + 1, "00:00 to 04:00: eight periods");
                var distinct = periods.GroupBy(r => r.PaginationNumber).OrderBy(g => g.Key).Select(g => g.First()).ToList();
                for (int i = 1; i < distinct.Count; i++)
                {
                    Assert.AreEqual(distinct[i - 1].PaginationNumber + 1, distinct[i].PaginationNumber);
                    Assert.AreEqual(distinct[i - 1].MilliwattHours(1), distinct[i].MilliwattHours(0), "import chain");
                    Assert.AreEqual(distinct[i - 1].MilliwattHours(3), distinct[i].MilliwattHours(2), "export chain");
                }

                // Nobody acknowledged: the meter went round again from the first period; every cycle is in order.
                for (int i = 1; i < periods.Count; i++)
                {
                    long previous = periods[i - 1].PaginationNumber;
                    long current = periods[i].PaginationNumber;
                    Assert.IsTrue(current == previous + 1 || current == first, $"{previous} then {current}");
                }

                // Status, events, snapshots, telemetry as they went by.
                var statuses = sub.On($"assetmeter/{serial}/status").Select(s => JsonDocument.Parse(s).RootElement).ToList();
                Assert.IsTrue(statuses.Any(s => s.GetProperty("online").GetBoolean() && s.GetProperty("clock").GetString() == "synchronised"));
                var events = sub.On($"assetmeter/{serial}/event").Select(s => JsonDocument.Parse(s).RootElement).ToList();
                Assert.AreEqual("started", events[0].GetProperty("name").GetString());
                CollectionAssert.AreEqual(Enumerable.Range(1, events.Count).ToList(), events.Select(e => e.GetProperty("seq").GetInt32()).ToList(), "events in sequence, none missing");
                Assert.IsTrue(sub.On($"assetmeter/{serial}/snapshot").Count >= 10);
                var telemetry = JsonDocument.Parse(sub.On($"assetmeter/{serial}/telemetry").Last()).RootElement;
                Assert.IsTrue(telemetry.GetProperty("voltage_v").GetDouble() > 200);

                // A late subscriber gets the retained messages: the last snapshot, the status, the discovery configs.
                var retained = MosquittoSub.Retained(broker.Port, AllTopics);
                string snapshotLine = retained.Single(l => l.StartsWith($"assetmeter/{serial}/snapshot ", StringComparison.Ordinal));
                var snapshot = OcmfRecord.Parse(snapshotLine[(snapshotLine.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
                Assert.AreEqual("SN", snapshot.Kind);
                Assert.IsTrue(RecordVerifiers.Own(key, snapshot.Payload, snapshot.Signature));
                Assert.IsTrue(openssl.Verify(snapshot.Payload, snapshot.Signature));
                Assert.AreEqual($"assetmeter/{serial}/status {{\"online\":false,\"serial\":\"{serial}\"}}", retained.Single(l => l.StartsWith($"assetmeter/{serial}/status ", StringComparison.Ordinal)));
                Assert.IsFalse(retained.Any(l => l.StartsWith($"assetmeter/{serial}/period", StringComparison.Ordinal)), "period records are not retained");

                // Home Assistant discovery: energy registers as total_increasing kWh, read from the telemetry.
                var discovery = retained.Where(l => l.StartsWith("homeassistant/sensor/", StringComparison.Ordinal)).ToDictionary(l => l[..l.IndexOf(' ', StringComparison.Ordinal)], l => JsonDocument.Parse(l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..]).RootElement);
                Assert.AreEqual(6, discovery.Count, string.Join("\n", discovery.Keys));
                foreach (var direction in new[] { "import", "export" })
                {
                    var config = discovery[$"homeassistant/sensor/{serial}_{direction}/config"];
                    Assert.AreEqual("energy", config.GetProperty("device_class").GetString());
                    Assert.AreEqual("total_increasing", config.GetProperty("state_class").GetString());
                    Assert.AreEqual("kWh", config.GetProperty("unit_of_measurement").GetString());
                    Assert.AreEqual($"assetmeter/{serial}/telemetry", config.GetProperty("state_topic").GetString());
                    Assert.AreEqual($"{{{{ value_json.{direction}_kwh }}}}", config.GetProperty("value_template").GetString());
                    Assert.AreEqual($"assetmeter/{serial}/status", config.GetProperty("availability_topic").GetString());
                    Assert.AreEqual(serial, config.GetProperty("device").GetProperty("identifiers")[0].GetString());
                    Assert.AreEqual($"{serial}_{direction}", config.GetProperty("unique_id").GetString());
                    Assert.IsTrue(telemetry.TryGetProperty($"{direction}_kwh", out _));
                }

                Assert.AreEqual("power", discovery[$"homeassistant/sensor/{serial}_power/config"].GetProperty("device_class").GetString());
                Assert.AreEqual("measurement", discovery[$"homeassistant/sensor/{serial}_power/config"].GetProperty("state_class").GetString());
            }
            finally
            {
                Directory.Delete(directory, true);
            }
        }

        [TestMethod]
        public void Killing_the_meter_makes_the_broker_publish_its_last_will_offline()
        {
            string directory = NewDirectory();
            try
            {
                using var broker = new Mosquitto(directory);
                using var sub = new MosquittoSub(broker.Port, AllTopics);
                const string serial = "am-mosq-will";
                var output = new StringBuilder();
                var meter = StartMeter(Config(directory, serial, broker.Port), Path.Combine(directory, "journal"), output, "--speed", "60");
                try
                {
                    WaitFor(() => sub.On($"assetmeter/{serial}/status").Any(s => s.Contains("\"online\":true", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), () => "online status: " + output);
                }
                finally
                {
                    TestProcess.Stop(meter);
                }

                WaitFor(() => sub.On($"assetmeter/{serial}/status").Last() == $"{{\"online\":false,\"serial\":\"{serial}\"}}", TimeSpan.FromSeconds(20), () => "last will: " + string.Join("\n", sub.On($"assetmeter/{serial}/status")) + "\n" + broker.Log);
                var retained = MosquittoSub.Retained(broker.Port, new[] { $"assetmeter/{serial}/status" });
                CollectionAssert.AreEqual(new List<string> { $"assetmeter/{serial}/status {{\"online\":false,\"serial\":\"{serial}\"}}" }, retained);
            }
            finally
            {
                Directory.Delete(directory, true);
            }
        }

        [TestMethod]
        public void Over_tls_with_client_certificates_only_clients_with_a_certificate_get_in()
        {
            string directory = NewDirectory();
            try
            {
                MakeCertificates(directory);
                using var broker = new Mosquitto(directory, new[]
                {
                    "cafile " + Path.Combine(directory, "ca.pem"),
                    "certfile " + Path.Combine(directory, "server.pem"),
                    "keyfile " + Path.Combine(directory, "server.key"),
                    "require_certificate true",
                    "use_identity_as_username true",
                });
                string[] clientTls =
                {
                    "--cafile", Path.Combine(directory, "ca.pem"), "--cert", Path.Combine(directory, "client.pem"), "--key", Path.Combine(directory, "client.key"),
                };
                using var sub = new MosquittoSub(broker.Port, AllTopics, clientTls);
                const string serial = "am-tls-1";
                string journal = Path.Combine(directory, "journal");
                var output = new StringBuilder();
                string tls = "broker_tls = true\nbroker_ca = ca.pem\nbroker_client_cert = meter.pem\nbroker_client_key = meter.key";
                using (var meter = StartMeter(Config(directory, serial, broker.Port, tls), journal, output, "--speed", "1800", "--hours", "2"))
                {
                    Assert.IsTrue(meter.WaitForExit(90_000), "the meter did not stop: " + output);
                    meter.WaitForExit();
                    Assert.AreEqual(0, meter.ExitCode, output.ToString());
                }

                WaitFor(() => sub.On($"assetmeter/{serial}/status").LastOrDefault()?.Contains("\"online\":false", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(10), () => "records over TLS: " + output + "\n" + broker.Log);
                var periods = sub.On($"assetmeter/{serial}/period").Select(OcmfRecord.Parse).ToList();
                Assert.IsTrue(periods.Count >= 4, $"{periods.Count} periods over TLS");
                byte[] key = MeterPublicKey(journal);
                Assert.IsTrue(periods.All(r => RecordVerifiers.Own(key, r.Payload, r.Signature)));
                StringAssert.Contains(broker.Log, "am-tls-1", "the broker saw the meter's certificate identity");

                // Without a client certificate the broker lets nobody in.
                var refused = MosquittoSub.Retained(broker.Port, AllTopics, new[] { "--cafile", Path.Combine(directory, "ca.pem") });
                Assert.AreEqual(0, refused.Count, string.Join("\n", refused));
            }
            finally
            {
                Directory.Delete(directory, true);
            }
        }

        // A test CA, the broker's certificate (localhost and 127.0.0.1) and two client certificates, all P-256.
        private static void MakeCertificates(string directory)
        {
            void Run(params string[] arguments)
            {
                var (exit, output) = RecordVerifiers.Openssl.Run(directory, arguments);
                Assert.AreEqual(0, exit, "openssl " + string.Join(" ", arguments) + ": " + output);
            }

            Run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=assetmeter-test-ca");
            File.WriteAllText(Path.Combine(directory, "server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
            File.WriteAllText(Path.Combine(directory, "client.ext"), "extendedKeyUsage=clientAuth\n");
            foreach (var (name, subject, extensions) in new[] { ("server", "localhost", "server.ext"), ("meter", "am-tls-1", "client.ext"), ("client", "collector", "client.ext") })
            {
                Run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + subject);
                Run("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", extensions);
            }
        }
    }
}
