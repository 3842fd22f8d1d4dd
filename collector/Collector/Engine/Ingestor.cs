using System;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AssetMeter.Collector.Records;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Storage;
using AssetMeter.Collector.Verification;

namespace AssetMeter.Collector.Engine
{
    /// <summary>What became of one message.</summary>
    public enum IngestResult
    {
        /// <summary>A topic the collector does not store (telemetry, discovery, commands).</summary>
        Ignored,

        /// <summary>Verified and stored.</summary>
        Stored,

        /// <summary>Already stored, byte for byte: nothing changed.</summary>
        Duplicate,

        /// <summary>Failed verification: kept in quarantine with the reason.</summary>
        Quarantined,

        /// <summary>The store refused it (logged): nothing is kept, nothing acknowledged, so a meter sends a period again.</summary>
        NotStored,
    }

    /// <summary>The outcome of ingesting one message, for counters, logs and the supervisor.</summary>
    public readonly record struct IngestOutcome(IngestResult Result, MessageKind Kind, string Serial, long Number, string Reason, string Detail)
    {
        public static IngestOutcome Ignore(MessageKind kind, string serial) => new(IngestResult.Ignored, kind, serial, 0, string.Empty, string.Empty);
    }

    /// <summary>
    /// Verifies and stores what meters publish. A record is counted only when its signature verifies against the
    /// meter's registered key and its content passes every check (identity, period times, no negative consumption,
    /// no more than the maximum demand, register chain with its neighbours); otherwise it is quarantined with the
    /// reason, never dropped. Status, events and command replies are stored as they come (they are not signed and
    /// are never used as settlement data).
    /// </summary>
    public sealed class Ingestor
    {
        /// <summary>How far ahead of the collector's clock a period may end (a meter whose clock runs ahead).</summary>
        public static readonly TimeSpan FutureTolerance = TimeSpan.FromHours(1);

        private readonly CollectorStore _store;
        private readonly MeterTopics _topics;
        private readonly RegistryCache _registry;
        private readonly RecordSignature _signatures = new();

        public Ingestor(CollectorStore store, MeterTopics topics)
        {
            _store = store;
            _topics = topics;
            _registry = new RegistryCache(store);
        }

        /// <summary>
        /// Ingests one message received at <paramref name="receivedUtc"/> (collector clock). <paramref name="retained"/>
        /// says the broker delivered it from its store rather than as it was published (its timing means nothing).
        /// </summary>
        public IngestOutcome Ingest(string topic, byte[] payload, DateTime receivedUtc, bool retained = false)
        {
            if (!_topics.TryParse(topic, out string serial, out MessageKind kind))
            {
                return IngestOutcome.Ignore(MessageKind.Other, string.Empty);
            }

            try
            {
                switch (kind)
                {
                    case MessageKind.Period:
                    case MessageKind.Snapshot:
                        return Record(topic, serial, kind, payload, receivedUtc);
                    case MessageKind.Status:
                        return Status(serial, payload, receivedUtc, retained);
                    case MessageKind.Event:
                        return Event(serial, payload, receivedUtc);
                    case MessageKind.Reply:
                        return Reply(serial, payload, receivedUtc);
                    default:
                        return IngestOutcome.Ignore(kind, serial);
                }
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                // Unsigned side messages that cannot be read are logged by the caller and otherwise ignored.
                return new IngestOutcome(IngestResult.Ignored, kind, serial, 0, "unreadable", e.Message);
            }
        }

