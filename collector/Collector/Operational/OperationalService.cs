using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Collector.Engine;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace AssetMeter.Collector.Operational
{
    /// <summary>Where the operational collector connects, how it closes seconds and where the sums go.</summary>
    public sealed class OperationalOptions
    {
        public string BrokerHost { get; init; } = "localhost";

        public int BrokerPort { get; init; } = 1883;

        /// <summary>MQTT client id; one aggregator per set of portfolios (it needs every reading, so no shared subscription).</summary>
        public string Instance { get; init; } = "operational-" + Environment.ProcessId;

        /// <summary>The meters' topic prefix: readings come on <c>&lt;prefix&gt;/+/operational</c>.</summary>
        public string TopicPrefix { get; init; } = "assetmeter";

        /// <summary>Where the sums are published: <c>&lt;prefix&gt;/&lt;portfolio&gt;/1s</c> and <c>/60s</c>, QoS 0, retained. Null: not published.</summary>
        public string? PortfolioTopicPrefix { get; init; } = "assetmeter-portfolio";

        public string? Username { get; init; }

        public string? Password { get; init; }

        public bool UseTls { get; init; }

        public string? CaFile { get; init; }

        /// <summary>A second is closed this long after it ends: the readings' latency allowance.</summary>
        public TimeSpan CloseDelay { get; init; } = TimeSpan.FromSeconds(2);

        /// <summary>How often the service closes seconds by itself; zero when the caller does (<see cref="OperationalService.CloseThroughAsync"/>).</summary>
        public TimeSpan CloseEvery { get; init; } = TimeSpan.FromSeconds(1);

        /// <summary>A reading whose meter time is further than this from the collector's clock is refused (stale, replayed or a wrong clock).</summary>
        public TimeSpan FreshnessWindow { get; init; } = TimeSpan.FromSeconds(30);

        /// <summary>Directory for the CSV files (<c>&lt;portfolio&gt;-1s.csv</c>, <c>-60s.csv</c>); null for none.</summary>
        public string? OutputDirectory { get; init; }

        /// <summary>Prefix the HTTP interface listens on, e.g. <c>http://127.0.0.1:8080/</c>; null for none.</summary>
        public string? HttpPrefix { get; init; }

        public AggregatorSettings Aggregation { get; init; } = new();
    }

    /// <summary>What the operational collector has seen.</summary>
    public sealed class OperationalCounters
    {
        private long _received;
        private long _accepted;
        private long _offSchedule;

        public long Received => Interlocked.Read(ref _received);

        public long Accepted => Interlocked.Read(ref _accepted);

        /// <summary>Accepted readings not taken in their meter's second of the interval (or the one after).</summary>
        public long OffSchedule => Interlocked.Read(ref _offSchedule);

        /// <summary>Refused readings by reason.</summary>
        public ConcurrentDictionary<string, long> Refused { get; } = new(StringComparer.Ordinal);

        public long RefusedTotal => Refused.Values.Sum();

        internal void CountReceived() => Interlocked.Increment(ref _received);

        internal void CountAccepted(bool onSchedule)
        {
            Interlocked.Increment(ref _accepted);
            if (!onSchedule)
            {
                Interlocked.Increment(ref _offSchedule);
            }
        }

        internal void CountRefused(string reason) => Refused.AddOrUpdate(reason, 1, (_, n) => n + 1);
    }

    /// <summary>
    /// The operational side of the collector, apart from the half-hourly one: its own MQTT client subscribed to the
    /// meters' operational topics, the MAC and freshness checks, the portfolio sums (<see cref="PortfolioAggregator"/>)
    /// closed second by second, and their export as CSV files, retained MQTT messages and an HTTP interface.
    /// </summary>
    public sealed class OperationalService : IAsyncDisposable
    {
        private readonly OperationalOptions _options;
        private readonly Dictionary<string, OperationalMeter> _meters;
        private readonly TimeProvider _time;
        private readonly Action<string> _log;
        private readonly PortfolioAggregator _aggregator;
        private readonly object _lock = new();
        private readonly Dictionary<string, DateTime> _lastReading = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, (PortfolioRow? Second, PortfolioRow? Minute)> _latest = new(StringComparer.Ordinal);
        private readonly IMqttClient _client;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _tasks = new();
        private readonly PortfolioFiles? _files;
        private readonly SemaphoreSlim _closing = new(1, 1);
        private HttpListener? _http;
        private volatile bool _subscribed;
        private long _logged;
        private long _logWindow;

        /// <param name="startUtc">First second of the sums; null to start when the service does.</param>
        public OperationalService(OperationalOptions options, IEnumerable<OperationalMeter> meters, IEnumerable<Portfolio> portfolios, TimeProvider time, Action<string> log, DateTime? startUtc = null)
        {
            _options = options;
            _meters = meters.ToDictionary(m => m.Serial, StringComparer.Ordinal);
            _time = time;
            _log = log;
            _aggregator = new PortfolioAggregator(portfolios, options.Aggregation, startUtc);
            _files = options.OutputDirectory != null ? new PortfolioFiles(options.OutputDirectory) : null;
            _client = new MqttClientFactory().CreateMqttClient();
            _client.ApplicationMessageReceivedAsync += e =>
            {
                Accept(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), _time.GetUtcNow().UtcDateTime);
                return Task.CompletedTask;
            };
        }

        public OperationalCounters Counters { get; } = new();

        public IReadOnlyList<Portfolio> Portfolios => _aggregator.Portfolios;

        /// <summary>The CSV files written (when an output directory was given).</summary>
        public IReadOnlyList<string> Files => _files?.Files ?? (IReadOnlyList<string>)Array.Empty<string>();

        /// <summary>Readings that arrived after their second was closed.</summary>
        public long LateReadings
        {
            get
            {
                lock (_lock)
                {
                    return _aggregator.LateReadings;
                }
            }
        }

        /// <summary>Told of every row closed (after it is written), on the closing task.</summary>
        public event Action<PortfolioRow>? RowClosed;

        /// <summary>Told of every accepted reading, on the MQTT thread.</summary>
        public event Action<OperationalReading, DateTime>? ReadingAccepted;

        public bool IsConnected => _client.IsConnected;

        /// <summary>The latest second and minute rows of a portfolio.</summary>
        public (PortfolioRow? Second, PortfolioRow? Minute) Latest(string portfolio) => _latest.TryGetValue(portfolio, out var rows) ? rows : (null, null);

        public void Start()
        {
            _tasks.Add(Task.Run(() => KeepConnectedAsync(_stop.Token)));
            if (_options.CloseEvery > TimeSpan.Zero)
            {
                _tasks.Add(Task.Run(() => CloseLoopAsync(_stop.Token)));
            }

            if (_options.HttpPrefix != null)
            {
                _http = new HttpListener();
                _http.Prefixes.Add(_options.HttpPrefix);
                _http.Start();
                _tasks.Add(Task.Run(() => ServeAsync(_http, _stop.Token)));
                _log($"portfolio sums on {_options.HttpPrefix}portfolios");
            }
        }

        public async Task<bool> WaitConnectedAsync(TimeSpan timeout)
        {
            DateTime deadline = DateTime.UtcNow + timeout;
            while (!_subscribed && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            return _subscribed;
        }

        /// <summary>
        /// Checks one message from <paramref name="topic"/> received at <paramref name="receivedUtc"/> and, if it passes,
        /// hands it to the sums. False when refused (counted by reason and logged, at most 10 lines a minute).
        /// </summary>
        public bool Accept(string topic, byte[] payload, DateTime receivedUtc)
        {
            Counters.CountReceived();
            string prefix = _options.TopicPrefix + "/";
            int slash = topic.IndexOf('/', prefix.Length);
            if (!topic.StartsWith(prefix, StringComparison.Ordinal) || slash < 0 || topic.Substring(slash) != "/operational")
            {
                return Refuse("not-operational", topic, "not an operational topic");
            }

            string serial = topic.Substring(prefix.Length, slash - prefix.Length);
            if (!_meters.TryGetValue(serial, out OperationalMeter? meter))
            {
                return Refuse("unknown-meter", serial, "no operational key registered for the meter");
            }

            OperationalReading? reading = OperationalMessage.Read(serial, payload, meter.Key, out string reason, out string detail);
            if (reading == null)
            {
                return Refuse(reason, serial, detail);
            }

            if ((receivedUtc - reading.MeterUtc).Duration() > _options.FreshnessWindow)
            {
                return Refuse("out-of-window", serial, $"read at {UtcText.Format(reading.MeterUtc)}, received {UtcText.Format(receivedUtc)}");
            }

            lock (_lock)
            {
                if (_lastReading.TryGetValue(serial, out DateTime last) && reading.MeterUtc <= last)
                {
                    return Refuse("not-newer", serial, $"read at {UtcText.Format(reading.MeterUtc)}, not after the previous reading {UtcText.Format(last)} (a replay, or the meter's clock went back)");
                }

                _lastReading[serial] = reading.MeterUtc;
                _aggregator.Add(reading, receivedUtc);
            }

            Counters.CountAccepted(OperationalStagger.OnSchedule(meter.AmsidImport, reading.IntervalSeconds, reading.MeterUtc));
            ReadingAccepted?.Invoke(reading, receivedUtc);
            return true;
        }

        /// <summary>Closes every second ending at or before <paramref name="utc"/>: rows to the files, the broker and the HTTP interface.</summary>
        public async Task<List<PortfolioRow>> CloseThroughAsync(DateTime utc, CancellationToken cancel = default)
        {
            await _closing.WaitAsync(cancel);
            try
            {
                List<PortfolioRow> rows;
                lock (_lock)
                {
                    rows = _aggregator.CloseThrough(utc);
                }

                _files?.Write(rows);
                _files?.Flush();
                foreach (PortfolioRow row in rows)
                {
                    _latest.AddOrUpdate(row.Portfolio, _ => Pair(null, row), (_, old) => Pair(old, row));
                    RowClosed?.Invoke(row);
                }

                if (_options.PortfolioTopicPrefix != null && _client.IsConnected)
                {
                    // Only the newest row of each portfolio and resolution: a platform wants the live value, and after a
                    // pause (or in a replay) there may be many.
                    foreach (PortfolioRow row in rows.GroupBy(r => (r.Portfolio, r.ResolutionSeconds)).Select(g => g.Last()))
                    {
                        var message = new MqttApplicationMessageBuilder()
                            .WithTopic($"{_options.PortfolioTopicPrefix}/{row.Portfolio}/{row.ResolutionSeconds}s")
                            .WithPayload(Encoding.UTF8.GetBytes(PortfolioFiles.Json(row)))
                            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
                            .WithRetainFlag(true)
                            .Build();
                        await _client.PublishAsync(message, cancel);
                    }
                }

                return rows;
            }
            finally
            {
                _closing.Release();
            }
        }

        private static (PortfolioRow?, PortfolioRow?) Pair((PortfolioRow? Second, PortfolioRow? Minute)? old, PortfolioRow row)
        {
            PortfolioRow? second = old?.Second;
            PortfolioRow? minute = old?.Minute;
            return row.ResolutionSeconds == 1 ? (row, minute) : (second, row);
        }

        private bool Refuse(string reason, string serial, string detail)
        {
            Counters.CountRefused(reason);
            long minute = Environment.TickCount64 / 60_000;
            if (Interlocked.Exchange(ref _logWindow, minute) != minute)
            {
                Interlocked.Exchange(ref _logged, 0);
            }

            if (Interlocked.Increment(ref _logged) <= 10)
            {
                _log($"operational reading from {serial} refused: {reason}: {detail}");
            }

            return false;
        }

        private async Task CloseLoopAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(_options.CloseEvery, _time, stop);
                    await CloseThroughAsync(_time.GetUtcNow().UtcDateTime - _options.CloseDelay, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    _log($"portfolio sums: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        private async Task KeepConnectedAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                if (!_client.IsConnected)
                {
                    _subscribed = false;
                    try
                    {
                        var builder = new MqttClientOptionsBuilder()
                            .WithTcpServer(_options.BrokerHost, _options.BrokerPort)
                            .WithClientId(_options.Instance)
                            .WithProtocolVersion(MqttProtocolVersion.V500)
                            .WithCleanStart(true)
                            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15));
                        if (_options.Username != null)
                        {
                            builder.WithCredentials(_options.Username, _options.Password);
                        }

                        if (_options.UseTls)
                        {
                            builder.WithTlsOptions(tls =>
                            {
                                tls.UseTls();
                                if (_options.CaFile != null)
                                {
                                    var chain = new X509Certificate2Collection();
                                    chain.ImportFromPemFile(_options.CaFile);
                                    tls.WithTrustChain(chain);
                                }
                            });
                        }

                        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop);
                        attempt.CancelAfter(TimeSpan.FromSeconds(10));
                        await _client.ConnectAsync(MqttSocket.WithLargeBuffers(builder.Build()), attempt.Token);
                        await _client.SubscribeAsync(
                            new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(_options.TopicPrefix + "/+/operational").WithAtMostOnceQoS()).Build(),
                            attempt.Token);
                        _subscribed = true;
                        _log($"operational: connected to {_options.BrokerHost}:{_options.BrokerPort}, {_meters.Count} meters, {_aggregator.Portfolios.Count} portfolios");
                    }
                    catch (Exception e) when (!stop.IsCancellationRequested)
                    {
                        _log($"operational: broker {_options.BrokerHost}:{_options.BrokerPort} not reachable ({e.GetType().Name}: {e.Message}); retrying");
                    }
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        // GET /portfolios: every portfolio's latest second and minute; GET /portfolios/<name>: one of them.
        private async Task ServeAsync(HttpListener listener, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync().WaitAsync(stop);
                }
                catch (Exception) when (stop.IsCancellationRequested || !listener.IsListening)
                {
                    return;
                }

                try
                {
                    string path = context.Request.Url?.AbsolutePath.TrimEnd('/') ?? string.Empty;
                    string? body = null;
                    if (context.Request.HttpMethod == "GET" && path == "/portfolios")
                    {
                        body = "[" + string.Join(",", Portfolios.Select(p => PortfolioJson(p.Name))) + "]";
                    }
                    else if (context.Request.HttpMethod == "GET" && path.StartsWith("/portfolios/", StringComparison.Ordinal))
                    {
                        string name = Uri.UnescapeDataString(path.Substring("/portfolios/".Length));
                        body = Portfolios.Any(p => p.Name == name) ? PortfolioJson(name) : null;
                    }

                    context.Response.StatusCode = body == null ? 404 : 200;
                    context.Response.ContentType = "application/json";
                    byte[] bytes = Encoding.UTF8.GetBytes(body ?? "{\"error\":\"no such portfolio or path; GET /portfolios\"}");
                    await context.Response.OutputStream.WriteAsync(bytes, stop);
                    context.Response.Close();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    // A client that went away mid-answer.
                }
            }
        }

        private string PortfolioJson(string name)
        {
            (PortfolioRow? second, PortfolioRow? minute) = Latest(name);
            return "{\"portfolio\":" + System.Text.Json.JsonSerializer.Serialize(name)
                + ",\"1s\":" + (second != null ? PortfolioFiles.Json(second) : "null")
                + ",\"60s\":" + (minute != null ? PortfolioFiles.Json(minute) : "null") + "}";
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _http?.Stop();
            try
            {
                await Task.WhenAll(_tasks);
            }
            catch (OperationCanceledException)
            {
            }

            _http?.Close();
            if (_client.IsConnected)
            {
                try
                {
                    await _client.DisconnectAsync();
                }
                catch (Exception)
                {
                    // Going away anyway.
                }
            }

            _client.Dispose();
            _files?.Dispose();
            _stop.Dispose();
            _closing.Dispose();
        }
    }
}
