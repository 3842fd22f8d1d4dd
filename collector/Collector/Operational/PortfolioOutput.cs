using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace AssetMeter.Collector.Operational
{
    /// <summary>
    /// The portfolio sums as a flexibility platform takes them: CSV files per portfolio and resolution
    /// (<c>&lt;portfolio&gt;-1s.csv</c>, <c>&lt;portfolio&gt;-60s.csv</c>), and the same fields as one JSON object per
    /// row for MQTT and HTTP. Power in watts with three decimals (the sums are exact milliwatts).
    /// </summary>
    public sealed class PortfolioFiles : IDisposable
    {
        public const string Header = "portfolio,utc,resolution_s,sum_w,uncertainty_w,bound_w,assets,reporting,stale,missing,stale_w,messages,latency_p50_ms,latency_p95_ms,latency_max_ms";

        private readonly string _directory;
        private readonly Dictionary<string, StreamWriter> _writers = new(StringComparer.Ordinal);

        public PortfolioFiles(string directory)
        {
            _directory = directory;
            Directory.CreateDirectory(directory);
        }

        /// <summary>Files written so far.</summary>
        public List<string> Files { get; } = new();

        public long Rows { get; private set; }

        public void Write(IEnumerable<PortfolioRow> rows)
        {
            foreach (PortfolioRow row in rows)
            {
                string key = row.Portfolio + "-" + row.ResolutionSeconds.ToString(CultureInfo.InvariantCulture) + "s";
                if (!_writers.TryGetValue(key, out StreamWriter? writer))
                {
                    string path = Path.Combine(_directory, key + ".csv");
                    writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
                    writer.WriteLine(Header);
                    _writers[key] = writer;
                    Files.Add(path);
                }

                writer.WriteLine(Csv(row));
                Rows++;
            }
        }

        public void Flush()
        {
            foreach (StreamWriter writer in _writers.Values)
            {
                writer.Flush();
            }
        }

        public void Dispose()
        {
            foreach (StreamWriter writer in _writers.Values)
            {
                writer.Dispose();
            }

            _writers.Clear();
        }

        public static string Csv(PortfolioRow r) => string.Join(',',
            r.Portfolio, UtcText.Format(r.Utc), r.ResolutionSeconds.ToString(CultureInfo.InvariantCulture), Watts(r.SumMilliwatts),
            (r.UncertaintyMilliwatts / 1000.0).ToString("F3", CultureInfo.InvariantCulture), Watts(r.BoundMilliwatts),
            Number(r.Assets), Number(r.Reporting), Number(r.Stale), Number(r.Missing), Watts(r.StaleMilliwatts),
            r.ResolutionSeconds == 1 ? string.Empty : Number(r.Messages), Optional(r.LatencyP50Milliseconds), Optional(r.LatencyP95Milliseconds), Optional(r.LatencyMaxMilliseconds));

        /// <summary>The row as one JSON object (MQTT payload, HTTP body).</summary>
        public static string Json(PortfolioRow r)
        {
            var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("portfolio", r.Portfolio);
                json.WriteString("utc", UtcText.Format(r.Utc));
                json.WriteNumber("resolution_s", r.ResolutionSeconds);
                json.WriteNumber("sum_w", r.SumMilliwatts / 1000m);
                json.WriteNumber("uncertainty_w", Math.Round(r.UncertaintyMilliwatts / 1000.0, 3));
                json.WriteNumber("bound_w", r.BoundMilliwatts / 1000m);
                json.WriteNumber("assets", r.Assets);
                json.WriteNumber("reporting", r.Reporting);
                json.WriteNumber("stale", r.Stale);
                json.WriteNumber("missing", r.Missing);
                json.WriteNumber("stale_w", r.StaleMilliwatts / 1000m);
                if (r.ResolutionSeconds != 1)
                {
                    json.WriteNumber("messages", r.Messages);
                    Latency(json, "latency_p50_ms", r.LatencyP50Milliseconds);
                    Latency(json, "latency_p95_ms", r.LatencyP95Milliseconds);
                    Latency(json, "latency_max_ms", r.LatencyMaxMilliseconds);
                }

                json.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        private static void Latency(Utf8JsonWriter json, string name, long? value)
        {
            if (value.HasValue)
            {
                json.WriteNumber(name, value.Value);
            }
            else
            {
                json.WriteNull(name);
            }
        }

        /// <summary>Milliwatts as watts with exactly three decimals, no floating point.</summary>
        public static string Watts(long milliwatts) => EnergyText.WattHours(milliwatts);

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Optional(long? value) => value.HasValue ? value.Value.ToString(CultureInfo.InvariantCulture) : string.Empty;
    }
}