        private IngestOutcome Record(string topic, string serial, MessageKind kind, byte[] message, DateTime receivedUtc)
        {
            OcmfEnvelope? envelope = OcmfEnvelope.TryParse(message, out string error);
            if (envelope == null)
            {
                return Quarantine(topic, serial, kind, message, receivedUtc, QuarantineReason.Malformed, error, string.Empty, false, 0);
            }

            MeterRegistration? meter = _registry.Get(serial);
            if (meter == null)
            {
                return Quarantine(topic, serial, kind, message, receivedUtc, QuarantineReason.UnknownMeter, $"meter {serial} is not in the key registry", string.Empty, false, 0);
            }

            string? signatureProblem = _signatures.Verify(meter, envelope);
            if (signatureProblem != null)
            {
                return Quarantine(topic, serial, kind, message, receivedUtc, QuarantineReason.BadSignature, signatureProblem, string.Empty, false, 0);
            }

            MeterRecord? record = MeterRecord.TryParse(envelope.Payload, out error);
            if (record == null)
            {
                return Quarantine(topic, serial, kind, message, receivedUtc, QuarantineReason.MalformedPayload, error, string.Empty, true, 0);
            }

            string? identity = IdentityProblem(meter, record, kind);
            if (identity != null)
            {
                return Quarantine(topic, serial, kind, message, receivedUtc, QuarantineReason.IdentityMismatch, identity, record.Pagination, true, record.PaginationNumber);
            }

            string text = Encoding.ASCII.GetString(message);
            if (kind == MessageKind.Snapshot)
            {
                bool added = _store.AddSnapshot(new StoredSnapshot
                {
                    Serial = serial,
                    Pagination = record.PaginationNumber,
                    MeterUtc = record.StartUtc,
                    TimeStatus = record.TimeStatus.ToString(),
                    Import = record.ImportStartMilliwattHours,
                    Export = record.ExportStartMilliwattHours,
                    Flags = record.Flags,
                    Record = text,
                    ReceivedUtc = receivedUtc,
                });
                return new IngestOutcome(added ? IngestResult.Stored : IngestResult.Duplicate, kind, serial, record.PaginationNumber, string.Empty, string.Empty);
            }

            return Period(topic, meter, record, message, text, receivedUtc);
        }

        private IngestOutcome Period(string topic, MeterRegistration meter, MeterRecord record, byte[] message, string text, DateTime receivedUtc)
        {
            string serial = meter.Serial;
            long index = record.PeriodIndex;
            IngestOutcome Fail(string reason, string detail) =>
                Quarantine(topic, serial, MessageKind.Period, message, receivedUtc, reason, detail, record.Pagination, true, index);

            DateTime start = UtcText.PeriodStart(index);
            if (record.StartUtc != start || record.EndUtc != start.AddMinutes(30))
            {
                return Fail(QuarantineReason.WrongTime, $"period {index} must run {UtcText.Format(start)} to {UtcText.Format(start.AddMinutes(30))}, the record says {UtcText.Format(record.StartUtc)} to {UtcText.Format(record.EndUtc)}");
            }

            if (record.EndUtc > receivedUtc + FutureTolerance)
            {
                return Fail(QuarantineReason.WrongTime, $"period ending {UtcText.Format(record.EndUtc)} arrived at {UtcText.Format(receivedUtc)}: more than {FutureTolerance.TotalMinutes} minutes in the future");
            }

            if (record.ImportMilliwattHours < 0 || record.ExportMilliwattHours < 0)
            {
                return Fail(QuarantineReason.NegativeConsumption, $"import {Wh(record.ImportMilliwattHours)} Wh, export {Wh(record.ExportMilliwattHours)} Wh: a register went backwards");
            }

            // W for half an hour is W/2 Wh, W × 500 mWh.
            long limit = meter.MaximumDemandWatts * 500;
            if (record.ImportMilliwattHours > limit || record.ExportMilliwattHours > limit)
            {
                return Fail(QuarantineReason.Implausible, $"import {Wh(record.ImportMilliwattHours)} Wh, export {Wh(record.ExportMilliwattHours)} Wh in half an hour: more than {meter.MaximumDemandWatts} W could deliver ({Wh(limit)} Wh)");
            }

            // A period sent again carries the same payload; an ECDSA signature differs each time it is made, so the
            // payloads (the signed content, both signatures good) are what must match.
            StoredPeriod? existing = _store.Period(serial, index);
            if (existing != null)
            {
                return PayloadOf(existing.Record) == PayloadOf(text)
                    ? new IngestOutcome(IngestResult.Duplicate, MessageKind.Period, serial, index, string.Empty, string.Empty)
                    : Fail(QuarantineReason.ConflictingDuplicate, $"period {index} is already stored with different content (received {UtcText.Format(existing.ReceivedUtc)}); the first is kept");
            }

            StoredPeriod? previous = _store.Period(serial, index - 1);
            if (previous != null && (previous.ImportEnd != record.ImportStartMilliwattHours || previous.ExportEnd != record.ExportStartMilliwattHours))
            {
                return Fail(QuarantineReason.ChainBreak, $"starts at import {Wh(record.ImportStartMilliwattHours)} / export {Wh(record.ExportStartMilliwattHours)} Wh but period {index - 1} ended at {Wh(previous.ImportEnd)} / {Wh(previous.ExportEnd)} Wh");
            }

            StoredPeriod? next = _store.Period(serial, index + 1);
            if (next != null && (next.ImportStart != record.ImportEndMilliwattHours || next.ExportStart != record.ExportEndMilliwattHours))
            {
                return Fail(QuarantineReason.ChainBreak, $"ends at import {Wh(record.ImportEndMilliwattHours)} / export {Wh(record.ExportEndMilliwattHours)} Wh but period {index + 1} started at {Wh(next.ImportStart)} / {Wh(next.ExportStart)} Wh");
            }

            bool added = _store.AddPeriod(new StoredPeriod
            {
                Serial = serial,
                PeriodIndex = index,
                ImportStart = record.ImportStartMilliwattHours,
                ImportEnd = record.ImportEndMilliwattHours,
                ExportStart = record.ExportStartMilliwattHours,
                ExportEnd = record.ExportEndMilliwattHours,
                Flags = record.Flags,
                TimeStatus = record.TimeStatus.ToString(),
                ErrorFlags = record.ErrorFlags,
                AmsidImport = record.AmsidImport,
                AmsidExport = record.AmsidExport,
                Record = text,
                ReceivedUtc = receivedUtc,
            });

            // Another collector instance may have stored it between the look-up and the insert.
            return new IngestOutcome(added ? IngestResult.Stored : IngestResult.Duplicate, MessageKind.Period, serial, index, string.Empty, string.Empty);
        }

