using System;
using AssetMeter.Collector.Records;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Storage;

namespace AssetMeter.Collector.Engine
{
    /// <summary>
    /// A message after the checks that need nothing but the message and the meter's registration (the signature, the
    /// record's content), on its way to the store writer, which decides the rest against what is stored. Made on a
    /// verification thread, read by the writer afterwards.
    /// </summary>
    internal sealed class CheckedMessage
    {
        public CheckedMessage(string topic, byte[] payload, DateTime receivedUtc, bool retained, MessageKind kind, string serial)
        {
            Topic = topic;
            Payload = payload;
            ReceivedUtc = receivedUtc;
            Retained = retained;
            Kind = kind;
            Serial = serial;
        }

        public string Topic { get; }

        public byte[] Payload { get; }

        public DateTime ReceivedUtc { get; }

        public bool Retained { get; }

        public MessageKind Kind { get; }

        public string Serial { get; }

        /// <summary>Decided already (not a meter topic, an unreadable side message): nothing to store.</summary>
        public IngestOutcome? Decided { get; set; }

        /// <summary>Failed a check: quarantined with this outcome.</summary>
        public QuarantinedRecord? Quarantine { get; set; }

        public IngestOutcome QuarantineOutcome { get; set; }

        /// <summary>A period record or snapshot whose signature and content passed: stored unless the store says otherwise.</summary>
        public MeterRecord? Record { get; set; }

        public MeterRegistration? Meter { get; set; }

        /// <summary>The whole record as text (what is stored).</summary>
        public string? Text { get; set; }

        public StatusReport? Status { get; set; }

        public StoredEvent? Event { get; set; }

        public ReplyReport? Reply { get; set; }
    }

    /// <summary>What a status message said; a field it left out (the last will says only "offline") keeps its stored value.</summary>
    internal sealed class StatusReport
    {
        public bool Online { get; init; }

        public string? Clock { get; init; }

        public DateTime? MeterUtc { get; init; }

        public long? FirstPeriod { get; init; }

        public long? LastPeriod { get; init; }

        public long? Acknowledged { get; init; }

        public required string Json { get; init; }

        /// <summary>True when the status cannot be written without the one stored before it.</summary>
        public bool NeedsPrevious => Clock == null || FirstPeriod == null || LastPeriod == null || Acknowledged == null;
    }

    /// <summary>A meter's answer to a command.</summary>
    internal sealed class ReplyReport
    {
        public long Counter { get; init; }

        public required string Result { get; init; }

        public required string Reason { get; init; }

        public DateTime? MeterUtc { get; init; }
    }
}
