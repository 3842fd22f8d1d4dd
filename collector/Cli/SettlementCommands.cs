using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using AssetMeter.Collector.Input;
using AssetMeter.Collector.Operational;
using AssetMeter.Collector.Settlement;
using AssetMeter.Collector.Storage;

namespace AssetMeter.Collector.Cli
{
    /// <summary>The operational collector and the settlement computations (docs/settlement.md).</summary>
    public static partial class Program
    {
        private static Command OperationalCommand()
        {
            var broker = new Option<string>("--broker") { Description = "MQTT broker host[:port]", DefaultValueFactory = _ => "localhost:1883" };
            var keys = new Option<FileInfo>("--keys") { Description = "CSV serial,operational_key: the meters' operational keys", Required = true };
            var portfolios = new Option<FileInfo>("--portfolios") { Description = "CSV portfolio,amsid: the portfolios to sum", Required = true };
            var output = new Option<DirectoryInfo?>("--out") { Description = "Directory for the CSV files <portfolio>-1s.csv and -60s.csv" };
            var http = new Option<string?>("--http") { Description = "Serve the sums over HTTP on host:port (GET /portfolios, /portfolios/<name>)" };
            var topic = new Option<string?>("--publish-prefix") { Description = "Publish the sums on <prefix>/<portfolio>/1s and /60s (QoS 0, retained); '' for none", DefaultValueFactory = _ => "assetmeter-portfolio" };
            var user = new Option<string?>("--username") { Description = "Broker user name" };
            var password = new Option<string?>("--password") { Description = "Broker password (or the environment variable ASSETMETER_BROKER_PASSWORD)" };
            var duration = new Option<double?>("--seconds") { Description = "Stop after this many seconds (default: until Ctrl+C)" };
            var command = new Command("operational", "Sum the meters' operational streams into live portfolio values at 1 s and 60 s: CSV, MQTT, HTTP")
            {
                StoreOption, broker, keys, portfolios, output, http, topic, user, password, duration,
            };
            command.SetAction(async (parse, cancel) =>
            {
                (string host, int port) = HostPort(parse.GetValue(broker)!);
                using CollectorStore store = CollectorStore.Open(parse.GetValue(StoreOption)!);
                var registry = store.Meters();
                var meters = OperationalMeter.Load(parse.GetValue(keys)!.FullName, registry);
                var sums = Portfolio.Load(parse.GetValue(portfolios)!.FullName, registry);
                string? prefix = parse.GetValue(topic);
                string? listen = parse.GetValue(http);
                var options = new OperationalOptions
                {
                    BrokerHost = host,
                    BrokerPort = port,
                    Username = parse.GetValue(user),
                    Password = parse.GetValue(password) ?? Environment.GetEnvironmentVariable("ASSETMETER_BROKER_PASSWORD"),
                    OutputDirectory = parse.GetValue(output)?.FullName,
                    HttpPrefix = listen == null ? null : "http://" + listen + "/",
                    PortfolioTopicPrefix = string.IsNullOrEmpty(prefix) ? null : prefix,
                };
                Console.WriteLine($"operational: {meters.Count} meters with keys, {sums.Count} portfolios ({string.Join(", ", sums.Select(p => $"{p.Name} {p.Serials.Count}"))}), broker {host}:{port}");
                await using var service = new OperationalService(options, meters, sums, TimeProvider.System, line => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}"));
                service.RowClosed += row =>
                {
                    if (row.ResolutionSeconds == 60)
                    {
                        Console.WriteLine($"{row.Utc:HH:mm} {row.Portfolio}: {PortfolioFiles.Watts(row.SumMilliwatts)} W ± {row.UncertaintyMilliwatts / 1000:F1} W, "
                            + $"{row.Reporting} of {row.Assets} reporting, {row.Stale} stale, {row.Missing} missing, latency p95 {row.LatencyP95Milliseconds?.ToString(CultureInfo.InvariantCulture) ?? "-"} ms");
                    }
                };
                service.Start();
                double? seconds = parse.GetValue(duration);
                try
                {
                    await Task.Delay(seconds.HasValue ? TimeSpan.FromSeconds(seconds.Value) : System.Threading.Timeout.InfiniteTimeSpan, cancel);
                }
                catch (OperationCanceledException)
                {
                }

                Console.WriteLine($"operational: {service.Counters.Accepted} readings accepted, {service.Counters.RefusedTotal} refused"
                    + (service.Counters.Refused.IsEmpty ? string.Empty : " (" + string.Join(", ", service.Counters.Refused.Select(p => $"{p.Key} {p.Value}")) + ")"));
                return 0;
            });
            return command;
        }

