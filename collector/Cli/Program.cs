using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector.Commands;
using AssetMeter.Collector.Compliance;
using AssetMeter.Collector.Engine;
using AssetMeter.Collector.Output;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Storage;

namespace AssetMeter.Collector.Cli
{
    public static partial class Program
    {
        private static readonly Option<string> StoreOption = new("--store")
        {
            Description = "The collector's database: a SQLite file (default collector.db), or postgres:<Npgsql connection string>",
            DefaultValueFactory = _ => "collector.db",
        };

        public static Task<int> Main(string[] args)
        {
            var root = new RootCommand("AssetMeter half-hourly data collector (AMHHDC) for CoP11 Type 5 asset meters");
            root.Subcommands.Add(DemoCommand());
            root.Subcommands.Add(RunCommand());
            root.Subcommands.Add(MetersCommand());
            root.Subcommands.Add(KeyCommand());
            root.Subcommands.Add(ExportCommand());
            root.Subcommands.Add(Bscp601Command());
            root.Subcommands.Add(OperationalCommand());
            root.Subcommands.Add(SettlementCommand());
            return root.Parse(args).InvokeAsync();
        }

        private static Command DemoCommand()
        {
            var output = new Option<DirectoryInfo>("--out") { Description = "Where the data files, report, database and log go", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "demo")) };
            var speed = new Option<double>("--speed") { Description = "Simulated seconds per real second", DefaultValueFactory = _ => 4000 };
            var store = new Option<string?>("--store") { Description = "Use this store instead of SQLite in the output directory (for example postgres:Host=...)" };
            var command = new Command("demo", "The whole chain on this machine: embedded broker, virtual meters, collector on SQLite, a simulated day with faults") { output, speed, store };
            command.SetAction(async (parse, cancel) =>
            {
                DemoResult result = await Demo.RunAsync(
                    new DemoOptions { OutputDirectory = parse.GetValue(output)!.FullName, Speed = parse.GetValue(speed), Store = parse.GetValue(store) },
                    Console.Out, cancel);
                return result.Passed ? 0 : 1;
            });
            return command;
        }

        private static Command RunCommand()
        {
            var broker = new Option<string>("--broker") { Description = "MQTT broker host[:port]", DefaultValueFactory = _ => "localhost:1883" };
            var key = new Option<FileInfo?>("--key") { Description = "The collector's command key (PEM); without it the collector only listens and stores" };
            var instance = new Option<string>("--instance") { Description = "This instance's name and MQTT client id (unique per instance)", DefaultValueFactory = _ => "collector-" + Environment.MachineName.ToLowerInvariant() + "-" + Environment.ProcessId };
            var shareGroup = new Option<string>("--share-group") { Description = "MQTT 5 shared-subscription group for records ('' to subscribe plainly)", DefaultValueFactory = _ => "amhhdc" };
            var user = new Option<string?>("--username") { Description = "Broker user name" };
            var password = new Option<string?>("--password") { Description = "Broker password (or the environment variable ASSETMETER_BROKER_PASSWORD)" };
            var tls = new Option<bool>("--tls") { Description = "Connect with TLS" };
            var ca = new Option<FileInfo?>("--ca") { Description = "PEM file of the CA that signed the broker's certificate" };
            var cert = new Option<FileInfo?>("--cert") { Description = "This collector's client certificate (PEM)" };
            var certKey = new Option<FileInfo?>("--cert-key") { Description = "The client certificate's private key (PEM)" };
            var noClock = new Option<bool>("--no-clock-reset") { Description = "Report clocks beyond the bound but do not reset them" };
            var clockBound = new Option<double>("--clock-bound") { Description = "Largest tolerated meter clock error, seconds", DefaultValueFactory = _ => 10 };
            var duration = new Option<double?>("--seconds") { Description = "Stop after this many seconds (default: until Ctrl+C)" };
            var recordsOnly = new Option<bool>("--records-only") { Description = "Scale-out member: take only this instance's share of the records; the instance that supervises takes statuses, events and replies" };
            var command = new Command("run", "Collect: subscribe, verify, store, acknowledge, fetch what is missing, keep meters' clocks right")
            {
                StoreOption, broker, key, instance, shareGroup, user, password, tls, ca, cert, certKey, noClock, clockBound, duration, recordsOnly,
            };
            command.SetAction(async (parse, cancel) =>
            {
                (string host, int port) = HostPort(parse.GetValue(broker)!);
                using CollectorKey? collectorKey = parse.GetValue(key) is FileInfo k ? CollectorKey.Load(k.FullName) : null;
                string group = parse.GetValue(shareGroup)!;
                var options = new CollectorOptions
                {
                    BrokerHost = host,
                    BrokerPort = port,
                    Instance = parse.GetValue(instance)!,
                    ShareGroup = group.Length == 0 ? null : group,
                    Username = parse.GetValue(user),
                    Password = parse.GetValue(password) ?? Environment.GetEnvironmentVariable("ASSETMETER_BROKER_PASSWORD"),
                    UseTls = parse.GetValue(tls),
                    CaFile = parse.GetValue(ca)?.FullName,
                    ClientCertificateFile = parse.GetValue(cert)?.FullName,
                    ClientKeyFile = parse.GetValue(certKey)?.FullName,
                    Supervise = collectorKey != null,
                    RecordsOnly = parse.GetValue(recordsOnly),
                    Supervision = new SupervisorSettings { ResetClocks = !parse.GetValue(noClock), ClockBound = TimeSpan.FromSeconds(parse.GetValue(clockBound)) },
                };
                string store = parse.GetValue(StoreOption)!;
                using (CollectorStore check = CollectorStore.Open(store))
                {
                    Console.WriteLine($"{options.Instance}: store {check.Description}, {check.Meters().Count} meters registered, broker {host}:{port}{(collectorKey == null ? ", listening only (no --key)" : string.Empty)}");
                }

                await using var service = new CollectorService(options, store, collectorKey, TimeProvider.System, line => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}"));
                service.Start();
                double? seconds = parse.GetValue(duration);
                DateTime end = seconds.HasValue ? DateTime.UtcNow.AddSeconds(seconds.Value) : DateTime.MaxValue;
                long lastReceived = -1;
                try
                {
                    while (DateTime.UtcNow < end && !cancel.IsCancellationRequested)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, Math.Max(0.05, (end - DateTime.UtcNow).TotalSeconds))), cancel);
                        CollectorCounters c = service.Counters;
                        if (c.Received != lastReceived)
                        {
                            lastReceived = c.Received;
                            Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} received {c.Received}, stored {c.Stored}, duplicates {c.Duplicates}, quarantined {c.Quarantined}, commands sent {c.CommandsSent}, queued {service.Pending}");
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }

                await service.DrainAsync(TimeSpan.FromSeconds(10));
                return 0;
            });
            return command;
        }

        private static Command MetersCommand()
        {
            var serial = new Option<string>("--serial") { Description = "Meter serial (its MS and topic name)", Required = true };
            var algorithm = new Option<string>("--algorithm") { Description = "ecdsa (ATECC608) or hmac", DefaultValueFactory = _ => "ecdsa" };
            var keyHex = new Option<string?>("--key") { Description = "Public key (130 hex digits, 04...) or HMAC key, hex" };
            var keyFile = new Option<FileInfo?>("--key-file") { Description = "File holding the key in hex (the virtual meter writes meter-public-key.hex)" };
            var import = new Option<string>("--amsid-import") { Description = "AMSID of active import", Required = true };
            var export = new Option<string?>("--amsid-export") { Description = "AMSID of active export, if the asset has one" };
            var maxDemand = new Option<long>("--max-demand-w") { Description = "Maximum demand, W (plausibility bound)", DefaultValueFactory = _ => MeterRegistration.Type5MaximumDemandWatts };
            var add = new Command("add", "Register a meter (its key and AMSIDs); again to rotate its key") { StoreOption, serial, algorithm, keyHex, keyFile, import, export, maxDemand };
            add.SetAction(parse =>
            {
                string? hex = parse.GetValue(keyHex) ?? (parse.GetValue(keyFile) is FileInfo f ? File.ReadAllText(f.FullName).Trim() : null);
                if (hex == null)
                {
                    Console.Error.WriteLine("give the meter's key with --key or --key-file");
                    return 2;
                }

                var meter = new MeterRegistration
                {
                    Serial = parse.GetValue(serial)!,
                    Algorithm = parse.GetValue(algorithm) == "hmac" ? MeterRegistration.Hmac : MeterRegistration.Ecdsa,
                    KeyHex = hex,
                    AmsidImport = parse.GetValue(import)!,
                    AmsidExport = parse.GetValue(export),
                    MaximumDemandWatts = parse.GetValue(maxDemand),
                    RegisteredUtc = DateTime.UtcNow,
                };
                string? problem = meter.Problem();
                if (problem != null)
                {
                    Console.Error.WriteLine($"meter {meter.Serial}: {problem}");
                    return 2;
                }

                using CollectorStore store = CollectorStore.Open(parse.GetValue(StoreOption)!);
                store.Register(meter);
                Console.WriteLine($"registered {meter.Serial} ({meter.Algorithm}) in {store.Description}");
                return 0;
            });

            var list = new Command("list", "List the registered meters") { StoreOption };
            list.SetAction(parse =>
            {
                using CollectorStore store = CollectorStore.Open(parse.GetValue(StoreOption)!);
                foreach (MeterRegistration m in store.Meters())
                {
                    Console.WriteLine($"{m.Serial}\t{m.Algorithm}\t{m.AmsidImport}\t{m.AmsidExport ?? "-"}\t{m.MaximumDemandWatts} W\t{m.KeyHex}");
                }

                return 0;
            });
            return new Command("meters", "The key registry (standing data of the meters collected)") { add, list };
        }

        private static Command KeyCommand()
        {
            var output = new Option<FileInfo>("--out") { Description = "Where to write the private key (PEM)", Required = true };
            var create = new Command("create", "Create the collector's command key; prints the public key for the meters' collector_keys") { output };
            create.SetAction(parse =>
            {
                FileInfo file = parse.GetValue(output)!;
                if (file.Exists)
                {
                    Console.Error.WriteLine($"{file.FullName} exists: not overwriting a key");
                    return 2;
                }

                using CollectorKey key = CollectorKey.Create();
                key.Save(file.FullName);
                Console.WriteLine(key.PublicKeyHex);
                return 0;
            });
            var input = new Option<FileInfo>("--key") { Description = "The collector's private key (PEM)", Required = true };
            var show = new Command("public", "Print the public key of a collector key") { input };
            show.SetAction(parse =>
            {
                using CollectorKey key = CollectorKey.Load(parse.GetValue(input)!.FullName);
                Console.WriteLine(key.PublicKeyHex);
                return 0;
            });
            return new Command("key", "The collector's command key (the BSCP601 access protocol)") { create, show };
        }

        private static Command ExportCommand()
        {
            var output = new Option<DirectoryInfo>("--out") { Description = "Directory for the data files and the report", DefaultValueFactory = _ => new DirectoryInfo("collector-output") };
            var asOf = new Option<string?>("--as-of") { Description = "UTC time the report is made for (default now), yyyy-MM-ddTHH:mm:ssZ" };
            var command = new Command("export", "Write the data files (UTC and settlement-day consumption per AMSID) and the validation report") { StoreOption, output, asOf };
            command.SetAction(parse =>
            {
                DateTime when = DateTime.UtcNow;
                string? text = parse.GetValue(asOf);
                if (text != null && !UtcText.TryParse(text, out when))
                {
                    Console.Error.WriteLine($"--as-of '{text}' is not yyyy-MM-ddTHH:mm:ssZ");
                    return 2;
                }

                using CollectorStore store = CollectorStore.Open(parse.GetValue(StoreOption)!);
                string directory = parse.GetValue(output)!.FullName;
                Directory.CreateDirectory(directory);
                DataFileSummary files = DataFiles.Write(store, Path.Combine(directory, "data"));
                string report = Path.Combine(directory, "validation-report.md");
                AuditResult audit = ValidationReport.Write(store, report, when, TimeSpan.FromMinutes(15), CollectorVersion.Text);
                Console.WriteLine($"{files.Files.Count} data files ({files.Amsids} AMSIDs) in {Path.Combine(directory, "data")}; report {report}");
                Console.WriteLine($"audit: {audit.SignaturesVerified} of {audit.RecordsChecked} stored records verified{(audit.AllVerified ? string.Empty : $", {audit.Failures.Count} failures")}");
                return audit.AllVerified ? 0 : 1;
            });
            return command;
        }

        private static Command Bscp601Command()
        {
            var command = new Command("bscp601", "Run the BSCP601 CoP11 protocol tests (DR1-1 to DR3-3) against virtual meters and print the pass/fail table");
            var broker = new Option<string?>("--broker") { Description = "Use this MQTT broker host:port (default: an embedded broker)" };
            var output = new Option<DirectoryInfo>("--out") { Description = "Where the evidence (data files, reports, logs) goes", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "bscp601")) };
            var only = new Option<string[]>("--test") { Description = "Run only these tests (DR1-1 ... DR3-3); default all seven", AllowMultipleArgumentsPerToken = true };
            var breakIt = new Option<string?>("--break") { Description = "Break a condition on purpose to see the tests fail: swap-keys (the collector holds the wrong access key where the right one is expected, and the right one where the wrong one is) or no-clock-reset" };
            var speed = new Option<double>("--speed") { Description = "Simulated seconds per real second", DefaultValueFactory = _ => 4000 };
            command.Options.Add(broker);
            command.Options.Add(output);
            command.Options.Add(only);
            command.Options.Add(breakIt);
            command.Options.Add(speed);
            command.SetAction(async (parse, cancel) =>
            {
                string? b = parse.GetValue(broker);
                (string Host, int Port)? endpoint = b == null ? null : HostPort(b);
                Bscp601Fault fault = parse.GetValue(breakIt) switch
                {
                    null => Bscp601Fault.None,
                    "swap-keys" => Bscp601Fault.SwapAccessKeys,
                    "no-clock-reset" => Bscp601Fault.NoClockReset,
                    string other => throw new ArgumentException($"--break '{other}': use swap-keys or no-clock-reset"),
                };
                string[]? tests = parse.GetValue(only);
                Bscp601Report report = await Bscp601Suite.RunAsync(
                    new Bscp601Options { Broker = endpoint, OutputDirectory = parse.GetValue(output)!.FullName, Fault = fault, Speed = parse.GetValue(speed), Only = tests is { Length: > 0 } ? tests : null },
                    Console.Out, cancel);
                report.Print(Console.Out);
                return report.Results.All(r => r.Passed) ? 0 : 1;
            });
            return command;
        }

        private static (string Host, int Port) HostPort(string text)
        {
            int colon = text.LastIndexOf(':');
            if (colon > 0 && int.TryParse(text.AsSpan(colon + 1), out int port))
            {
                return (text.Substring(0, colon), port);
            }

            return (text, 1883);
        }
    }
}
