using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Bench.Reference;
using AssetMeter.Collector.Commands;
using AssetMeter.Collector.Records;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Verification;
using AssetMeter.Hardware.Metering;
using MQTTnet;
using MQTTnet.Protocol;

namespace AssetMeter.Bench.MeterUnderTest
{
    /// <summary>Where the meter's broker is and how the bench proves itself to the meter and checks the meter.</summary>
    public sealed class MqttMeterOptions
    {
        public required string Host { get; init; }

        public int Port { get; init; } = 1883;

        /// <summary>The meter's standing data: serial, signing algorithm and key (the records are verified against it).</summary>
        public required MeterRegistration Registration { get; init; }

        /// <summary>A collector key the meter trusts (its <c>collector_keys</c>): signs <c>read</c> and <c>calibrate</c>.</summary>
        public required CollectorKey Key { get; init; }

        /// <summary>The bench's UTC, for the commands' expiry (the emulated bench's simulated clock).</summary>
        public Func<DateTime> UtcNow { get; init; } = () => DateTime.UtcNow;

        public string TopicPrefix { get; init; } = "assetmeter";

        public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    }

    /// <summary>
    /// The meter read as a collector reads it: an authenticated <c>read</c> command makes it publish a signed register
    /// snapshot, which is verified against the registered key (with the collector's verification, independent of the
    /// meter's own code) before its import register is used; <c>calibrate</c> goes the same way. Nothing unverified is
    /// ever counted: a snapshot that fails its signature makes the reading fail.
    /// </summary>
    public sealed class MqttMeterUnderTest : IMeterUnderTest
    {
        /// <summary>XF power-lost (4) and ic-fault (8): the energy of the open period may be incomplete or wrong.</summary>
        public const long FaultFlags = 4 | 8;

        private readonly MqttMeterOptions _options;
        private readonly IMqttClient _client;
        private readonly RecordSignature _signature = new();
        private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _replies = new();
        private readonly object _gate = new();
        private readonly string _topic;
        private TaskCompletionSource<(MeterRecord Record, string Text)> _nextSnapshot = NewSnapshotWaiter();
        private long _lastSnapshotNumber = -1;
        private string? _lastRefusal;
        private JsonElement? _status;
        private long _counter;
        private int _calibrationVersion = -1;

        private MqttMeterUnderTest(MqttMeterOptions options)
        {
            _options = options;
            _topic = options.TopicPrefix + "/" + options.Registration.Serial + "/";
            _client = new MqttClientFactory().CreateMqttClient();
            _client.ApplicationMessageReceivedAsync += e =>
            {
                OnMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray());
                return Task.CompletedTask;
            };
        }