        private static Command SettlementCommand()
        {
            var sites = new Option<FileInfo>("--sites") { Description = "CSV mpan,amsid,secondary_bmu: which asset is behind which boundary point", Required = true };
            var boundary = new Option<FileInfo>("--boundary") { Description = "CSV mpan,settlement_date,settlement_period,import_kwh[,export_kwh],status: boundary HH data", Required = true };
            var dispatch = new Option<FileInfo?>("--dispatch") { Description = "CSV instruction,start_utc,end_utc,scope,target,mw: dispatch instructions to check (P483) and deliver (AMSID pair delivered volumes)" };
            var portfolios = new Option<FileInfo?>("--portfolios") { Description = "CSV portfolio,amsid, for instructions given to a portfolio" };
            var baseline = new Option<string>("--baseline") { Description = "like-days:N (the same periods of the previous N like days) or preceding:N (the N periods before the instruction)", DefaultValueFactory = _ => "like-days:5" };
            var tolerance = new Option<decimal>("--tolerance") { Description = "The boundary must show the assets' delivery within this percent of it (plus 50 Wh and twice the baselines' spread)", DefaultValueFactory = _ => 3m };
            var asOf = new Option<string?>("--as-of") { Description = "UTC time the files are made for (default now): a day's delivered volumes are written once it has ended, yyyy-MM-ddTHH:mm:ssZ" };
            var output = new Option<DirectoryInfo>("--out") { Description = "Directory for the files", DefaultValueFactory = _ => new DirectoryInfo("settlement-output") };
            var command = new Command("settlement", "P375 difference metering per boundary point, AMSID pair delivered volumes (D+1) and P483 delivery checks")
            {
                StoreOption, sites, boundary, dispatch, portfolios, baseline, tolerance, asOf, output,
            };
            command.SetAction(parse =>
            {
                DateTime when = DateTime.UtcNow;
                string? text = parse.GetValue(asOf);
                if (text != null && !UtcText.TryParse(text, out when))
                {
                    Console.Error.WriteLine($"--as-of '{text}' is not yyyy-MM-ddTHH:mm:ssZ");
                    return 2;
                }

                try
                {
                    using CollectorStore store = CollectorStore.Open(parse.GetValue(StoreOption)!);
                    string directory = parse.GetValue(output)!.FullName;
                    SettlementSummary summary = SettlementFiles.Write(store, new SettlementInputs
                    {
                        SitesFile = parse.GetValue(sites)!.FullName,
                        BoundaryFile = parse.GetValue(boundary)!.FullName,
                        DispatchFile = parse.GetValue(dispatch)?.FullName,
                        PortfoliosFile = parse.GetValue(portfolios)?.FullName,
                        Baseline = BaselineMethod.Parse(parse.GetValue(baseline)!),
                        Tolerance = new DeliveryTolerance { Relative = parse.GetValue(tolerance) / 100m },
                        AsOfUtc = when,
                    }, directory);
                    File.WriteAllText(Path.Combine(directory, "settlement-report.md"), SettlementFiles.ReportSection(summary));
                    Console.WriteLine($"{summary.SitePeriods} site periods at {summary.Sites} boundary points, {summary.CleanPeriods} clean; {summary.Checks.Count} delivery checks "
                        + $"({summary.Checks.Count(c => c.Verdict == "uncorroborated")} uncorroborated, {summary.Checks.Count(c => c.Verdict == "not-checked")} not checked); {summary.Files.Count} files in {directory}");
                    return summary.IdentityFailures == 0 ? 0 : 1;
                }
                catch (Exception e) when (e is InputFileException or FormatException)
                {
                    Console.Error.WriteLine(e.Message);
                    return 2;
                }
            });
            return command;
        }
    }
}
