using System.Text;
using AssetMeter.Firmware.Configuration;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Configuration
{
    [TestClass]
    public class WifiConfigurationReaderTests
    {
        private static string Body(string ssid, string password) =>
            "# site network\nformat = 1\nssid = " + ssid + "\npassword = " + password + "\n";

        private static (WifiCredentials? Credentials, string? Error) Read(byte[] bytes)
        {
            var credentials = WifiConfigurationReader.Read(bytes, bytes.Length, out string error);
            return (credentials, error);
        }

        [TestMethod]
        public void Sealed_credentials_are_read()
        {
            var (credentials, error) = Read(ConfigurationReaderTests.Seal(Body("Site Net 2.4", "correct horse=battery")));
            Assert.IsNull(error);
            Assert.AreEqual("Site Net 2.4", credentials!.Ssid);
            Assert.AreEqual("correct horse=battery", credentials.Password);
        }

        [TestMethod]
        public void None_means_an_open_network()
        {
            var (credentials, error) = Read(ConfigurationReaderTests.Seal(Body("cafe", "none")));
            Assert.IsNull(error);
            Assert.AreEqual(string.Empty, credentials!.Password);
        }

        [TestMethod]
        public void A_64_digit_key_must_be_hex()
        {
            Assert.IsNotNull(Read(ConfigurationReaderTests.Seal(Body("lab", new string('a', 64)))).Credentials);
            StringAssert.Contains(Read(ConfigurationReaderTests.Seal(Body("lab", new string('g', 64)))).Error, "64 hex digits");
        }

        [TestMethod]
        [DataRow("short", DisplayName = "passphrase under 8 characters")]
        [DataRow("0123456789012345678901234567890123456789012345678901234567890123456789", DisplayName = "passphrase over 64 characters")]
        public void A_bad_passphrase_is_refused(string password)
        {
            var (credentials, error) = Read(ConfigurationReaderTests.Seal(Body("lab", password)));
            Assert.IsNull(credentials);
            StringAssert.Contains(error, "'password'");
        }

        [TestMethod]
        public void An_ssid_over_32_characters_is_refused()
        {
            StringAssert.Contains(Read(ConfigurationReaderTests.Seal(Body(new string('s', 33), "password1"))).Error, "1 to 32");
        }

        [TestMethod]
        public void Credentials_without_the_integrity_line_are_refused()
        {
            var (credentials, error) = Read(Encoding.ASCII.GetBytes(Body("lab", "password1")));
            Assert.IsNull(credentials);
            StringAssert.Contains(error, "no integrity check");
        }

        [TestMethod]
        public void A_meter_key_in_the_wifi_file_is_an_unknown_key()
        {
            var (credentials, error) = Read(ConfigurationReaderTests.Seal(Body("lab", "password1") + "broker_host = x\n"));
            Assert.IsNull(credentials);
            StringAssert.Contains(error, "unknown key 'broker_host'");
        }

        [TestMethod]
        public void A_missing_password_is_named()
        {
            var (credentials, error) = Read(ConfigurationReaderTests.Seal("format = 1\nssid = lab\n"));
            Assert.IsNull(credentials);
            Assert.AreEqual("'password' is required and missing", error);
        }

        [TestMethod]
        public void An_unknown_format_is_refused()
        {
            StringAssert.Contains(Read(ConfigurationReaderTests.Seal("format = 2\nssid = lab\npassword = password1\n")).Error, "format 2 is not understood");
        }
    }
}
