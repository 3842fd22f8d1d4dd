using System;
using System.Collections.Generic;
using System.Linq;

namespace AssetMeter.Collector.Operational
{
    /// <summary>How the live sum treats its assets' readings.</summary>
    public sealed class AggregatorSettings
    {
        /// <summary>The meters' stated accuracy of a power reading, as a fraction of reading: ±1 % (docs/protocol.md).</summary>
        public double MeterAccuracy { get; init; } = 0.01;

        /// <summary>
        /// A reading counts while it is at most its meter's interval plus this old: 5 s, the latency the Balancing
        /// Mechanism's operational metering allows. Older, the asset is stale.
        /// </summary>
        public TimeSpan ReportingGrace { get; init; } = TimeSpan.FromSeconds(5);

        /// <summary>Older than this (or never heard from), the asset is missing: 5 minutes.</summary>
        public TimeSpan StaleLimit { get; init; } = TimeSpan.FromMinutes(5);
    }

    /// <summary>One value of a portfolio's live sum: a second, or a minute (the mean of its seconds).</summary>
    public sealed class PortfolioRow
    {
        public required string Portfolio { get; init; }

        /// <summary>Start of the second (or minute) the row is for.</summary>
        public DateTime Utc { get; init; }

        public int ResolutionSeconds { get; init; }

        /// <summary>Sum of the reporting assets' latest power, mW (positive importing).</summary>
        public long SumMilliwatts { get; init; }

        /// <summary>
        /// Expanded uncertainty (k = 2) of the sum from the meters' stated accuracy, mW: each reading within ±1 % taken
        /// as a rectangular distribution (standard uncertainty 1 %/√3 of reading), independent between meters.
        /// </summary>
        public double UncertaintyMilliwatts { get; init; }

        /// <summary>Worst case of the same: every meter 1 % off in the same direction, mW.</summary>
        public long BoundMilliwatts { get; init; }

        public int Assets { get; init; }

        public int Reporting { get; init; }

        public int Stale { get; init; }

        public int Missing { get; init; }

        /// <summary>Last known power of the stale assets, mW: not in the sum, shown so a user can judge what is absent.</summary>
        public long StaleMilliwatts { get; init; }

        /// <summary>Messages measured in the minute (minute rows only).</summary>
        public int Messages { get; init; }

        /// <summary>Latency from the meter's read to the collector's receipt, ms, of the minute's messages (minute rows only).</summary>
        public long? LatencyP50Milliseconds { get; init; }

        public long? LatencyP95Milliseconds { get; init; }

        public long? LatencyMaxMilliseconds { get; init; }
    }

    /// <summary>
    /// The live sum of each portfolio from its assets' operational readings, second by second (sample and hold: each
    /// asset counts with its latest reading), and minute by minute (the mean of the minute's seconds), with how many
    /// assets are reporting, stale and missing and the sum's stated uncertainty. A pure core: readings and times are
    /// handed to it, nothing is read from a clock, so the same readings give the same rows live or replayed.
    /// </summary>
    /// <remarks>
    /// The second starting at t counts, for each asset, its latest reading taken before t + 1 s. An asset whose latest
    /// reading is older than its interval plus <see cref="AggregatorSettings.ReportingGrace"/> is stale (left out of
    /// the sum, its last power shown apart); older than <see cref="AggregatorSettings.StaleLimit"/>, or never heard
    /// from, missing. The uncertainty covers the metering only: between staggered one-minute reads an asset's power may
    /// change unseen, a sampling error the aggregate does not state (the demo measures it against the true power).
    /// </remarks>
    public sealed class PortfolioAggregator
    {
        private readonly List<Portfolio> _portfolios;
        private readonly AggregatorSettings _settings;
        private readonly Dictionary<string, Asset> _assets = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Minute> _minutes = new(StringComparer.Ordinal);
        private long _nextSecond = long.MinValue;
        private long _firstSecond = long.MinValue;

        /// <param name="startUtc">The first second to produce; null to start at the first <see cref="CloseThrough"/>.</param>
        public PortfolioAggregator(IEnumerable<Portfolio> portfolios, AggregatorSettings settings, DateTime? startUtc = null)
        {
            _portfolios = portfolios.ToList();
            _settings = settings;
            foreach (Portfolio portfolio in _portfolios)
            {
                _minutes[portfolio.Name] = new Minute();
                foreach (string serial in portfolio.Serials)
                {
                    if (!_assets.TryGetValue(serial, out Asset? asset))
                    {
                        _assets[serial] = asset = new Asset();
                    }

                    asset.Portfolios.Add(portfolio.Name);
                }
            }

            if (startUtc.HasValue)
            {
                _nextSecond = Floor(startUtc.Value.Ticks);
                _firstSecond = _nextSecond;
            }
        }