        private static string? IdentityProblem(MeterRegistration meter, MeterRecord record, MessageKind kind)
        {
            if (record.Serial != meter.Serial)
            {
                return $"record says meter {record.Serial} but arrived on the topic of {meter.Serial}";
            }

            if ((kind == MessageKind.Period) != (record.Kind == RecordKind.Period))
            {
                return $"a {(record.Kind == RecordKind.Period ? "period" : "snapshot")} record on the {(kind == MessageKind.Period ? "period" : "snapshot")} topic";
            }

            if (record.AmsidImport != meter.AmsidImport || record.AmsidExport != meter.AmsidExport)
            {
                return $"AMSIDs {record.AmsidImport}/{record.AmsidExport ?? "-"} differ from the standing data {meter.AmsidImport}/{meter.AmsidExport ?? "-"}";
            }

            return null;
        }

        private IngestOutcome Quarantine(string topic, string serial, MessageKind kind, byte[] message, DateTime receivedUtc, string reason, string detail, string pagination, bool signatureValid, long number)
        {
            _store.Quarantine(new QuarantinedRecord
            {
                MessageHash = Convert.ToHexStringLower(SHA256.HashData(message)),
                Reason = reason,
                Detail = detail,
                Serial = serial,
                Pagination = pagination,
                SignatureValid = signatureValid,
                Topic = topic,
                Message = Printable(message),
                ReceivedUtc = receivedUtc,
            });
            return new IngestOutcome(IngestResult.Quarantined, kind, serial, number, reason, detail);
        }

        private IngestOutcome Status(string serial, byte[] payload, DateTime receivedUtc, bool retained)
        {
            using JsonDocument document = JsonDocument.Parse(payload);
            JsonElement root = document.RootElement;
            bool online = root.TryGetProperty("online", out JsonElement o) && o.ValueKind == JsonValueKind.True;
            StoredStatus? previous = _store.Status(serial);

            // The last will says only "offline": keep what the meter last told about its journal.
            _store.SetStatus(new StoredStatus
            {
                Serial = serial,
                Online = online,
                Clock = Text(root, "clock") ?? (online ? "unknown" : previous?.Clock ?? "unknown"),
                // The meter's time as it published, compared later with when it arrived; a retained copy says nothing of that.
                MeterUtc = !retained && UtcText.TryParse(Text(root, "utc"), out DateTime utc) ? utc : null,
                FirstPeriod = Number(root, "first_period") ?? previous?.FirstPeriod ?? -1,
                LastPeriod = Number(root, "last_period") ?? previous?.LastPeriod ?? -1,
                Acknowledged = Number(root, "acknowledged") ?? previous?.Acknowledged ?? -1,
                Json = Encoding.UTF8.GetString(payload),
                ReceivedUtc = receivedUtc,
            });
            return new IngestOutcome(IngestResult.Stored, MessageKind.Status, serial, 0, string.Empty, string.Empty);
        }

