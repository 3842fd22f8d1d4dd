using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace AssetMeter.Bench.Operational
{
    /// <summary>
    /// operational-bench [--meters N] [--interval S] [--seconds S] [--connections K] [--signing-only]: the stagger of a
    /// fleet's operational stream at the broker, and the cost of a message.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            int meters = 5000;
            int interval = 60;
            int seconds = 150;
            int connections = 8;
            bool signingOnly = false;
            for (int i = 0; i < args.Length; i++)
            {
                string value = i + 1 < args.Length ? args[i + 1] : string.Empty;
                switch (args[i])
                {
                    case "--meters" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int m) && m > 0:
                        meters = m;
                        i++;
                        break;
                    case "--interval" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int s) && s is >= 1 and <= 60:
                        interval = s;
                        i++;
                        break;
                    case "--seconds" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int d) && d >= 10:
                        seconds = d;
                        i++;
                        break;
                    case "--connections" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int c) && c >= 1:
                        connections = c;
                        i++;
                        break;
                    case "--signing-only":
                        signingOnly = true;
                        break;
                    default:
                        Console.Error.WriteLine("usage: operational-bench [--meters N] [--interval 1-60] [--seconds S>=10] [--connections K] [--signing-only]");
                        return 2;
                }
            }

            Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, load average {LoadAverage()}");
            Console.WriteLine();
            SigningCost.Run();
            if (signingOnly)
            {
                return 0;
            }

            // The warm-up is one interval: each meter waits for its first slot. Then the measured window.
            int warmUp = interval + 2;
            int measured = Math.Max(10, seconds - warmUp);
            Console.WriteLine();
            StaggerRun staggered = StaggerRun.Run(meters, interval, warmUp, measured, connections, staggered: true);
            staggered.Print(Console.Out, histogram: true);
            Console.WriteLine();
            StaggerRun same = StaggerRun.Run(meters, interval, warmUp, Math.Min(measured, 3 * interval), connections, staggered: false);
            same.Print(Console.Out, histogram: false);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Side by side: peak/mean {staggered.PeakOverMean:F2} staggered against {same.PeakOverMean:F2} with every meter on one offset; the busiest second {staggered.Peak} against {same.Peak} messages."));
            return staggered.Verified == staggered.Received && staggered.OffSchedule == 0 ? 0 : 1;
        }

        internal static string LoadAverage()
        {
            try
            {
                return File.ReadAllText("/proc/loadavg").Split(' ')[0];
            }
            catch (IOException)
            {
                return "unknown";
            }
        }

        internal static double StandardDeviation(IReadOnlyCollection<int> values)
        {
            double mean = values.Average();
            return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Count - 1));
        }

        internal static string Bar(int value, int scale) => new string('#', (int)Math.Round(value * 60.0 / Math.Max(1, scale)));

        internal static List<int> Take(int[] counts, int from, int length) => counts.Skip(from).Take(length).ToList();
    }
}