        public IReadOnlyList<Portfolio> Portfolios => _portfolios;

        /// <summary>Readings that arrived for a second already closed (they count from the next second on).</summary>
        public long LateReadings { get; private set; }

        /// <summary>Readings of meters in no portfolio (ignored).</summary>
        public long UnassignedReadings { get; private set; }

        /// <summary>End of the last second closed; null before the first.</summary>
        public DateTime? ClosedThrough => _nextSecond == long.MinValue ? null : new DateTime(_nextSecond * TimeSpan.TicksPerSecond, DateTimeKind.Utc);

        /// <summary>
        /// Takes a verified reading (received by the collector at <paramref name="receivedUtc"/>). Readings of one meter
        /// must come in the order of their time (the collector refuses any that does not).
        /// </summary>
        public void Add(OperationalReading reading, DateTime receivedUtc)
        {
            if (!_assets.TryGetValue(reading.Serial, out Asset? asset))
            {
                UnassignedReadings++;
                return;
            }

            long ticks = reading.MeterUtc.Ticks;
            if (asset.Samples.Count > 0 && ticks <= asset.Samples[^1].Ticks)
            {
                throw new ArgumentException($"reading of {reading.Serial} at {reading.MeterUtc:O} is not after the previous one", nameof(reading));
            }

            asset.Samples.Add(new Sample(ticks, reading.PowerMilliwatts, reading.IntervalSeconds));
            if (_nextSecond != long.MinValue && Floor(ticks) < _nextSecond)
            {
                // Taken before the first second produced: it is simply in force at the start. Otherwise it came too late
                // for its own second and counts from the next one closed.
                LateReadings += Floor(ticks) >= _firstSecond ? 1 : 0;
                return;
            }

            long minute = Floor(ticks) / 60;
            long latency = (long)Math.Round((receivedUtc - reading.MeterUtc).TotalMilliseconds);
            foreach (string name in asset.Portfolios)
            {
                Minute m = _minutes[name];
                if (!m.Latencies.TryGetValue(minute, out List<long>? list))
                {
                    m.Latencies[minute] = list = new List<long>();
                }

                list.Add(latency);
            }
        }

        /// <summary>
        /// Closes every whole second that ends at or before <paramref name="utc"/> and returns its rows: one per
        /// portfolio per second, and one per portfolio for each minute completed (after its second rows).
        /// </summary>
        public List<PortfolioRow> CloseThrough(DateTime utc)
        {
            var rows = new List<PortfolioRow>();
            long end = Floor(utc.Ticks);
            if (_nextSecond == long.MinValue)
            {
                _nextSecond = end;
                _firstSecond = end;
                return rows;
            }

            for (; _nextSecond < end; _nextSecond++)
            {
                CloseSecond(_nextSecond, rows);
            }

            return rows;
        }

        private void CloseSecond(long second, List<PortfolioRow> rows)
        {
            long endTicks = (second + 1) * TimeSpan.TicksPerSecond;
            foreach (Asset asset in _assets.Values)
            {
                asset.Settle(endTicks);
            }

            foreach (Portfolio portfolio in _portfolios)
            {
                long sum = 0;
                long stalePower = 0;
                double variance = 0;
                double bound = 0;
                int reporting = 0;
                int stale = 0;
                int missing = 0;
                foreach (string serial in portfolio.Serials)
                {
                    Sample? sample = _assets[serial].InForce;
                    long age = sample.HasValue ? endTicks - sample.Value.Ticks : long.MaxValue;
                    if (!sample.HasValue || age > _settings.StaleLimit.Ticks)
                    {
                        missing++;
                    }
                    else if (age > (sample.Value.IntervalSeconds * TimeSpan.TicksPerSecond) + _settings.ReportingGrace.Ticks)
                    {
                        stale++;
                        stalePower += sample.Value.PowerMilliwatts;
                    }
                    else
                    {
                        reporting++;
                        sum += sample.Value.PowerMilliwatts;
                        double limit = _settings.MeterAccuracy * Math.Abs(sample.Value.PowerMilliwatts);
                        variance += limit * limit / 3.0;
                        bound += limit;
                    }
                }

                var row = new PortfolioRow
                {
                    Portfolio = portfolio.Name,
                    Utc = new DateTime(second * TimeSpan.TicksPerSecond, DateTimeKind.Utc),
                    ResolutionSeconds = 1,
                    SumMilliwatts = sum,
                    UncertaintyMilliwatts = 2.0 * Math.Sqrt(variance),
                    BoundMilliwatts = (long)Math.Round(bound),
                    Assets = portfolio.Serials.Count,
                    Reporting = reporting,
                    Stale = stale,
                    Missing = missing,
                    StaleMilliwatts = stalePower,
                };
                rows.Add(row);
                Minute m = _minutes[portfolio.Name];
                m.Add(row);
                if ((second + 1) % 60 == 0)
                {
                    if (m.Seconds == 60)
                    {
                        rows.Add(m.Row(portfolio.Name, second / 60));
                    }

                    m.Reset(second / 60);
                }
            }
        }

