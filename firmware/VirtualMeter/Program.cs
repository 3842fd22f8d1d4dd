using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AssetMeter.VirtualMeter.Simulation;

namespace AssetMeter.VirtualMeter
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            var date = new Option<string>("--date")
            {
                Description = "UTC day to simulate, yyyy-MM-dd",
                DefaultValueFactory = _ => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            };
            var output = new Option<string>("--out")
            {
                Description = "Directory for periods.csv and summary.json",
                DefaultValueFactory = _ => "out/simulation",
            };
            var seed = new Option<int>("--seed") { Description = "Seed of the synthetic load", DefaultValueFactory = _ => 1 };

            var simulate = new Command("simulate", "Feed the metrology core a synthetic load over one simulated UTC day (accelerated clock) and print its 48 periods");
            simulate.Options.Add(date);
            simulate.Options.Add(output);
            simulate.Options.Add(seed);
            simulate.SetAction(parse =>
            {
                if (!DateTime.TryParseExact(parse.GetValue(date), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day))
                {
                    Console.Error.WriteLine("--date must be a UTC day written yyyy-MM-dd");
                    return 2;
                }

                var options = new SimulationOptions { UtcDate = DateTime.SpecifyKind(day.Date, DateTimeKind.Utc), Seed = parse.GetValue(seed) };
                var watch = Stopwatch.StartNew();
                var result = new DaySimulation(options).Run();
                watch.Stop();
                SimulationReport.Print(result, Console.Out, watch.Elapsed);
                string directory = parse.GetValue(output)!;
                SimulationReport.Write(result, directory);
                Console.WriteLine($"  Written: {System.IO.Path.Combine(directory, "periods.csv")} and summary.json");
                return result.UnaccountedNinths == 0 ? 0 : 1;
            });

            var root = new RootCommand("CoP11 Type 5 asset meter, run on Linux (virtual meter)");
            root.Subcommands.Add(simulate);
            return root.Parse(args).Invoke();
        }
    }
}