        private IngestOutcome Event(string serial, byte[] payload, DateTime receivedUtc)
        {
            using JsonDocument document = JsonDocument.Parse(payload);
            JsonElement root = document.RootElement;
            long sequence = Number(root, "seq") ?? throw new FormatException("event without seq");
            bool added = _store.AddEvent(new StoredEvent
            {
                Serial = serial,
                Sequence = sequence,
                Utc = UtcText.TryParse(Text(root, "utc"), out DateTime utc) ? utc : null,
                Code = Number(root, "code") ?? 0,
                Name = Text(root, "name") ?? "unknown",
                Value1 = Number(root, "v1") ?? 0,
                Value2 = Number(root, "v2") ?? 0,
                ReceivedUtc = receivedUtc,
            });
            return new IngestOutcome(added ? IngestResult.Stored : IngestResult.Duplicate, MessageKind.Event, serial, sequence, string.Empty, string.Empty);
        }

        private IngestOutcome Reply(string serial, byte[] payload, DateTime receivedUtc)
        {
            using JsonDocument document = JsonDocument.Parse(payload);
            JsonElement root = document.RootElement;
            long counter = Number(root, "n") ?? 0;
            string result = Text(root, "result") ?? "unknown";
            string reason = Text(root, "reason") ?? string.Empty;
            DateTime? meterUtc = UtcText.TryParse(Text(root, "utc"), out DateTime utc) ? utc : null;

            // A refusal of a message the meter could not even parse carries counter 0: it matches no command.
            bool matched = counter > 0 && _store.SetReply(serial, counter, result, reason, receivedUtc, meterUtc);
            return new IngestOutcome(matched ? IngestResult.Stored : IngestResult.Duplicate, MessageKind.Reply, serial, counter, result == "ok" ? string.Empty : reason, result);
        }

        private static string? Text(JsonElement root, string name)
        {
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        }

        private static long? Number(JsonElement root, string name)
        {
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n : null;
        }

        // The payload section of an OCMF record: between the first and the last '|'.
        private static string PayloadOf(string record)
        {
            int first = record.IndexOf('|');
            int last = record.LastIndexOf('|');
            return first >= 0 && last > first ? record.Substring(first + 1, last - first - 1) : record;
        }

        /// <summary>The message as text when it is printable ASCII, otherwise <c>hex:</c> and its bytes.</summary>
        public static string Printable(byte[] message)
        {
            foreach (byte b in message)
            {
                if (b < 0x20 || b > 0x7e)
                {
                    return "hex:" + Convert.ToHexStringLower(message);
                }
            }

            return Encoding.ASCII.GetString(message);
        }

        private static string Wh(long milliwattHours) => EnergyText.WattHours(milliwattHours);

        /// <summary>
        /// Standing data, cached for a minute, so that a key rotated or a meter registered while the collector runs
        /// is seen without a restart.
        /// </summary>
        private sealed class RegistryCache
        {
            private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
            private readonly CollectorStore _store;
            private readonly System.Collections.Generic.Dictionary<string, (MeterRegistration? Meter, long LoadedAt)> _meters = new(StringComparer.Ordinal);

            public RegistryCache(CollectorStore store)
            {
                _store = store;
            }

            public MeterRegistration? Get(string serial)
            {
                long now = Environment.TickCount64;
                if (_meters.TryGetValue(serial, out var cached) && now - cached.LoadedAt < Lifetime.TotalMilliseconds)
                {
                    return cached.Meter;
                }

                MeterRegistration? meter = _store.Meter(serial);
                _meters[serial] = (meter, now);
                return meter;
            }
        }
    }
}
