using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Bench.Emulated;

namespace AssetMeter.Bench.Tests
{
    /// <summary>Helpers: a temporary directory, an emulated bench in it, and Debian's mbpoll as an independent Modbus master.</summary>
    internal static class TestBench
    {
        public static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

        public static string NewDirectory(string what)
        {
            string directory = Path.Combine(Path.GetTempPath(), "assetmeter-bench-" + what + "-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            return directory;
        }

        public static CancellationToken Timeout() => new CancellationTokenSource(Limit).Token;

        public static Task<EmulatedBench> StartAsync(string directory, Func<EmulatedBenchOptions, EmulatedBenchOptions>? with = null)
        {
            var options = new EmulatedBenchOptions { WorkDirectory = directory, Dut = DutChannel.Ic, Link = ReferenceLink.Tcp };
            return EmulatedBench.StartAsync(with == null ? options : with(options), Timeout());
        }

        /// <summary>
        /// Runs mbpoll once and returns the values it printed, by register ("[72]: 	12.5"): <paramref name="arguments"/>
        /// are its options and device or host.
        /// </summary>
        public static (double[] Values, string Output) Mbpoll(params string[] arguments)
        {
            var start = new ProcessStartInfo("mbpoll") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start) ?? throw new InvalidOperationException("mbpoll did not start");
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(15000))
            {
                process.Kill();
                throw new TimeoutException("mbpoll did not finish");
            }

            string text = output.Result + error.Result;
            MatchCollection matches = Regex.Matches(text, @"\[\d+\]:\s+(-?[0-9.eE+-]+)");
            var values = new double[matches.Count];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = double.Parse(matches[i].Groups[1].Value, CultureInfo.InvariantCulture);
            }

            return (values, text);
        }

        public static void Delete(string directory)
        {
            try
            {
                Directory.Delete(directory, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
