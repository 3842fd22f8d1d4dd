using System;
using System.Text;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Metrology.Arithmetic;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Configuration
{
    [TestClass]
    public class ConfigurationReaderTests
    {
        internal const string CollectorKey = "04" + "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296" + "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";

        internal static string Body(string? replaceKey = null, string? replaceWith = null) =>
            Lines(
                "# test meter",
                "format = 1",
                "device_id = am-000123",
                "amsid_import = AMSID-IMP-0001",
                "amsid_export = none",
                "ic = ade7953",
                "maximum_demand_w = 7400",
                "broker_host = broker.example",
                "broker_port = 8883",
                "broker_tls = true",
                "broker_ca = ca.pem",
                "broker_client_cert = meter.pem",
                "broker_client_key = meter.key",
                "ntp_servers = 192.168.1.1, pool.ntp.org",
                "signing = hmac",
                "hmac_key = " + new string('a', 64),
                "collector_keys = " + CollectorKey,
                "calibration = nominal",
                "operational_interval_s = 10",
                "operational_key = " + new string('b', 64))
            .Replace(replaceKey == null ? "\u0001" : replaceKey, replaceWith ?? string.Empty);

        private static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

        internal static byte[] Seal(string body)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            uint crc = Crc32.Compute(bytes, 0, bytes.Length);
            return Encoding.UTF8.GetBytes(body + "crc32 = " + crc.ToString("x8") + "\n");
        }

        private static (MeterConfiguration? Config, string? Error) Read(byte[] bytes)
        {
            var config = ConfigurationReader.Read(bytes, bytes.Length, out string error);
            return (config, error);
        }

        [TestMethod]
        public void Tls_needs_the_broker_ca_and_takes_a_client_certificate_with_its_key_or_none()
        {
            var (config, error) = Read(Seal(Body()));
            Assert.IsNull(error);
            Assert.AreEqual("ca.pem", config!.BrokerCaFile);
            Assert.AreEqual("meter.pem", config.BrokerClientCertificateFile);
            Assert.AreEqual("meter.key", config.BrokerClientKeyFile);

            (config, error) = Read(Seal(Body("broker_client_cert = meter.pem\nbroker_client_key = meter.key", "broker_client_cert = none\nbroker_client_key = none")));
            Assert.IsNull(error);
            Assert.IsNull(config!.BrokerClientCertificateFile);
            Assert.IsNull(config.BrokerClientKeyFile);

            (_, error) = Read(Seal(Body("broker_client_key = meter.key", "broker_client_key = none")));
            StringAssert.Contains(error, "go together");
            (_, error) = Read(Seal(Body("broker_ca = ca.pem\n", string.Empty)));
            StringAssert.Contains(error, "'broker_ca' is required");

            // Without TLS the files are not needed.
            (config, error) = Read(Seal(Body("broker_tls = true\nbroker_ca = ca.pem\nbroker_client_cert = meter.pem\nbroker_client_key = meter.key", "broker_tls = false")));
            Assert.IsNull(error);
            Assert.IsFalse(config!.BrokerTls);
        }

        [TestMethod]
        public void A_sealed_configuration_is_read()
        {
            var (config, error) = Read(Seal(Body()));
            Assert.IsNull(error);
            Assert.IsNotNull(config);
            Assert.AreEqual("am-000123", config.DeviceId);
            Assert.AreEqual("AMSID-IMP-0001", config.AmsidImport);
            Assert.IsNull(config.AmsidExport);
            Assert.AreEqual(IcKind.Ade7953, config.Ic);
            Assert.AreEqual(7400, config.MaximumDemandWatts);
            Assert.AreEqual(8883, config.BrokerPort);
            Assert.IsTrue(config.BrokerTls);
            CollectionAssert.AreEqual(new[] { "192.168.1.1", "pool.ntp.org" }, config.NtpServers);
            Assert.AreEqual(SigningKind.Hmac, config.Signing);
            Assert.AreEqual(32, config.HmacKey!.Length);
            Assert.AreEqual(65, config.CollectorKeys[0].Length);
            Assert.IsNull(config.Calibration);
            Assert.AreEqual(10, config.OperationalIntervalSeconds);
            Assert.AreEqual(32, config.OperationalKey!.Length);
        }

        [TestMethod]
        public void The_operational_stream_is_off_or_an_interval_of_1_to_60_seconds_with_its_key()
        {
            var (config, error) = Read(Seal(Body("operational_interval_s = 10\noperational_key = " + new string('b', 64), "operational_interval_s = off")));
            Assert.IsNull(error);
            Assert.AreEqual(0, config!.OperationalIntervalSeconds);
            Assert.IsNull(config.OperationalKey);

            (config, error) = Read(Seal(Body("operational_interval_s = 10", "operational_interval_s = 60")));
            Assert.IsNull(error);
            Assert.AreEqual(60, config!.OperationalIntervalSeconds);

            (_, error) = Read(Seal(Body("operational_interval_s = 10", "operational_interval_s = 61")));
            StringAssert.Contains(error, "'operational_interval_s' must be a whole number from 1 to 60");
            (_, error) = Read(Seal(Body("operational_key = " + new string('b', 64), "operational_key = " + new string('b', 62))));
            StringAssert.Contains(error, "operational_key must be at least 32 bytes");
            (_, error) = Read(Seal(Body("operational_key = " + new string('b', 64) + "\n", string.Empty)));
            StringAssert.Contains(error, "'operational_key' is required");
            (_, error) = Read(Seal(Body("operational_interval_s = 10\n", string.Empty)));
            StringAssert.Contains(error, "'operational_interval_s' is required");
        }

        [TestMethod]
        public void A_configuration_without_its_integrity_line_is_refused()
        {
            var (config, error) = Read(Encoding.ASCII.GetBytes(Body()));
            Assert.IsNull(config);
            StringAssert.Contains(error, "no integrity check");
        }

        [TestMethod]
        public void A_changed_byte_is_caught_by_the_integrity_check()
        {
            var sealedBytes = Seal(Body());
            int at = Encoding.ASCII.GetString(sealedBytes).IndexOf("7400", StringComparison.Ordinal);
            sealedBytes[at] = (byte)'9';
            var (config, error) = Read(sealedBytes);
            Assert.IsNull(config);
            StringAssert.Contains(error, "integrity check failed");
        }

        [TestMethod]
        public void Missing_configuration_is_a_clear_error()
        {
            Assert.IsNull(ConfigurationReader.Read(Array.Empty<byte>(), 0, out string error));
            StringAssert.Contains(error, "missing");
        }

        [TestMethod]
        [DataRow("device_id = am-000123\n", "", "'device_id' is required and missing")]
        [DataRow("maximum_demand_w = 7400", "maximum_demand_w = 150000", "'maximum_demand_w' must be a whole number from 1 to 100000")]
        [DataRow("ic = ade7953", "ic = hlw8012", "ic must be ade7953 or atm90e32")]
        [DataRow("broker_tls = true", "broker_tls = yes", "broker_tls must be true or false")]
        [DataRow("hmac_key = aaaa", "hmac_key = zz", "'hmac_key' must be hexadecimal")]
        [DataRow("format = 1", "format = 2", "format 2 is not understood")]
        [DataRow("calibration = nominal", "calibration = nominal\ncolour = blue", "unknown key 'colour'")]
        [DataRow("calibration = nominal", "calibration = nominal\nic = atm90e32", "'ic' is given twice")]
        [DataRow("amsid_import = AMSID-IMP-0001", "amsid_import = AMSID IMP", "'amsid_import' may only hold letters")]
        [DataRow("collector_keys = 04", "collector_keys = 05", "not an uncompressed P-256 public key")]
        public void Each_bad_setting_is_named(string find, string replace, string expected)
        {
            string body = Body();
            Assert.IsTrue(body.Contains(find, StringComparison.Ordinal), find);
            var (config, error) = Read(Seal(body.Replace(find, replace)));
            Assert.IsNull(config);
            StringAssert.Contains(error, expected);
        }

        [TestMethod]
        public void Non_ascii_text_is_refused_with_its_line()
        {
            var (config, error) = Read(Seal(Body().Replace("# test meter", "# tést")));
            Assert.IsNull(config);
            StringAssert.Contains(error, "line 1");
        }
    }
}
