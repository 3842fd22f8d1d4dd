using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using AssetMeter.Collector;
using AssetMeter.Collector.Engine;
using AssetMeter.TestServers;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>
    /// collector-bench [--meters N[,N...] | --quick] [--supervision M[,M...]] [--connections K] [--batch B]
    /// [--postgres ["connection string"] | --no-postgres] [--no-profile] [--one-instance]: a fleet's half-hour boundary through mosquitto into the
    /// collector, on SQLite and PostgreSQL, one instance and two in one shared-subscription group (and one of the two
    /// killed mid-boundary), beside the machine's ECDSA P-256 verification rate on every core and the broker's own
    /// delivery rate to mosquitto_sub; where a record's time goes; what a supervision round costs against the fleet.
    /// </summary>
    public static class Program
    {
        private static readonly CultureInfo C = CultureInfo.InvariantCulture;

        public static async Task<int> Main(string[] args)
        {
            Options? options = Options.Parse(args);
            if (options == null)
            {
                Console.Error.WriteLine("usage: collector-bench [--meters N[,N...] | --quick] [--supervision M[,M...]] [--connections K] [--batch B] [--postgres [\"Host=...;Username=...\"] | --no-postgres] [--no-profile] [--one-instance]");
                return 2;
            }

            string? mosquitto = Mosquitto.Version();
            if (mosquitto == null)
            {
                Console.Error.WriteLine("mosquitto is not installed: run tests/setup/install-test-dependencies.sh");
                return 1;
            }

            var total = Stopwatch.StartNew();
            var defaults = new CollectorOptions();
            int cores = Environment.ProcessorCount;
            Console.WriteLine($"Collector load: fleets of {string.Join(", ", options.Meters.Select(m => m.ToString("N0", C)))} meters publish their half-hour record and status at the boundary, all at once");
            Console.WriteLine($"machine: {cores} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
            Console.WriteLine($"load:    {LoadAverage()} (load average over 1, 5, 15 minutes: other work on this machine skews every figure below alike)");
            Console.WriteLine($"broker:  {mosquitto} (one thread for every connection), on loopback; the fleet over {options.Connections} connections, its packets encoded beforehand");
            Console.WriteLine($"collector: {defaults.VerifyThreads} verification threads, batches of {options.BatchSize}, receive maximum {defaults.ReceiveMaximum} (messages in flight per instance)");

            string scratch = Path.Combine(Path.GetTempPath(), "collector-bench-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(scratch);
            using IDisposable scratchCleanup = ExitCleanup.Register(() => Directory.Delete(scratch, true));
            int stores = 0;
            string FreshSqlite() => "sqlite:" + Path.Combine(scratch, $"collector-{++stores}.db");
            PostgresServer? postgres = null;
            var results = new List<BoundaryResult>();
            var brokerAlone = new Dictionary<int, PartRun>();
            var clientAlone = new Dictionary<int, PartRun>();
            var alone = new List<(int Meters, string Engine, PartRun Run)>();
            try
            {
                if (options.Postgres)
                {
                    try
                    {
                        postgres = options.PostgresConnection != null ? PostgresServer.Attach(options.PostgresConnection) : PostgresServer.Start(durable: true);
                        Console.WriteLine("postgres: " + postgres.Description);
                    }
                    catch (TestServerException e)
                    {
                        Console.WriteLine("postgres: skipped: " + e.Message.Split('\n')[0]);
                    }
                }

                string? NewPostgres() => postgres == null ? null : "postgres:" + postgres.CreateDatabase("collector_bench_" + Guid.NewGuid().ToString("N").Substring(0, 12));

                Console.WriteLine();
                (double? opensslAll, string opensslAllDetail) = CryptoBound.OpenSsl(cores);
                (double? opensslOne, _) = CryptoBound.OpenSsl(1);
                double? dotnet = null;
                bool first = true;
                foreach (int n in options.Meters)
                {
                    var setup = Stopwatch.StartNew();
                    using BenchFleet fleet = BenchFleet.Generate(n, DateTime.UtcNow);
                    Console.WriteLine(string.Format(C, "fleet:   {0:N0} P-256 keys, {1:N0} records signed with the meter's OcmfRecordBuilder ({2} bytes each), periods {3} to {4}: {5:F1} s, not measured",
                        n, BenchFleet.Depth * n, fleet.Record(0, fleet.Period).Length, fleet.FirstPeriod, fleet.Period, setup.Elapsed.TotalSeconds));
                    if (first)
                    {
                        first = false;
                        dotnet = CryptoBound.DotNet(fleet.Registrations[0], fleet.Record(0, fleet.Period), TimeSpan.FromSeconds(3));
                        Console.WriteLine("ECDSA P-256 verification (every record costs the collector one):");
                        Console.WriteLine(opensslAll.HasValue
                            ? string.Format(C, "  openssl speed -multi {0} ecdsap256, every core  {1,10:N0} verify/s   <- the bound   ({2})", cores, opensslAll.Value, opensslAllDetail)
                            : "  openssl speed, every core: n/a: " + opensslAllDetail);
                        Console.WriteLine(opensslOne.HasValue ? string.Format(C, "  openssl speed ecdsap256, one thread       {0,10:N0} verify/s", opensslOne.Value) : "  openssl speed, one thread: n/a");
                        Console.WriteLine(string.Format(C, "  .NET ECDsa.VerifyData loop, one thread   {0,10:N0} verify/s   (a real record, key imported once)", dotnet.Value));
                        Console.WriteLine();

                        if (options.Profile)
                        {
                            KeyMemory.Measure(fleet, 20_000);
                            int profiled = Math.Min(n, 5000);
                            List<Step> steps = Breakdown.Run(fleet, profiled, FreshSqlite(), NewPostgres(), options.BatchSize, defaults.VerifyThreads, UtcText.PeriodStart(fleet.Period + 1).AddSeconds(1));
                            Console.WriteLine($"Where the time goes: no broker, {profiled:N0} records of a boundary, store holding the fleet's previous period:");
                            string? stage = null;
                            foreach (Step step in steps)
                            {
                                if (step.Stage != stage)
                                {
                                    stage = step.Stage;
                                    Console.WriteLine("  " + stage + ":");
                                }

                                Console.WriteLine(string.Format(C, "    {0,-118}{1,8:F1} us/record", step.Name, step.MicrosecondsPerRecord));
                            }

                            Console.WriteLine();
                        }
                    }

                    brokerAlone[n] = await Boundary.BrokerAloneAsync(fleet, options.Connections, defaults.ReceiveMaximum);
                    clientAlone[n] = await Boundary.ClientAloneAsync(fleet, options.Connections, defaults.ReceiveMaximum);
                    Console.WriteLine(string.Format(C, "  {0,7:N0} meters: the boundary ({1:N0} messages) through mosquitto to mosquitto_sub in {2:F2} s ({3:N0} records/s); to the collector's MQTTnet client alone in {4:F2} s ({5:N0} records/s)",
                        n, 2 * n, brokerAlone[n].Elapsed.TotalSeconds, n / brokerAlone[n].Elapsed.TotalSeconds, clientAlone[n].Elapsed.TotalSeconds, n / clientAlone[n].Elapsed.TotalSeconds));
                    Console.WriteLine(string.Format(C, "           processor time: mosquitto {0:F2} s, the fleet's connections {1:F2} s, mosquitto_sub {2:F2} s; with the MQTTnet client: mosquitto {3:F2} s, fleet and client {4:F2} s",
                        brokerAlone[n].Broker.TotalSeconds, brokerAlone[n].Process.TotalSeconds, brokerAlone[n].Other.TotalSeconds, clientAlone[n].Broker.TotalSeconds, clientAlone[n].Process.TotalSeconds));
                    foreach ((string engine, string? location) in new[] { ("SQLite", FreshSqlite()), ("PostgreSQL", NewPostgres()) })
                    {
                        if (location != null)
                        {
                            PartRun run = PipelineAlone.Run(fleet, location, options.BatchSize, defaults.VerifyThreads, defaults.ReceiveMaximum, engine == "PostgreSQL" ? () => postgres!.ProcessorTime : null);
                            TimeSpan took = run.Elapsed;
                            alone.Add((n, engine, run));
                            Console.WriteLine(string.Format(C, "  {0,7:N0} meters, {1}, the collector's pipeline alone (no broker, messages from memory): stored in {2:F2} s, {3:N0} records/s, x{4} of the ECDSA bound; processor time {5:F2} s{6}",
                                n, engine, took.TotalSeconds, n / took.TotalSeconds, opensslAll.HasValue ? (n / took.TotalSeconds / opensslAll.Value).ToString("F2", C) : "n/a",
                                run.Process.TotalSeconds, run.Other > TimeSpan.Zero ? string.Format(C, " + PostgreSQL's server {0:F2} s", run.Other.TotalSeconds) : string.Empty));
                        }
                    }

                    results.Add(await Boundary.RunAsync(fleet, "SQLite", FreshSqlite(), 1, options.Connections, options.BatchSize, kill: false));
                    Console.WriteLine("  " + Line(results[^1], opensslAll, brokerAlone));
                    if (postgres != null)
                    {
                        foreach ((int instances, bool kill) in options.OneInstance ? new[] { (1, false) } : new[] { (1, false), (2, false), (2, true) })
                        {
                            results.Add(await Boundary.RunAsync(fleet, "PostgreSQL", NewPostgres()!, instances, options.Connections, options.BatchSize, kill, () => postgres.ProcessorTime));
                            Console.WriteLine("  " + Line(results[^1], opensslAll, brokerAlone));
                        }
                    }

                    Console.WriteLine();
                }

                Print(results, opensslAll, brokerAlone, clientAlone);
                if (alone.Count > 0)
                {
                    Console.WriteLine("The collector alone: the same boundary's records and statuses handed to its ingest pipeline from memory (no broker, no fleet on the processors):");
                    foreach ((int meters, string engine, PartRun run) in alone)
                    {
                        TimeSpan took = run.Elapsed;
                        Console.WriteLine(string.Format(C, "  {0,8:N0} meters  {1,-11} stored in {2,6:F2} s  {3,8:N0} records/s  x{4} of the ECDSA bound  (end to end through mosquitto: x{5} of this)",
                            meters, engine, took.TotalSeconds, meters / took.TotalSeconds, opensslAll.HasValue ? (meters / took.TotalSeconds / opensslAll.Value).ToString("F2", C) : "n/a",
                            results.Find(r => r.Meters == meters && r.Engine == engine && r.Instances == 1) is BoundaryResult r ? (took.TotalSeconds / r.Stored.TotalSeconds).ToString("F2", C) : "n/a"));
                    }

                    Console.WriteLine();
                    Budget(results, brokerAlone, clientAlone, alone, cores);
                }

                Console.WriteLine("Supervision: a round against the registered fleet (every meter online, its last period stored and acknowledged; SQLite):");
                const string Row = "  {0,10}{1,16}{2,14}{3,24}{4,22}{5,20}";
                Console.WriteLine(string.Format(C, Row, "meters", "start pass", "quiet round", "round, 1,000 with news", "scan of every meter", "state per meter"));
                var costs = new List<SupervisionCost>();
                foreach (int m in options.Supervision)
                {
                    SupervisionCost cost = SupervisionCurve.Measure(m, FreshSqlite(), DateTime.UtcNow);
                    costs.Add(cost);
                    Console.WriteLine(string.Format(C, Row, m.ToString("N0", C), Seconds(cost.StartPass), Micro(cost.QuietRound), Seconds(cost.NewsRound), Seconds(cost.FullScan),
                        string.Format(C, "{0:N0} + {1:N0} B", cost.SupervisorBytesPerMeter, cost.RegistryBytesPerMeter)));
                }

                Console.WriteLine("  start pass: the first round after a start looks at every meter once; quiet round: nothing new, nothing due;");
                Console.WriteLine("  round, 1,000 with news: after 1,000 meters sent a status; scan of every meter: what each round was before (its reads now batched);");
                Console.WriteLine("  state per meter: managed memory the supervisor keeps, + the verifiers' standing-data cache (a meter's key when kept: below).");
                Console.WriteLine();

                Memory(results, costs, defaults);
                Console.WriteLine($"load at the end: {LoadAverage()}; the benchmark took {total.Elapsed.TotalMinutes:F1} min");
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
                try
                {
                    Directory.Delete(scratch, true);
                }
                catch (IOException)
                {
                }
            }
        }

        private static string Line(BoundaryResult r, double? bound, Dictionary<int, PartRun> broker)
            => string.Format(C, "{0,7:N0} meters, {1}, {2} instance{3}{4}: stored in {5:F2} s, {6:N0} records/s, x{7} of the ECDSA bound, x{8:F2} of the broker{9}",
                r.Meters, r.Engine, r.Instances, r.Instances > 1 ? "s" : string.Empty, r.Killed ? " (one killed mid-boundary)" : string.Empty, r.Stored.TotalSeconds, r.RecordsPerSecond,
                bound.HasValue ? (r.RecordsPerSecond / bound.Value).ToString("F2", C) : "n/a", broker[r.Meters].Elapsed.TotalSeconds / r.Stored.TotalSeconds, r.Complete ? string.Empty : "  INCOMPLETE");

        private static void Print(List<BoundaryResult> results, double? bound, Dictionary<int, PartRun> broker, Dictionary<int, PartRun> client)
        {
            Console.WriteLine("End to end, supervision on (acknowledgements and backfill; clock checks off): from the first publish to the last record stored");
            const string Row = "  {0,8}{1,12}{2,11}{3,17}{4,11}{5,11}{6,11}{7,9}{8,9}{9,11}{10,15}{11,13}{12,11}";
            Console.WriteLine(string.Format(C, Row, "meters", "store", "instances", "stored", "published", "stored in", "records/s", "x ECDSA", "x broker", "x client", "acked in", "peak pending", "CPU b/c"));
            foreach (BoundaryResult r in results)
            {
                Console.WriteLine(string.Format(
                    C,
                    Row,
                    r.Meters.ToString("N0", C),
                    r.Engine,
                    r.Instances + (r.Killed ? ", 1 killed" : string.Empty),
                    string.Format(C, "{0:N0}/{1:N0}", r.InStore, r.Meters),
                    string.Format(C, "{0:F2} s", r.Published.TotalSeconds),
                    string.Format(C, "{0:F2} s", r.Stored.TotalSeconds),
                    r.RecordsPerSecond.ToString("N0", C),
                    bound.HasValue ? (r.RecordsPerSecond / bound.Value).ToString("F2", C) : "n/a",
                    (broker[r.Meters].Elapsed.TotalSeconds / r.Stored.TotalSeconds).ToString("F2", C),
                    (client[r.Meters].Elapsed.TotalSeconds / r.Stored.TotalSeconds).ToString("F2", C),
                    r.Acknowledged.HasValue ? string.Format(C, "{0:F2} s", r.Acknowledged.Value.TotalSeconds) : "not all",
                    r.PeakPending.ToString("N0", C),
                    r.DatabaseProcessor > TimeSpan.Zero
                        ? string.Format(C, "{0:F1}/{1:F1}/{2:F1} s", r.BrokerProcessor.TotalSeconds, r.ProcessProcessor.TotalSeconds, r.DatabaseProcessor.TotalSeconds)
                        : string.Format(C, "{0:F1}/{1:F1} s", r.BrokerProcessor.TotalSeconds, r.ProcessProcessor.TotalSeconds)));
                if (!r.Complete)
                {
                    Console.WriteLine(string.Format(C, "      INCOMPLETE: the instances counted {0:N0} records stored, the store holds {1:N0} new periods and {2:N0} quarantined, for {3:N0} meters", r.CountedStored, r.InStore, r.Quarantined, r.Meters));
                }

                if (r.Instances > 1)
                {
                    Console.WriteLine(string.Format(C, "      stored by each instance: {0}", string.Join(" + ", r.StoredBy.Select(s => s.ToString("N0", C)))));
                }

                if (r.Killed)
                {
                    Console.WriteLine(string.Format(C, "      failover: the killed instance had stored {0:N0}; the fleet sent {1:N0} unacknowledged records again; the survivor found {2:N0} of them stored already (not stored twice)",
                        r.Failover.KilledStored, r.Failover.Resent, r.Failover.Duplicates));
                }

                Console.WriteLine(string.Format(C, "      {0:F0} messages a stored batch (a transaction each) on average; {1:N0} acknowledgements reached the meters before the last record was stored", r.MeanBatch, r.AcknowledgedWhileStoring));
                foreach (string note in r.Notes)
                {
                    Console.WriteLine("      " + note);
                }
            }

            foreach (IGrouping<int, BoundaryResult> size in results.GroupBy(r => r.Meters))
            {
                BoundaryResult? one = size.FirstOrDefault(r => r.Engine == "PostgreSQL" && r.Instances == 1);
                BoundaryResult? two = size.FirstOrDefault(r => r.Engine == "PostgreSQL" && r.Instances == 2 && !r.Killed);
                if (one != null && two != null)
                {
                    Console.WriteLine(string.Format(C, "  scale-out, {0:N0} meters on PostgreSQL: two instances in one share group {1:F2} x one instance's rate", size.Key, two.RecordsPerSecond / one.RecordsPerSecond));
                }
            }

            Console.WriteLine();
            Console.WriteLine("  stored: new periods counted in the store afterwards (each also counted stored once by the instances, none quarantined, or a line says so);");
            Console.WriteLine("  published: until the broker had acknowledged every message; stored in: until the last record was stored; records/s: meters / (stored in);");
            Console.WriteLine("  x ECDSA: records/s over openssl's verify/s on every core; x broker: the same boundary's time to mosquitto_sub over the collector's; x client: the same to the MQTTnet client alone;");
            Console.WriteLine("  acked in: until every meter had received an acknowledgement; peak pending: most messages an instance held received and not yet stored;");
            Console.WriteLine("  CPU b/c: processor seconds of mosquitto / of this process (fleet connections and collectors) [/ of the PostgreSQL server] until the last record stored;");
            Console.WriteLine("  two instances run in this process, each with its own MQTT connection, pipeline, supervisor and store connections.");
            Console.WriteLine();
        }

        /// <summary>
        /// The processor time a boundary needs, part by part, each measured alone above: mosquitto routing it, the
        /// fleet's connections publishing it, the collector's MQTT client taking it, its pipeline verifying and storing
        /// it (and the PostgreSQL server). On one machine the parts share the cores, so a boundary stored end to end
        /// takes about their sum over the cores, and never less than the broker alone: that floor, beside what the
        /// end-to-end run took, says how much of the gap is the machine and how much is left to the collector.
        /// </summary>
        private static void Budget(List<BoundaryResult> results, Dictionary<int, PartRun> broker, Dictionary<int, PartRun> client, List<(int Meters, string Engine, PartRun Run)> alone, int cores)
        {
            Console.WriteLine($"Processor time of a boundary, part by part (each part alone, above), and the least time its sum needs on {cores} cores:");
            const string Row = "  {0,8}{1,12}{2,11}{3,8}{4,13}{5,10}{6,10}{7,8}{8,8}{9,11}  |{10,11}{11,11}{12,9}";
            Console.WriteLine(string.Format(C, Row, "meters", "store", "mosquitto", "fleet", "MQTT client", "pipeline", "database", "sum", "floor", "x broker", "end to end", "stored in", "x floor"));
            foreach ((int meters, string engine, PartRun run) in alone)
            {
                if (!broker.TryGetValue(meters, out PartRun? b) || !client.TryGetValue(meters, out PartRun? c))
                {
                    continue;
                }

                // The client alone ran the same fleet connections as the broker alone: its process time beyond theirs is the client's.
                TimeSpan clientTime = c.Process > b.Process ? c.Process - b.Process : TimeSpan.Zero;
                TimeSpan sum = b.Broker + b.Process + clientTime + run.Process + run.Other;
                TimeSpan floor = TimeSpan.FromTicks(Math.Max(sum.Ticks / cores, b.Elapsed.Ticks));
                BoundaryResult? e2e = results.Find(r => r.Meters == meters && r.Engine == engine && r.Instances == 1);
                Console.WriteLine(string.Format(
                    C,
                    Row,
                    meters.ToString("N0", C),
                    engine,
                    Cpu(b.Broker),
                    Cpu(b.Process),
                    Cpu(clientTime),
                    Cpu(run.Process),
                    run.Other > TimeSpan.Zero ? Cpu(run.Other) : "-",
                    Cpu(sum),
                    Cpu(floor),
                    (b.Elapsed.TotalSeconds / floor.TotalSeconds).ToString("F2", C),
                    e2e == null ? "n/a" : Cpu(e2e.BrokerProcessor + e2e.ProcessProcessor + e2e.DatabaseProcessor),
                    e2e == null ? "n/a" : Cpu(e2e.Stored),
                    e2e == null ? "n/a" : (floor.TotalSeconds / e2e.Stored.TotalSeconds).ToString("F2", C)));
            }

            Console.WriteLine("  mosquitto, fleet: processor seconds of the broker and of the fleet's connections, the boundary to mosquitto_sub; MQTT client: the");
            Console.WriteLine("  MQTTnet client alone beyond that; pipeline: the pipeline alone (messages from memory); database: PostgreSQL's server in that run;");
            Console.WriteLine($"  floor: sum / {cores} cores, or the broker alone's time when longer: how soon the boundary can be stored when the parts share the cores and");
            Console.WriteLine("  their costs add up; x broker: the broker alone's time over the floor, the 'x broker' this machine allows; end to end: processor seconds of");
            Console.WriteLine("  the 1-instance run (broker, this process, database) until the last record stored, beside its time; x floor: floor / that time (about 1:");
            Console.WriteLine("  the run costs what its parts cost alone, and what is left to gain is in the parts' own processor time, not in how they are put together).");
            Console.WriteLine();
        }

        private static string Cpu(TimeSpan t) => string.Format(C, "{0:F2} s", t.TotalSeconds);

        private static void Memory(List<BoundaryResult> results, List<SupervisionCost> costs, CollectorOptions defaults)
        {
            Console.WriteLine("Memory of one instance:");
            if (costs.Count > 0)
            {
                SupervisionCost largest = costs[^1];
                Console.WriteLine(string.Format(C, "  per registered meter ({0:N0} registered): supervision {1:N0} B, standing data held by the verifiers {2:N0} B, and a kept key {3}",
                    largest.Meters, largest.SupervisorBytesPerMeter, largest.RegistryBytesPerMeter, KeyMemory.Describe()));
            }

            long peak = results.Count == 0 ? 0 : results.Max(r => r.PeakPending);
            Console.WriteLine(string.Format(C, "  under a burst: at most {0:N0} messages in flight (receive maximum), the rest waits at the broker; the most seen held at once here: {1:N0}",
                defaults.ReceiveMaximum, peak));
            Console.WriteLine();
        }

        private static string Seconds(TimeSpan t) => t.TotalSeconds >= 1 ? string.Format(C, "{0:F2} s", t.TotalSeconds) : string.Format(C, "{0:F1} ms", t.TotalMilliseconds);

        private static string Micro(TimeSpan t) => string.Format(C, "{0:F1} us", t.TotalMicroseconds);

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
            public List<int> Meters { get; private set; } = new() { 5_000, 50_000 };

            public List<int> Supervision { get; private set; } = new() { 5_000, 50_000, 500_000 };

            public int Connections { get; private set; } = 4;

            public int BatchSize { get; private set; } = new CollectorOptions().BatchSize;

            public bool Postgres { get; private set; } = true;

            /// <summary>The per-step profile and the key memory (off: quicker runs while working on one stage).</summary>
            public bool Profile { get; private set; } = true;

            /// <summary>Only the one-instance runs (no scale-out, no kill).</summary>
            public bool OneInstance { get; private set; }

            public string? PostgresConnection { get; private set; }

            public static Options? Parse(string[] args)
            {
                var o = new Options();
                for (int i = 0; i < args.Length; i++)
                {
                    switch (args[i])
                    {
                        case "--quick":
                            o.Meters = new List<int> { 1000 };
                            o.Supervision = new List<int> { 5_000, 50_000 };
                            break;
                        case "--meters" when i + 1 < args.Length && Sizes(args[i + 1]) is List<int> meters:
                            o.Meters = meters;
                            i++;
                            break;
                        case "--supervision" when i + 1 < args.Length && Sizes(args[i + 1]) is List<int> supervision:
                            o.Supervision = supervision;
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
                        case "--no-profile":
                            o.Profile = false;
                            break;
                        case "--one-instance":
                            o.OneInstance = true;
                            break;
                        case "--no-postgres":
                            o.Postgres = false;
                            break;
                        default:
                            return null;
                    }
                }

                return o;
            }

            private static List<int>? Sizes(string text)
            {
                var sizes = new List<int>();
                foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!int.TryParse(part, NumberStyles.None, C, out int size) || size <= 0)
                    {
                        return null;
                    }

                    sizes.Add(size);
                }

                sizes.Sort();
                return sizes.Count == 0 ? null : sizes;
            }
        }
    }
}