        // DateTime ticks are never negative: integer division is the floor.
        private static long Floor(long ticks) => ticks / TimeSpan.TicksPerSecond;

        private readonly record struct Sample(long Ticks, long PowerMilliwatts, int IntervalSeconds);

        private sealed class Asset
        {
            private int _inForce = -1;

            public List<string> Portfolios { get; } = new();

            public List<Sample> Samples { get; } = new();

            public Sample? InForce => _inForce >= 0 ? Samples[_inForce] : null;

            // The latest sample taken before endTicks is in force; older ones are no longer needed.
            public void Settle(long endTicks)
            {
                while (_inForce + 1 < Samples.Count && Samples[_inForce + 1].Ticks < endTicks)
                {
                    _inForce++;
                }

                if (_inForce > 32)
                {
                    Samples.RemoveRange(0, _inForce);
                    _inForce = 0;
                }
            }
        }

        private sealed class Minute
        {
            public Dictionary<long, List<long>> Latencies { get; } = new();

            public int Seconds { get; private set; }

            private long _sum;
            private double _uncertainty;
            private long _bound;
            private long _stalePower;
            private PortfolioRow? _last;

            public void Add(PortfolioRow row)
            {
                Seconds++;
                _sum += row.SumMilliwatts;
                _uncertainty += row.UncertaintyMilliwatts;
                _bound += row.BoundMilliwatts;
                _stalePower += row.StaleMilliwatts;
                _last = row;
            }

            public PortfolioRow Row(string name, long minute)
            {
                Latencies.TryGetValue(minute, out List<long>? latencies);
                latencies?.Sort();
                return new PortfolioRow
                {
                    Portfolio = name,
                    Utc = new DateTime(minute * 60 * TimeSpan.TicksPerSecond, DateTimeKind.Utc),
                    ResolutionSeconds = 60,
                    SumMilliwatts = (long)Math.Round(_sum / 60.0, MidpointRounding.AwayFromZero),
                    UncertaintyMilliwatts = _uncertainty / 60.0,
                    BoundMilliwatts = (long)Math.Round(_bound / 60.0, MidpointRounding.AwayFromZero),
                    Assets = _last!.Assets,
                    Reporting = _last.Reporting,
                    Stale = _last.Stale,
                    Missing = _last.Missing,
                    StaleMilliwatts = (long)Math.Round(_stalePower / 60.0, MidpointRounding.AwayFromZero),
                    Messages = latencies?.Count ?? 0,
                    LatencyP50Milliseconds = latencies is { Count: > 0 } ? latencies[(latencies.Count - 1) / 2] : null,
                    LatencyP95Milliseconds = latencies is { Count: > 0 } ? latencies[(int)Math.Ceiling(0.95 * latencies.Count) - 1] : null,
                    LatencyMaxMilliseconds = latencies is { Count: > 0 } ? latencies[^1] : null,
                };
            }

            public void Reset(long minute)
            {
                Seconds = 0;
                _sum = 0;
                _uncertainty = 0;
                _bound = 0;
                _stalePower = 0;
                Latencies.Remove(minute);
                foreach (long old in Latencies.Keys.Where(k => k < minute).ToList())
                {
                    Latencies.Remove(old);
                }
            }
        }
    }
}