        public static async Task<MqttMeterUnderTest> ConnectAsync(MqttMeterOptions options, CancellationToken cancel)
        {
            var meter = new MqttMeterUnderTest(options);
            try
            {
                var connect = new MqttClientOptionsBuilder()
                    .WithTcpServer(options.Host, options.Port)
                    .WithClientId("bench-" + options.Registration.Serial + "-" + Environment.ProcessId)
                    .WithCleanSession()
                    .Build();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                timeout.CancelAfter(options.Timeout);
                await meter._client.ConnectAsync(connect, timeout.Token);
                var subscribe = new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(meter._topic + "snapshot", MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithTopicFilter(meter._topic + "reply", MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithTopicFilter(meter._topic + "status", MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build();
                await meter._client.SubscribeAsync(subscribe, timeout.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
            {
                await meter.DisposeAsync();
                throw new BenchReadException($"meter under test: cannot reach the broker at {options.Host}:{options.Port}: {e.Message}", e);
            }

            return meter;
        }

        public string Channel => $"MQTT signed snapshots via {_options.Host}:{_options.Port}, {_options.Registration.Algorithm} verified against the registered key";

        /// <summary>The records carry the register in Wh with three decimals, truncated: 1 mWh.</summary>
        public double ResolutionWattHours => 0.001;

        public bool CountsPulses => false;

        public bool CanCalibrate => true;

        public async Task<MeterInfo> IdentifyAsync(CancellationToken cancel)
        {
            (MeterRecord record, _) = await ReadRecordAsync(cancel);
            int version = _calibrationVersion;
            JsonElement? status = _status;
            if (version < 0 && status is JsonElement s && s.TryGetProperty("calibration", out JsonElement c) && c.TryGetInt32(out int fromStatus))
            {
                version = fromStatus;
            }

            return new MeterInfo(record.Serial, record.Model, record.Firmware, record.AmsidImport, record.AmsidExport, Math.Max(version, 0));
        }

        public async Task<MeterReading> ReadAsync(CancellationToken cancel)
        {
            (MeterRecord record, string text) = await ReadRecordAsync(cancel);

            // EF, ST and XF are those of the half hour open so far (a start-up or a calibration earlier in it shows):
            // the runner compares the fault flags at the start and end of each point instead of refusing the reading.
            return new MeterReading(record.ImportEndMilliwattHours * 1000, record.StartUtc, text, _options.Registration.Algorithm + " signature verified",
                record.Flags & FaultFlags);
        }

        public async Task<string> CalibrateAsync(CalibrationRecord record, CancellationToken cancel)
        {
            long n = NextCounter();
            byte[] command = MeterCommand.Calibrate(_options.Key, _options.Registration.Serial, n, _options.UtcNow() + MeterCommand.DefaultLifetime, record.ToBytes());
            JsonElement reply = await CommandAsync(n, command, cancel);
            _calibrationVersion = record.Version;
            return $"calibrate n={n}: {reply.GetRawText()}";
        }

        private async Task<(MeterRecord, string)> ReadRecordAsync(CancellationToken cancel)
        {
            TaskCompletionSource<(MeterRecord, string)> snapshot;
            lock (_gate)
            {
                snapshot = _nextSnapshot;
                _lastRefusal = null;
            }

            long n = NextCounter();
            byte[] command = MeterCommand.Read(_options.Key, _options.Registration.Serial, n, _options.UtcNow() + MeterCommand.DefaultLifetime);
            await CommandAsync(n, command, cancel);
            Task finished = await Task.WhenAny(snapshot.Task, Task.Delay(_options.Timeout, cancel));
            if (finished != snapshot.Task)
            {
                string? refusal;
                lock (_gate)
                {
                    refusal = _lastRefusal;
                }

                throw new BenchReadException(refusal != null
                    ? "meter under test: snapshot refused: " + refusal
                    : $"meter under test: no snapshot within {_options.Timeout.TotalSeconds:0} s of a successful read command");
            }

            return await snapshot.Task;
        }

        private async Task<JsonElement> CommandAsync(long n, byte[] command, CancellationToken cancel)
        {
            var waiter = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
            _replies[n] = waiter;
            try
            {
                var message = new MqttApplicationMessageBuilder().WithTopic(_topic + "command").WithPayload(command)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
                await _client.PublishAsync(message, cancel);
                Task finished = await Task.WhenAny(waiter.Task, Task.Delay(_options.Timeout, cancel));
                if (finished != waiter.Task)
                {
                    throw new BenchReadException($"meter under test: no reply to command n={n} within {_options.Timeout.TotalSeconds:0} s (meter offline, or it does not trust the bench's key?)");
                }

                JsonElement reply = await waiter.Task;
                string result = reply.TryGetProperty("result", out JsonElement r) ? r.GetString() ?? string.Empty : string.Empty;
                if (result != "ok")
                {
                    string reason = reply.TryGetProperty("reason", out JsonElement why) ? why.GetString() ?? "?" : "?";
                    throw new BenchReadException($"meter under test refused command n={n}: {result} ({reason})");
                }

                return reply;
            }
            catch (Exception e) when (e is not BenchReadException && e is not OperationCanceledException)
            {
                throw new BenchReadException($"meter under test: command n={n} could not be sent: {e.Message}", e);
            }
            finally
            {
                _replies.TryRemove(n, out _);
            }
        }

        // Unix milliseconds (docs/protocol.md), forced above the last one used.
        private long NextCounter()
        {
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            lock (_gate)
            {
                _counter = Math.Max(now, _counter + 1);
                return _counter;
            }
        }

        private void OnMessage(string topic, byte[] payload)
        {
            if (topic == _topic + "reply")
            {
                try
                {
                    JsonElement reply = JsonDocument.Parse(payload).RootElement.Clone();
                    if (reply.TryGetProperty("n", out JsonElement n) && n.TryGetInt64(out long counter) && _replies.TryGetValue(counter, out var waiter))
                    {
                        waiter.TrySetResult(reply);
                    }
                }
                catch (JsonException)
                {
                    // Not a reply of this meter's format: nothing waits for it.
                }
            }
            else if (topic == _topic + "status")
            {
                try
                {
                    _status = JsonDocument.Parse(payload).RootElement.Clone();
                }
                catch (JsonException)
                {
                    _status = null;
                }
            }
            else if (topic == _topic + "snapshot")
            {
                OnSnapshot(payload);
            }
        }

        private void OnSnapshot(byte[] payload)
        {
            string text = Encoding.ASCII.GetString(payload);
            string? problem = null;
            MeterRecord? record = null;
            OcmfEnvelope? envelope = OcmfEnvelope.TryParse(payload, out string error);
            if (envelope == null)
            {
                problem = error;
            }
            else if (_signature.Verify(_options.Registration, envelope) is string bad)
            {
                problem = bad;
            }
            else if ((record = MeterRecord.TryParse(envelope.Payload, out error)) == null)
            {
                problem = error;
            }
            else if (record.Kind != RecordKind.Snapshot || record.Serial != _options.Registration.Serial)
            {
                problem = $"record {record.Pagination} of {record.Serial} is not a snapshot of {_options.Registration.Serial}";
            }

            lock (_gate)
            {
                if (problem != null || record == null)
                {
                    _lastRefusal = problem;
                    return;
                }

                // A retained snapshot from before, or one sent twice, is not the answer to this read.
                if (record.PaginationNumber <= _lastSnapshotNumber)
                {
                    return;
                }

                _lastSnapshotNumber = record.PaginationNumber;
                TaskCompletionSource<(MeterRecord, string)> waiter = _nextSnapshot;
                _nextSnapshot = NewSnapshotWaiter();
                waiter.TrySetResult((record, text));
            }
        }

        private static TaskCompletionSource<(MeterRecord, string)> NewSnapshotWaiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask DisposeAsync()
        {
            if (_client.IsConnected)
            {
                try
                {
                    await _client.DisconnectAsync();
                }
                catch (Exception)
                {
                    // Closing anyway.
                }
            }

            _client.Dispose();
            _signature.Dispose();
        }
    }
}
