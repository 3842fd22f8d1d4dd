using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using AssetMeter.Collector.Operational;
using AssetMeter.Collector.Settlement;
using AssetMeter.Collector.Storage;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.Collector.Compliance
{
    /// <summary>A site of the demo: a boundary meter (its MPAN) with a house behind it and the assets of the fleet there.</summary>
    public sealed record DemoSite(string Name, string Mpan, double BaseWatts, string[] Serials);

    /// <summary>
    /// The demo's operational and settlement side: the fleet's operational streams summed into portfolios by the
    /// operational collector, a boundary meter per site (the house's own load plus the true energy of the assets behind
    /// it, second by second), and after the day the files a VLP, supplier or HHDC would get: P375 difference metering,
    /// the AMSID pair delivered volumes of the dispatch, the P483 delivery checks. One asset meter over-reads by 5 %:
    /// the delivery check is what catches it.
    /// </summary>
    public sealed class DemoSettlement
    {
        /// <summary>The demo's boundary points: the battery and the heat pump (two VLPs) share one.</summary>
        public static readonly DemoSite[] Sites =
        {
            new("site-a", Mpan.Complete("180000000001"), 280, new[] { "am-demo-01" }),
            new("site-b", Mpan.Complete("180000000002"), 350, new[] { "am-demo-02", "am-demo-03" }),
            new("site-c", Mpan.Complete("180000000003"), 240, new[] { "am-demo-04" }),
        };

        /// <summary>The chargers, which the VLP turns down from 03:00 to 04:00 UTC.</summary>
        public static readonly (string Name, string[] Serials)[] Portfolios =
        {
            ("demo-evs", new[] { "am-demo-01", "am-demo-04" }),
            ("demo-all", new[] { "am-demo-01", "am-demo-02", "am-demo-03", "am-demo-04" }),
        };

        public static readonly TimeSpan TurnDownFrom = TimeSpan.FromHours(3);

        public static readonly TimeSpan TurnDownTo = TimeSpan.FromHours(4);

        private readonly VirtualFleet _fleet;
        private readonly DateTime _day;
        private readonly Dictionary<(string Mpan, long Index), (double Import, double Export)> _boundary = new();
        private readonly Dictionary<string, Dictionary<long, double>> _truth = new(StringComparer.Ordinal);
        private DateTime _lastSample;
        private DateTime _nextClose;

        public DemoSettlement(VirtualFleet fleet, DateTime day)
        {
            _fleet = fleet;
            _day = day;
            _lastSample = fleet.UtcNow;
            _nextClose = day.AddMinutes(15);
            foreach (var (name, _) in Portfolios)
            {
                _truth[name] = new Dictionary<long, double>();
            }
        }

        /// <summary>The operational collector of the demo, once started.</summary>
        public OperationalService? Operational { get; private set; }

        /// <summary>
        /// The charger load with the VLP's turn-down in it, as the charger obeys: idle from 03:00 to 04:00 UTC of the
        /// first whole UTC day the scenario covers (the demo's day: its run starts ten minutes before it).
        /// </summary>
        public static LoadScenario TurnedDown(LoadScenario load, DateTime scenarioStartUtc)
        {
            DateTime day = scenarioStartUtc.TimeOfDay == TimeSpan.Zero ? scenarioStartUtc.Date : scenarioStartUtc.Date.AddDays(1);
            double from = (day + TurnDownFrom - scenarioStartUtc).TotalSeconds;
            double to = (day + TurnDownTo - scenarioStartUtc).TotalSeconds;
            var idle = Enumerable.Repeat(PhaseLoad.Idle(), load.PhaseCount).ToArray();
            var result = new LoadScenario(load.PhaseCount);
            double t = 0;
            while (!double.IsPositiveInfinity(t))
            {
                result.From(t, t >= from && t < to ? idle : Enumerable.Range(0, load.PhaseCount).Select(p => load.At(t, p)).ToArray());
                double next = load.NextChangeAfter(t);
                foreach (double edge in new[] { from, to })
                {
                    if (edge > t && edge < next)
                    {
                        next = edge;
                    }
                }

                t = next;
            }

            return result;
        }

        /// <summary>Starts the operational collector on the demo's broker, for the fleet's meters and portfolios.</summary>
        public async Task StartOperationalAsync(string host, int port, string outDir, Action<string> log)
        {
            var meters = _fleet.Meters.Select(m => m.Operational).OfType<OperationalMeter>().ToList();
            Operational = new OperationalService(
                new OperationalOptions
                {
                    BrokerHost = host, BrokerPort = port, Instance = "demo-operational", CloseEvery = TimeSpan.Zero, OutputDirectory = Path.Combine(outDir, "portfolio"),

                    // The simulated clock runs 4,000 times faster than the network: a reading may arrive simulated minutes late.
                    FreshnessWindow = TimeSpan.FromHours(1),
                },
                meters, Portfolios.Select(p => new Portfolio { Name = p.Name, Serials = p.Serials }), _fleet.Time, log, _day);
            Operational.Start();
            await Operational.WaitConnectedAsync(TimeSpan.FromSeconds(20));
        }

        /// <summary>
        /// After each simulated second: the boundary meters integrate the houses and the assets' true power over it, the
        /// portfolios' true power is kept for the comparison, and the sums are closed up to ten simulated minutes ago.
        /// </summary>
        public async Task AfterStepAsync(DateTime now)
        {
            double seconds = (now - _lastSample).TotalSeconds;
            _lastSample = now;
            if (seconds <= 0)
            {
                return;
            }

            var power = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (FleetMeter meter in _fleet.Meters)
            {
                EmulatedMeteringChip chip = meter.Rig.Chip;
                double watts = 0;
                if (chip.Powered)
                {
                    for (int p = 0; p < chip.Scenario.PhaseCount; p++)
                    {
                        PhaseLoad load = chip.Scenario.At(chip.Now - 1e-6, p);
                        watts += load.CurrentRms == 0 ? 0 : load.ActivePowerWatts;
                    }
                }

                power[meter.Serial] = watts;
            }

            long index = (now.Ticks - 1) / UtcPeriods.TicksPerPeriod;
            foreach (DemoSite site in Sites)
            {
                double watts = House(site, now.AddSeconds(-0.5)) + site.Serials.Sum(s => power[s]);
                var key = (site.Mpan, index);
                _boundary.TryGetValue(key, out var energy);
                _boundary[key] = watts >= 0 ? (energy.Import + (watts * seconds / 3.6), energy.Export) : (energy.Import, energy.Export - (watts * seconds / 3.6));
            }

            long second = (now.Ticks / TimeSpan.TicksPerSecond) - 1;
            foreach (var (name, serials) in Portfolios)
            {
                _truth[name][second] = serials.Sum(s => power[s]);
            }

            if (Operational != null && now >= _nextClose)
            {
                _nextClose = now.AddMinutes(1);
                DateTime through = now.AddMinutes(-10);
                await Operational.CloseThroughAsync(through < _day.AddDays(1) ? through : _day.AddDays(1));
            }
        }

        /// <summary>
        /// The house behind a boundary meter: its base load, more in the morning and evening, a few watts of difference
        /// from one half hour to the next (a fridge, a router): the boundary sees more than the assets.
        /// </summary>
        public static double House(DemoSite site, DateTime utc)
        {
            double hour = utc.TimeOfDay.TotalHours;
            double watts = site.BaseWatts + (hour is >= 7 and < 9 ? 600 : 0) + (hour is >= 17 and < 22 ? 900 : 0);
            long period = utc.Ticks / UtcPeriods.TicksPerPeriod;
            int wobble = (int)((((period * 2654435761L) ^ long.Parse(site.Mpan, CultureInfo.InvariantCulture)) & 0x7fffffff) % 41) - 20;
            return watts + wobble;
        }

        /// <summary>
        /// Writes the inputs a VLP, supplier or HHDC would give the collector (docs/settlement.md) and computes the
        /// settlement files from them and the store; returns what was made.
        /// </summary>
        public async Task<DemoSettlementResult> FinishAsync(CollectorStore store, string outDir, DateTime asOf)
        {
            string inputs = Path.Combine(outDir, "settlement-inputs");
            Directory.CreateDirectory(inputs);
            string sites = Path.Combine(inputs, "sites.csv");
            var siteLines = new List<string> { "mpan,amsid,secondary_bmu" };
            foreach (DemoSite site in Sites)
            {
                foreach (string serial in site.Serials)
                {
                    FleetMeter meter = _fleet.Meters.Single(m => m.Serial == serial);

                    // Two VLPs: the chargers' and the battery's, and another for the heat pump.
                    siteLines.Add($"{site.Mpan},{meter.Spec.AmsidImport},{(serial == "am-demo-03" ? "2__DEMOVLP2" : "2__DEMOVLP1")}");
                }
            }

            File.WriteAllLines(sites, siteLines);
            string boundary = Path.Combine(inputs, "boundary-hh.csv");
            long first = _day.Ticks / UtcPeriods.TicksPerPeriod;
            BoundaryData.Write(boundary, _boundary.Where(b => b.Key.Index >= first && b.Key.Index < first + 48).Select(b => new BoundaryPeriod
            {
                Mpan = b.Key.Mpan, Period = SettlementCalendar.Of(b.Key.Index), Status = 'A',
                ImportMilliwattHours = (long)Math.Round(b.Value.Import, MidpointRounding.AwayFromZero), ExportMilliwattHours = (long)Math.Round(b.Value.Export, MidpointRounding.AwayFromZero),
            }));
            string portfolios = Path.Combine(inputs, "portfolios.csv");
            File.WriteAllLines(portfolios, new[] { "portfolio,amsid" }.Concat(Portfolios.SelectMany(p => p.Serials.Select(s => $"{p.Name},{_fleet.Meters.Single(m => m.Serial == s).Spec.AmsidImport}"))));
            string dispatch = Path.Combine(inputs, "dispatch.csv");
            File.WriteAllLines(dispatch, new[]
            {
                "instruction,start_utc,end_utc,scope,target,mw",
                $"evs-turn-down,{UtcText.Minutes(_day + TurnDownFrom)},{UtcText.Minutes(_day + TurnDownTo)},portfolio,demo-evs,0.0291",
                $"battery-discharge,{UtcText.Minutes(_day.AddHours(16))},{UtcText.Minutes(_day.AddHours(17))},asset,AMSID-DEMO-02-E,0.0090",
            });
            File.WriteAllLines(Path.Combine(inputs, "operational-keys.csv"), new[] { "serial,operational_key" }
                .Concat(_fleet.Meters.Where(m => m.OperationalKey != null).Select(m => m.Serial + "," + Convert.ToHexStringLower(m.OperationalKey!))));

            // A one-day demo has no like days before it: the in-day baseline, the two periods before each instruction.
            SettlementSummary settlement = SettlementFiles.Write(store, new SettlementInputs
            {
                SitesFile = sites, BoundaryFile = boundary, DispatchFile = dispatch, PortfoliosFile = portfolios,
                Baseline = new BaselineMethod(BaselineKind.Preceding, 2), AsOfUtc = asOf,
            }, Path.Combine(outDir, "settlement"));

            var result = new DemoSettlementResult { Settlement = settlement };
            if (Operational != null)
            {
                var rows = new List<PortfolioRow>();
                Operational.RowClosed += rows.Add;
                await Operational.CloseThroughAsync(_day.AddDays(1));
                await Operational.DisposeAsync();
                result.Operational = Operational;
                result.PortfolioFiles.AddRange(Operational.Files);
                foreach (var (name, _) in Portfolios)
                {
                    result.Accuracy.Add(Compare(name, _truth[name], File.ReadLines(Path.Combine(outDir, "portfolio", name + "-1s.csv")).Skip(1)));
                }
            }

            return result;
        }

        // The 1 s sums of a portfolio (read back from its file) against the true total power of its assets.
        private static PortfolioAccuracy Compare(string portfolio, Dictionary<long, double> truth, IEnumerable<string> lines)
        {
            var errors = new List<double>();
            int seconds = 0;
            int complete = 0;
            int withinUncertainty = 0;
            foreach (string line in lines)
            {
                string[] cells = line.Split(',');
                seconds++;
                if (cells[7] != cells[6])
                {
                    continue;
                }

                complete++;
                long second = UtcText.Parse(cells[1]).Ticks / TimeSpan.TicksPerSecond;
                double sum = double.Parse(cells[3], CultureInfo.InvariantCulture);
                double uncertainty = double.Parse(cells[4], CultureInfo.InvariantCulture);
                double error = sum - truth.GetValueOrDefault(second);
                errors.Add(error);
                withinUncertainty += Math.Abs(error) <= uncertainty ? 1 : 0;
            }

            errors.Sort((a, b) => Math.Abs(a).CompareTo(Math.Abs(b)));
            return new PortfolioAccuracy
            {
                Portfolio = portfolio, Seconds = seconds, Complete = complete, WithinUncertainty = withinUncertainty,
                MedianAbsoluteWatts = errors.Count == 0 ? 0 : Math.Abs(errors[errors.Count / 2]),
                P95AbsoluteWatts = errors.Count == 0 ? 0 : Math.Abs(errors[(int)Math.Ceiling(0.95 * errors.Count) - 1]),
                MaxAbsoluteWatts = errors.Count == 0 ? 0 : Math.Abs(errors[^1]),
                RmsWatts = errors.Count == 0 ? 0 : Math.Sqrt(errors.Average(e => e * e)),
            };
        }
    }

    /// <summary>A portfolio's 1 s sums against the truth over the demo day.</summary>
    public sealed class PortfolioAccuracy
    {
        public required string Portfolio { get; init; }

        public int Seconds { get; init; }

        /// <summary>Seconds with every asset reporting.</summary>
        public int Complete { get; init; }

        public int WithinUncertainty { get; init; }

        public double MedianAbsoluteWatts { get; init; }

        public double P95AbsoluteWatts { get; init; }

        public double MaxAbsoluteWatts { get; init; }

        public double RmsWatts { get; init; }
    }

    /// <summary>What the demo's operational and settlement side produced.</summary>
    public sealed class DemoSettlementResult
    {
        public required SettlementSummary Settlement { get; init; }

        public OperationalService? Operational { get; set; }

        public List<string> PortfolioFiles { get; } = new();

        public List<PortfolioAccuracy> Accuracy { get; } = new();

        /// <summary>The validation report's sections on operational metering and settlement.</summary>
        public string ReportSections()
        {
            var text = new StringBuilder();
            if (Operational != null)
            {
                OperationalCounters c = Operational.Counters;
                text.AppendLine("## Operational metering and portfolios");
                text.AppendLine();
                text.AppendLine($"Operational readings (every 60 s per meter, staggered): {c.Accepted} accepted, {c.RefusedTotal} refused"
                    + (c.Refused.Count > 0 ? " (" + string.Join(", ", c.Refused.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")) + ")" : string.Empty)
                    + $", {c.OffSchedule} off their meter's stagger, {Operational.LateReadings} after their second was closed. "
                    + "A reading is refused as not-newer when its meter's clock went back (the clock fault above); no reading is taken during the broker outage "
                    + "(QoS 0: the meters do not keep them), so the assets show as stale, then missing. "
                    + "Latency is not meaningful here: the simulated clock runs thousands of times faster than the network.");
                text.AppendLine();
                text.AppendLine("The 1 s sums against the assets' true power (the emulators'), over the seconds where every asset was reporting. "
                    + "The stated uncertainty covers the meters' ±1 %; between one-minute reads an asset can change unseen, which is the sampling error below.");
                text.AppendLine();
                text.AppendLine("| Portfolio | Seconds | All reporting | Median \\|error\\| W | 95th percentile W | Max W | RMS W | Within stated uncertainty |");
                text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
                foreach (PortfolioAccuracy a in Accuracy)
                {
                    text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {a.Portfolio} | {a.Seconds} | {a.Complete} | {a.MedianAbsoluteWatts:F1} | {a.P95AbsoluteWatts:F1} | {a.MaxAbsoluteWatts:F1} | {a.RmsWatts:F1} | {(a.Complete == 0 ? 0 : 100.0 * a.WithinUncertainty / a.Complete):F1} % |"));
                }

                text.AppendLine();
            }

            text.Append(SettlementFiles.ReportSection(Settlement));
            return text.ToString();
        }
    }
}
