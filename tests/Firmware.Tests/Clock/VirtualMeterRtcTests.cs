using System;
using System.IO;
using System.Threading;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Host;
using AssetMeter.VirtualMeter.Run;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Clock
{
    /// <summary>The virtual meter's --rtc option: the emulated DS3231 keeps time between runs like a backup cell.</summary>
    [TestClass]
    public class VirtualMeterRtcTests
    {
        [TestMethod]
        public void An_emulated_rtc_carries_the_time_across_a_restart_with_the_network_out()
        {
            string repo = FindRepository();
            var bytes = File.ReadAllBytes(Path.Combine(repo, "firmware", "VirtualMeter", "examples", "meter.conf"));
            var config = ConfigurationReader.Read(bytes, bytes.Length, out string error) ?? throw new InvalidOperationException(error);
            string journal = Path.Combine(Path.GetTempPath(), "vm-rtc-" + Guid.NewGuid().ToString("N"));
            try
            {
                string first = Run(config, journal, new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc), 1, 0);
                StringAssert.Contains(first, "rtc-refused (2,", "a new emulated chip has its oscillator-stop flag set");
                StringAssert.Contains(first, "rtc-set (");
                Assert.IsTrue(File.Exists(Path.Combine(journal, "rtc-ds3231.state")));

                // Power back 40 minutes later, no time source for the first hour.
                string second = Run(config, journal, new DateTime(2027, 1, 1, 1, 40, 0, DateTimeKind.Utc), 2, 1);
                StringAssert.Contains(second, "rtc-time-used (");
                StringAssert.Contains(second, "2027-01-01 02:00Z");
                StringAssert.Contains(second, "clock-unsynchronised");
                StringAssert.Contains(second, "rtc-drift-measured (");
            }
            finally
            {
                Directory.Delete(journal, true);
            }
        }

        [TestMethod]
        [DataRow("ds3231:/dev/i2c-1:0x68", true, 1, 0x68)]
        [DataRow("ds3231:/dev/i2c-0", true, 0, 0x68)]
        [DataRow("ds3231:/dev/i2c-3:57", true, 3, 0x57)]
        [DataRow("ds3231:/dev/spidev0.0", false, -1, 0)]
        [DataRow("mcp7940n:/dev/i2c-1", false, -1, 0)]
        [DataRow("ds3231:/dev/i2c-1:0x200", false, 1, 0)]
        public void The_rtc_option_names_a_bus_and_an_address(string text, bool valid, int bus, int address)
        {
            Assert.AreEqual(valid, Ds3231Clock.TryParse(text, out int parsedBus, out int parsedAddress));
            if (valid)
            {
                Assert.AreEqual(bus, parsedBus);
                Assert.AreEqual(address, parsedAddress);
            }
        }

        private static string Run(MeterConfiguration config, string journal, DateTime start, double hours, double offlineHours)
        {
            var output = new StringWriter();
            var options = new RunOptions
            {
                JournalDirectory = journal,
                Speed = 0,
                Duration = TimeSpan.FromHours(hours),
                StartUtc = start,
                UseMqtt = false,
                Rtc = "emulated",
                OfflineHours = offlineHours,
            };
            int code = new VirtualMeterHost(config, options, output).RunAsync(CancellationToken.None).GetAwaiter().GetResult();
            Assert.AreEqual(0, code, output.ToString());
            return output.ToString();
        }

        private static string FindRepository()
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory != null && !File.Exists(Path.Combine(directory.FullName, "AssetMeter.slnx")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
        }
    }
}
