using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using AssetMeter.Firmware.Host;
using AssetMeter.Firmware.Journal;
using AssetMeter.Firmware.Tests.Configuration;
using AssetMeter.Metrology.Periods;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Metering
{
    /// <summary>
    /// The virtual meter as a real process, killed with SIGKILL at random moments while it runs accelerated, then
    /// started again on the same journal directory: nothing journaled is lost or changed, registers never go back.
    /// </summary>
    [TestClass]
    public class ProcessKillTests
    {
        [TestMethod]
        public void The_virtual_meter_process_survives_being_killed_at_random()
        {
            string directory = Path.Combine(Path.GetTempPath(), "assetmeter-kill-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            string config = Path.Combine(directory, "meter.conf");
            File.WriteAllBytes(config, ConfigurationReaderTests.Seal(ConfigurationReaderTests.Body()));
            string journal = Path.Combine(directory, "journal");
            string meterDll = Path.Combine(AppContext.BaseDirectory, "assetmeter-virtual.dll");
            var random = new Random(5);
            var durable = new Dictionary<long, HalfHourPeriod>();
            long lastImport = 0;
            DateTime start = new(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc);
            try
            {
                for (int run = 0; run < 12; run++)
                {
                    var process = Process.Start(new ProcessStartInfo("dotnet")
                    {
                        ArgumentList =
                        {
                            meterDll, "run", "--config", config, "--journal", journal, "--speed", "0", "--hours", "100000",
                            "--no-mqtt", "--quiet", "--scenario", "charger", "--start", start.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                        },
                        RedirectStandardOutput = true,
                        RedirectStandardError = true,
                    })!;
                    var output = new StringBuilder();
                    process.OutputDataReceived += (_, e) => output.AppendLine(e.Data);
                    process.ErrorDataReceived += (_, e) => output.AppendLine(e.Data);
                    process.BeginOutputReadLine();
                    process.BeginErrorReadLine();

                    // Wait until it is metering, then kill it without warning somewhere in the next two seconds.
                    var deadline = DateTime.UtcNow.AddSeconds(20);
                    while (!output.ToString().Contains("Virtual meter", StringComparison.Ordinal) && DateTime.UtcNow < deadline && !process.HasExited)
                    {
                        Thread.Sleep(20);
                    }

                    Assert.IsFalse(process.HasExited, "the meter stopped by itself: " + output);
                    Thread.Sleep(random.Next(100, 2000));
                    process.Kill();
                    process.WaitForExit();

                    // What survived, read as the meter will read it.
                    var memory = new DirectoryStorage(journal);
                    var meterJournal = new MeterJournal(memory);
                    var recovery = meterJournal.Recover();
                    Assert.IsNotNull(recovery.Checkpoint, "no checkpoint after run " + run);
                    long import = Math.Max(recovery.Checkpoint.Ledger.Open.ImportEndMicrowattHours, 0);
                    Assert.IsTrue(import >= lastImport, $"run {run}: import register went back {lastImport} -> {import}");
                    lastImport = import;

                    for (long index = meterJournal.FirstPeriodIndex; index >= 0 && index <= meterJournal.LastPeriodIndex; index++)
                    {
                        Assert.AreEqual(PeriodReadStatus.Ok, meterJournal.TryReadPeriod(index, out var period), $"run {run}: period {index}");
                        if (durable.TryGetValue(index, out var before))
                        {
                            Assert.AreEqual(before, period, $"run {run}: period {index} changed");
                        }

                        durable[index] = period;
                    }

                    foreach (var index in durable.Keys)
                    {
                        Assert.IsTrue(index >= meterJournal.FirstPeriodIndex && index <= meterJournal.LastPeriodIndex, $"run {run}: period {index} lost");
                    }

                    // Power comes back a little later in simulated time.
                    start = new DateTime(recovery.Checkpoint.Ledger.LastTicks, DateTimeKind.Utc).AddSeconds(random.Next(1, 600));
                }

                Assert.IsTrue(durable.Count > 20, $"only {durable.Count} periods were journaled");
            }
            finally
            {
                Directory.Delete(directory, true);
            }
        }
    }
}
