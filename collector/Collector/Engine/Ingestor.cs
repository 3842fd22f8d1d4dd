using System;
using System.Collections.Generic;
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
    /// <remarks>
    /// Two stages, which the collector runs apart: <see cref="Check"/> needs only the message and the meter's
    /// registration (the signature, the record's own content) and may run on any number of threads at once;
    /// <see cref="Store"/> decides the rest against what is stored (duplicate, conflict, register chain) and writes a
    /// whole batch with a few statements, in order, each message seeing those before it in the batch exactly as if
    /// they had been stored one by one. <see cref="Ingest"/> is both for one message.
    /// </remarks>
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

        /// <summary>The ingestor's own view of the registry (what <see cref="Ingest"/> uses).</summary>
        internal RegistryCache Registry => _registry;

        /// <summary>Meters whose imported ECDSA key this ingestor keeps (memory grows with them).</summary>
        public int KeysKept => _signatures.KeysKept;

        /// <summary>
        /// Ingests one message received at <paramref name="receivedUtc"/> (collector clock). <paramref name="retained"/>
        /// says the broker delivered it from its store rather than as it was published (its timing means nothing).
        /// </summary>
        public IngestOutcome Ingest(string topic, byte[] payload, DateTime receivedUtc, bool retained = false)
        {
            CheckedMessage message = Check(topic, payload, receivedUtc, retained, _registry);
            var outcomes = new List<IngestOutcome>(1);
            Store(new[] { message }, outcomes);
            return outcomes[0];
        }

        /// <summary>
        /// The checks that need no store: the envelope, the registration, the signature, the payload and the record's
        /// own content; status, event and reply messages parsed. Thread-safe; <paramref name="registry"/> gives the
        /// meter's standing data.
        /// </summary>
        internal CheckedMessage Check(string topic, byte[] payload, DateTime receivedUtc, bool retained, RegistryCache registry)
        {
            if (!_topics.TryParse(topic, out string serial, out MessageKind kind))
            {
                return new CheckedMessage(topic, payload, receivedUtc, retained, MessageKind.Other, string.Empty) { Decided = IngestOutcome.Ignore(MessageKind.Other, string.Empty) };
            }

            var message = new CheckedMessage(topic, payload, receivedUtc, retained, kind, serial);
            try
            {
                switch (kind)
                {
                    case MessageKind.Period:
                    case MessageKind.Snapshot:
                        CheckRecord(message, registry);
                        break;
                    case MessageKind.Status:
                        message.Status = ParseStatus(payload, retained);
                        break;
                    case MessageKind.Event:
                        message.Event = ParseEvent(serial, payload, receivedUtc);
                        break;
                    case MessageKind.Reply:
                        message.Reply = ParseReply(payload);
                        break;
                    default:
                        message.Decided = IngestOutcome.Ignore(kind, serial);
                        break;
                }
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                // Unsigned side messages that cannot be read are logged by the caller and otherwise ignored.
                message.Decided = new IngestOutcome(IngestResult.Ignored, kind, serial, 0, "unreadable", e.Message);
            }

            return message;
        }

        private void CheckRecord(CheckedMessage m, RegistryCache registry)
        {
            byte[] message = m.Payload;
            OcmfEnvelope? envelope = OcmfEnvelope.TryParse(message, out string error);
            if (envelope == null)
            {
                Fail(m, QuarantineReason.Malformed, error, string.Empty, false, 0);
                return;
            }

            MeterRegistration? meter = registry.Get(m.Serial);
            if (meter == null)
            {
                Fail(m, QuarantineReason.UnknownMeter, $"meter {m.Serial} is not in the key registry", string.Empty, false, 0);
                return;
            }

            string? signatureProblem = _signatures.Verify(meter, envelope);
            if (signatureProblem != null)
            {
                Fail(m, QuarantineReason.BadSignature, signatureProblem, string.Empty, false, 0);
                return;
            }

            MeterRecord? record = MeterRecord.TryParse(envelope.Payload, out error);
            if (record == null)
            {
                Fail(m, QuarantineReason.MalformedPayload, error, string.Empty, true, 0);
                return;
            }

            string? identity = IdentityProblem(meter, record, m.Kind);
            if (identity != null)
            {
                Fail(m, QuarantineReason.IdentityMismatch, identity, record.Pagination, true, record.PaginationNumber);
                return;
            }

            if (m.Kind == MessageKind.Period)
            {
                string? content = ContentProblem(meter, record, m.ReceivedUtc, out string reason);
                if (content != null)
                {
                    Fail(m, reason, content, record.Pagination, true, record.PeriodIndex);
                    return;
                }
            }

            m.Meter = meter;
            m.Record = record;
            m.Text = Encoding.ASCII.GetString(message);
        }

        // The period's own content: its times, its registers, what its meter could deliver.
        private static string? ContentProblem(MeterRegistration meter, MeterRecord record, DateTime receivedUtc, out string reason)
        {
            long index = record.PeriodIndex;
            DateTime start = UtcText.PeriodStart(index);
            reason = QuarantineReason.WrongTime;
            if (record.StartUtc != start || record.EndUtc != start.AddMinutes(30))
            {
                return $"period {index} must run {UtcText.Format(start)} to {UtcText.Format(start.AddMinutes(30))}, the record says {UtcText.Format(record.StartUtc)} to {UtcText.Format(record.EndUtc)}";
            }

            if (record.EndUtc > receivedUtc + FutureTolerance)
            {
                return $"period ending {UtcText.Format(record.EndUtc)} arrived at {UtcText.Format(receivedUtc)}: more than {FutureTolerance.TotalMinutes} minutes in the future";
            }

            reason = QuarantineReason.NegativeConsumption;
            if (record.ImportMilliwattHours < 0 || record.ExportMilliwattHours < 0)
            {
                return $"import {Wh(record.ImportMilliwattHours)} Wh, export {Wh(record.ExportMilliwattHours)} Wh: a register went backwards";
            }

            // W for half an hour is W/2 Wh, W × 500 mWh.
            reason = QuarantineReason.Implausible;
            long limit = meter.MaximumDemandWatts * 500;
            if (record.ImportMilliwattHours > limit || record.ExportMilliwattHours > limit)
            {
                return $"import {Wh(record.ImportMilliwattHours)} Wh, export {Wh(record.ExportMilliwattHours)} Wh in half an hour: more than {meter.MaximumDemandWatts} W could deliver ({Wh(limit)} Wh)";
            }

            return null;
        }

        /// <summary>
        /// Stores a batch of checked messages in order, filling <paramref name="outcomes"/> with one outcome per
        /// message: the outcomes and the store's contents are those of ingesting the messages one by one. Run it in
        /// a transaction (<see cref="CollectorStore.InTransaction"/>) to write the batch at once.
        /// </summary>
        internal void Store(IReadOnlyList<CheckedMessage> batch, List<IngestOutcome> outcomes)
        {
            outcomes.Clear();

            // What is stored already around the batch's periods, and the statuses the batch's incomplete ones build on.
            var keys = new List<(string Serial, long Index)>();
            var previousNeeded = new HashSet<string>(StringComparer.Ordinal);
            foreach (CheckedMessage m in batch)
            {
                if (m.Record != null && m.Kind == MessageKind.Period)
                {
                    keys.Add((m.Serial, m.Record.PeriodIndex));
                }
                else if (m.Status != null && m.Status.NeedsPrevious)
                {
                    previousNeeded.Add(m.Serial);
                }
            }

            Dictionary<(string Serial, long Index), StoredNeighbour> stored = keys.Count == 0 ? new() : _store.PeriodsAround(keys);
            Dictionary<string, StoredStatus> statuses = previousNeeded.Count == 0 ? new(StringComparer.Ordinal) : _store.Statuses(previousNeeded);

            var periods = new List<(int Message, StoredPeriod Period)>();
            var snapshots = new List<(int Message, StoredSnapshot Snapshot)>();
            var snapshotKeys = new HashSet<(string, long)>();
            var events = new List<(int Message, StoredEvent Event)>();
            var eventKeys = new HashSet<(string, long)>();
            var replies = new List<(int Message, (string Serial, long Counter, string Result, string Reason, DateTime ReplyUtc, DateTime? MeterUtc) Reply)>();
            var replyKeys = new HashSet<(string, long)>();
            var quarantines = new List<QuarantinedRecord>();
            var latestStatus = new Dictionary<string, StoredStatus>(StringComparer.Ordinal);
            for (int i = 0; i < batch.Count; i++)
            {
                CheckedMessage m = batch[i];
                IngestOutcome outcome;
                if (m.Decided.HasValue)
                {
                    outcome = m.Decided.Value;
                }
                else if (m.Quarantine != null)
                {
                    quarantines.Add(m.Quarantine);
                    outcome = m.QuarantineOutcome;
                }
                else if (m.Record != null && m.Kind == MessageKind.Snapshot)
                {
                    MeterRecord record = m.Record;
                    bool first = snapshotKeys.Add((m.Serial, record.PaginationNumber));
                    if (first)
                    {
                        snapshots.Add((i, new StoredSnapshot
                        {
                            Serial = m.Serial,
                            Pagination = record.PaginationNumber,
                            MeterUtc = record.StartUtc,
                            TimeStatus = record.TimeStatus.ToString(),
                            Import = record.ImportStartMilliwattHours,
                            Export = record.ExportStartMilliwattHours,
                            Flags = record.Flags,
                            Record = m.Text!,
                            ReceivedUtc = m.ReceivedUtc,
                        }));
                    }

                    outcome = new IngestOutcome(first ? IngestResult.Stored : IngestResult.Duplicate, m.Kind, m.Serial, record.PaginationNumber, string.Empty, string.Empty);
                }
                else if (m.Record != null)
                {
                    outcome = Period(m, stored, quarantines, out StoredPeriod? added);
                    if (added != null)
                    {
                        stored[(added.Serial, added.PeriodIndex)] = new StoredNeighbour(added.ImportStart, added.ImportEnd, added.ExportStart, added.ExportEnd, added.Record, added.ReceivedUtc);
                        periods.Add((i, added));
                    }
                }
                else if (m.Status != null)
                {
                    StatusReport report = m.Status;
                    StoredStatus? previous = latestStatus.TryGetValue(m.Serial, out StoredStatus? inBatch) ? inBatch : statuses.GetValueOrDefault(m.Serial);
                    latestStatus[m.Serial] = new StoredStatus
                    {
                        Serial = m.Serial,
                        Online = report.Online,
                        Clock = report.Clock ?? (report.Online ? "unknown" : previous?.Clock ?? "unknown"),
                        MeterUtc = report.MeterUtc,
                        FirstPeriod = report.FirstPeriod ?? previous?.FirstPeriod ?? -1,
                        LastPeriod = report.LastPeriod ?? previous?.LastPeriod ?? -1,
                        Acknowledged = report.Acknowledged ?? previous?.Acknowledged ?? -1,
                        Json = report.Json,
                        ReceivedUtc = m.ReceivedUtc,
                    };
                    outcome = new IngestOutcome(IngestResult.Stored, MessageKind.Status, m.Serial, 0, string.Empty, string.Empty);
                }
                else if (m.Event != null)
                {
                    bool first = eventKeys.Add((m.Serial, m.Event.Sequence));
                    if (first)
                    {
                        events.Add((i, m.Event));
                    }

                    outcome = new IngestOutcome(first ? IngestResult.Stored : IngestResult.Duplicate, MessageKind.Event, m.Serial, m.Event.Sequence, string.Empty, string.Empty);
                }
                else
                {
                    ReplyReport reply = m.Reply!;

                    // A refusal of a message the meter could not even parse carries counter 0: it matches no command.
                    if (reply.Counter > 0 && replyKeys.Add((m.Serial, reply.Counter)))
                    {
                        replies.Add((i, (m.Serial, reply.Counter, reply.Result, reply.Reason, m.ReceivedUtc, reply.MeterUtc)));
                    }

                    outcome = new IngestOutcome(IngestResult.Duplicate, MessageKind.Reply, m.Serial, reply.Counter, reply.Result == "ok" ? string.Empty : reply.Reason, reply.Result);
                }

                outcomes.Add(outcome);
            }

            _store.Quarantine(quarantines);

            // Another collector instance may have stored a period, snapshot or event between the look-up and the insert.
            Duplicates(_store.AddPeriods(periods.ConvertAll(p => p.Period)), periods.ConvertAll(p => p.Message), outcomes);
            Duplicates(_store.AddSnapshots(snapshots.ConvertAll(x => x.Snapshot)), snapshots.ConvertAll(x => x.Message), outcomes);
            Duplicates(_store.AddEvents(events.ConvertAll(x => x.Event)), events.ConvertAll(x => x.Message), outcomes);

            bool[] matched = _store.SetReplies(replies.ConvertAll(x => x.Reply));
            for (int k = 0; k < replies.Count; k++)
            {
                if (matched[k])
                {
                    outcomes[replies[k].Message] = outcomes[replies[k].Message] with { Result = IngestResult.Stored };
                }
            }

            // In serial order: two instances writing the same meters' statuses then take the rows' locks in one order
            // (PostgreSQL), so they wait for each other rather than deadlock.
            var statusRows = new List<StoredStatus>(latestStatus.Values);
            statusRows.Sort((a, b) => string.CompareOrdinal(a.Serial, b.Serial));
            _store.SetStatuses(statusRows);
        }

        // A period whose signature and content passed: against what is stored (or earlier in the batch).
        // A row the store already held (another instance stored it between the look-up and the insert): a duplicate.
        private static void Duplicates(bool[] added, List<int> messages, List<IngestOutcome> outcomes)
        {
            for (int k = 0; k < messages.Count; k++)
            {
                if (!added[k])
                {
                    outcomes[messages[k]] = outcomes[messages[k]] with { Result = IngestResult.Duplicate };
                }
            }
        }

        private static IngestOutcome Period(CheckedMessage m, Dictionary<(string Serial, long Index), StoredNeighbour> stored, List<QuarantinedRecord> quarantines, out StoredPeriod? added)
        {
            added = null;
            MeterRecord record = m.Record!;
            string serial = m.Serial;
            long index = record.PeriodIndex;
            IngestOutcome Fail(string reason, string detail)
            {
                quarantines.Add(Quarantined(m, reason, detail, record.Pagination, true));
                return new IngestOutcome(IngestResult.Quarantined, MessageKind.Period, serial, index, reason, detail);
            }

            // A period sent again carries the same payload; an ECDSA signature differs each time it is made, so the
            // payloads (the signed content, both signatures good) are what must match.
            if (stored.TryGetValue((serial, index), out StoredNeighbour? existing))
            {
                return PayloadOf(existing.Record!) == PayloadOf(m.Text!)
                    ? new IngestOutcome(IngestResult.Duplicate, MessageKind.Period, serial, index, string.Empty, string.Empty)
                    : Fail(QuarantineReason.ConflictingDuplicate, $"period {index} is already stored with different content (received {UtcText.Format(existing.ReceivedUtc)}); the first is kept");
            }

            if (stored.TryGetValue((serial, index - 1), out StoredNeighbour? previous) && (previous.ImportEnd != record.ImportStartMilliwattHours || previous.ExportEnd != record.ExportStartMilliwattHours))
            {
                return Fail(QuarantineReason.ChainBreak, $"starts at import {Wh(record.ImportStartMilliwattHours)} / export {Wh(record.ExportStartMilliwattHours)} Wh but period {index - 1} ended at {Wh(previous.ImportEnd)} / {Wh(previous.ExportEnd)} Wh");
            }

            if (stored.TryGetValue((serial, index + 1), out StoredNeighbour? next) && (next.ImportStart != record.ImportEndMilliwattHours || next.ExportStart != record.ExportEndMilliwattHours))
            {
                return Fail(QuarantineReason.ChainBreak, $"ends at import {Wh(record.ImportEndMilliwattHours)} / export {Wh(record.ExportEndMilliwattHours)} Wh but period {index + 1} started at {Wh(next.ImportStart)} / {Wh(next.ExportStart)} Wh");
            }

            added = new StoredPeriod
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
                Record = m.Text!,
                ReceivedUtc = m.ReceivedUtc,
            };
            return new IngestOutcome(IngestResult.Stored, MessageKind.Period, serial, index, string.Empty, string.Empty);
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

        private static void Fail(CheckedMessage m, string reason, string detail, string pagination, bool signatureValid, long number)
        {
            m.Quarantine = Quarantined(m, reason, detail, pagination, signatureValid);
            m.QuarantineOutcome = new IngestOutcome(IngestResult.Quarantined, m.Kind, m.Serial, number, reason, detail);
        }

        private static QuarantinedRecord Quarantined(CheckedMessage m, string reason, string detail, string pagination, bool signatureValid) => new()
        {
            MessageHash = Convert.ToHexStringLower(SHA256.HashData(m.Payload)),
            Reason = reason,
            Detail = detail,
            Serial = m.Serial,
            Pagination = pagination,
            SignatureValid = signatureValid,
            Topic = m.Topic,
            Message = Printable(m.Payload),
            ReceivedUtc = m.ReceivedUtc,
        };

        private static StatusReport ParseStatus(byte[] payload, bool retained)
        {
            using JsonDocument document = JsonDocument.Parse(payload);
            JsonElement root = document.RootElement;
            return new StatusReport
            {
                Online = root.TryGetProperty("online", out JsonElement o) && o.ValueKind == JsonValueKind.True,
                Clock = Text(root, "clock"),

                // The meter's time as it published, compared later with when it arrived; a retained copy says nothing of that.
                MeterUtc = !retained && UtcText.TryParse(Text(root, "utc"), out DateTime utc) ? utc : null,
                FirstPeriod = Number(root, "first_period"),
                LastPeriod = Number(root, "last_period"),
                Acknowledged = Number(root, "acknowledged"),
                Json = Encoding.UTF8.GetString(payload),
            };
        }

        private static StoredEvent ParseEvent(string serial, byte[] payload, DateTime receivedUtc)
        {
            using JsonDocument document = JsonDocument.Parse(payload);
            JsonElement root = document.RootElement;
            long sequence = Number(root, "seq") ?? throw new FormatException("event without seq");
            return new StoredEvent
            {
                Serial = serial,
                Sequence = sequence,
                Utc = UtcText.TryParse(Text(root, "utc"), out DateTime utc) ? utc : null,
                Code = Number(root, "code") ?? 0,
                Name = Text(root, "name") ?? "unknown",
                Value1 = Number(root, "v1") ?? 0,
                Value2 = Number(root, "v2") ?? 0,
                ReceivedUtc = receivedUtc,
            };
        }

        private static ReplyReport ParseReply(byte[] payload)
        {
            using JsonDocument document = JsonDocument.Parse(payload);
            JsonElement root = document.RootElement;
            return new ReplyReport
            {
                Counter = Number(root, "n") ?? 0,
                Result = Text(root, "result") ?? "unknown",
                Reason = Text(root, "reason") ?? string.Empty,
                MeterUtc = UtcText.TryParse(Text(root, "utc"), out DateTime utc) ? utc : null,
            };
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
    }
}
