using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;
using AssetMeter.Collector;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>
    /// collector-bench [--meters N | --quick] [--connections K] [--batch B] [--postgres [connection string]]: a
    /// fleet's half-hour boundary through mosquitto into the collector, one instance then two in one
    /// shared-subscription group, beside the machine's own ECDSA P-256 verification rate.
    /// </summary>
    public static class Program
    {
        private static readonly CultureInfo C = CultureInfo.InvariantCulture;

        public static async Task<int> Main(string[] args)
        {
            Options? options = Options.Parse(args);
            if (options == null)
            {
                Console.Error.WriteLine("usage: collector-bench [--meters N | --quick] [--connections K] [--batch B] [--postgres [\"Host=...;Username=...\"]]");
                return 2;
            }

            string? mosquitto = Mosquitto.Version();
            if (mosquitto == null)
            {
                Console.Error.WriteLine("mosquitto is not installed: run tests/setup/install-test-dependencies.sh");
                return 1;
            }

            int n = options.Meters;
            Console.WriteLine($"Collector load: {n:N0} meters publish their half-hour record and status at the boundary, all at once");
            Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
            Console.WriteLine($"load:    {LoadAverage()} (load average over 1, 5, 15 minutes: other work on this machine skews every figure below alike)");
            Console.WriteLine($"broker:  {mosquitto} (one thread for every connection), on loopback; the fleet over {options.Connections} MQTT connections");

            var setup = Stopwatch.StartNew();
            using BenchFleet fleet = BenchFleet.Generate(n, DateTime.UtcNow);
            Console.WriteLine(string.Format(C, "fleet:   {0:N0} P-256 keys, {1:N0} records signed with the meter's OcmfRecordBuilder ({2} bytes each), periods {3} to {4}: {5:F1} s, not measured",
                n, BenchFleet.Depth * n, fleet.Record(0, fleet.Period).Length, fleet.FirstPeriod, fleet.Period, setup.Elapsed.TotalSeconds));
            Console.WriteLine();

            string scratch = Path.Combine(Path.GetTempPath(), "collector-bench-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(scratch);
            using IDisposable scratchCleanup = ExitCleanup.Register(() => Directory.Delete(scratch, true));
            int stores = 0;
            string FreshSqlite() => "sqlite:" + Path.Combine(scratch, $"collector-{++stores}.db");
            Postgres? postgres = null;
            try
            {
                // The crypto bound, measured here and now.
                (double? openssl, string opensslDetail) = CryptoBound.OpenSsl();
                double dotnet = CryptoBound.DotNet(fleet.Registrations[0], fleet.Record(0, fleet.Period), TimeSpan.FromSeconds(3));
                Console.WriteLine("ECDSA P-256 verification, one thread (every record costs the collector one):");
                Console.WriteLine(openssl.HasValue
                    ? string.Format(C, "  openssl speed -seconds 3 ecdsap256     {0,10:N0} verify/s   ({1})", openssl.Value, opensslDetail)
                    : "  openssl speed -seconds 3 ecdsap256     n/a: " + opensslDetail);
                Console.WriteLine(string.Format(C, "  .NET ECDsa.VerifyData loop             {0,10:N0} verify/s   (a real record, key imported once)", dotnet));
                Console.WriteLine();

                // Where a record's time goes inside the collector.
                int profiled = Math.Min(n, 5000);
                List<Step> steps = Breakdown.Run(fleet, profiled, FreshSqlite, options.BatchSize, UtcText.PeriodStart(fleet.Period + 1).AddSeconds(1));
                Console.WriteLine($"Where the time goes: one thread, no broker, SQLite, {profiled:N0} records, store holding the fleet's previous period:");
                foreach (Step step in steps)
                {
                    Console.WriteLine(string.Format(C, "  {0,-96}{1,8:F1} us/record", step.Name, step.MicrosecondsPerRecord));
                }

                double ingestOnly = 1e6 / steps[^1].MicrosecondsPerRecord;
                Console.WriteLine(string.Format(C, "  => a supervision round over the fleet: {0:N0} ms, repeated every {1:N0} ms", Breakdown.SupervisorRound.TotalMilliseconds,
                    new AssetMeter.Collector.Engine.CollectorOptions().SupervisionInterval.TotalMilliseconds));
                double mqttOnly = await Boundary.MqttOnlyAsync(fleet, options.Connections);
                Console.WriteLine(string.Format(C, "  => ingest alone: {0:N0} records/s on one thread", ingestOnly));
                Console.WriteLine(string.Format(C, "  => MQTT alone (fleet -> mosquitto -> one MQTTnet subscriber, no ingest): {0:N0} records/s", mqttOnly));
                Console.WriteLine();

                var results = new List<BoundaryResult>();
                foreach (int instances in new[] { 1, 2 })
                {
                    results.Add(await Boundary.RunAsync(fleet, "SQLite", FreshSqlite(), instances, options.Connections, options.BatchSize));
                }

                if (options.Postgres)
                {
                    postgres = Postgres.Open(options.PostgresConnection, out string why);
                    if (postgres == null)
                    {
                        Console.WriteLine("PostgreSQL skipped: " + why);
                        Console.WriteLine();
                    }
                    else
                    {
                        Console.WriteLine("PostgreSQL: " + postgres.Description);
                        Console.WriteLine();
                        foreach (int instances in new[] { 1, 2 })
                        {
                            results.Add(await Boundary.RunAsync(fleet, "PostgreSQL", postgres.NewDatabase(), instances, options.Connections, options.BatchSize));
                        }
                    }
                }

                Print(results, openssl, dotnet);
                Console.WriteLine($"load at the end: {LoadAverage()}");
                if (!results.TrueForAll(r => r.Complete))
                {
                    Console.WriteLine("INCOMPLETE: a boundary did not end with every record stored exactly once and none quarantined");
                    return 1;
                }

                return 0;
            }
            finally
            {
                postgres?.Dispose();
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(scratch, true);
            }
        }

        private static void Print(List<BoundaryResult> results, double? openssl, double dotnet)
        {
            Console.WriteLine("End to end, supervision on (acknowledgements and backfill; clock checks off): from the first publish to the last record stored");
            const string Row = "  {0,-11}{1,10}{2,15}{3,11}{4,11}{5,11}{6,11}{7,15}{8,10}{9,17}{10,11}";
            Console.WriteLine(string.Format(C, Row, "store", "instances", "stored", "published", "stored in", "records/s", "x openssl", "x .NET verify", "acked in", "acks (meters)", "CPU b/c"));
            foreach (BoundaryResult r in results)
            {
                Console.WriteLine(string.Format(
                    C,
                    Row,
                    r.Engine,
                    r.Instances,
                    string.Format(C, "{0:N0}/{1:N0}", r.InStore, r.Meters),
                    string.Format(C, "{0:F2} s", r.Published.TotalSeconds),
                    string.Format(C, "{0:F2} s", r.Stored.TotalSeconds),
                    r.RecordsPerSecond.ToString("N0", C),
                    openssl.HasValue ? (r.RecordsPerSecond / openssl.Value).ToString("F2", C) : "n/a",
                    (r.RecordsPerSecond / dotnet).ToString("F2", C),
                    r.Acknowledged.HasValue ? string.Format(C, "{0:F2} s", r.Acknowledged.Value.TotalSeconds) : "not all",
                    string.Format(C, "{0:N0} ({1:N0})", r.Acknowledgements, r.MetersAcknowledged),
                    string.Format(C, "{0:F1}/{1:F1} s", r.BrokerProcessor.TotalSeconds, r.ProcessProcessor.TotalSeconds)));
                if (r.CountedStored != r.Meters || r.Quarantined != 0)
                {
                    Console.WriteLine(string.Format(C, "      the instances counted {0:N0} records stored and {1:N0} quarantined, for {2:N0} meters", r.CountedStored, r.Quarantined, r.Meters));
                }

                foreach (string note in r.Notes)
                {
                    Console.WriteLine("      " + note);
                }
            }

            Console.WriteLine();
            Console.WriteLine("  stored: new periods counted in the store afterwards (each also counted stored once by the instances, none quarantined, or a line says so);");
            Console.WriteLine("  published: until the broker had acknowledged every message; stored in: until the last record was stored; records/s: meters / (stored in);");
            Console.WriteLine("  x openssl, x .NET verify: records/s as a fraction of one core's verification rate above;");
            Console.WriteLine("  acked in: until every meter had received an acknowledgement; acks (meters): acknowledgements received (meters acknowledged);");
            Console.WriteLine("  CPU b/c: processor seconds of mosquitto / of this process (fleet connections and collectors) until the last record stored;");
            Console.WriteLine("  two instances run in this process, each with its own MQTT connection, ingest worker, supervisor and store connections.");
        }

        private static string LoadAverage()
        {
            try
            {
                string[] fields = File.ReadAllText("/proc/loadavg").Split(' ');
                return string.Join(' ', fields[0], fields[1], fields[2]);
            }
            catch (IOException)
            {
                return "unknown";
            }
        }

        private sealed class Options
        {
            public int Meters { get; private set; } = 5_000;

            public int Connections { get; private set; } = 4;

            public int BatchSize { get; private set; } = new AssetMeter.Collector.Engine.CollectorOptions().BatchSize;

            public bool Postgres { get; private set; }

            public string? PostgresConnection { get; private set; }

            public static Options? Parse(string[] args)
            {
                var o = new Options();
                for (int i = 0; i < args.Length; i++)
                {
                    switch (args[i])
                    {
                        case "--quick":
                            o.Meters = 1000;
                            break;
                        case "--meters" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, C, out int meters) && meters > 0:
                            o.Meters = meters;
                            i++;
                            break;
                        case "--connections" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, C, out int connections) && connections > 0:
                            o.Connections = connections;
                            i++;
                            break;
                        case "--batch" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, C, out int batch) && batch > 0:
                            o.BatchSize = batch;
                            i++;
                            break;
                        case "--postgres":
                            o.Postgres = true;
                            if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                            {
                                o.PostgresConnection = args[++i];
                            }

                            break;
                        default:
                            return null;
                    }
                }

                return o;
            }
        }
    }
}
