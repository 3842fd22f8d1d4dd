using System;

namespace AssetMeter.Collector.Storage
{
    /// <summary>A verified half-hour period, as stored. Energy registers in milliwatt-hours.</summary>
    public sealed class StoredPeriod
    {
        public required string Serial { get; init; }

        public long PeriodIndex { get; init; }

        public DateTime StartUtc => UtcText.PeriodStart(PeriodIndex);

        public long ImportStart { get; init; }

        public long ImportEnd { get; init; }

        public long ExportStart { get; init; }

        public long ExportEnd { get; init; }

        /// <summary>The meter's period flags (XF).</summary>
        public long Flags { get; init; }

        /// <summary>OCMF time status letter.</summary>
        public required string TimeStatus { get; init; }

        /// <summary>OCMF error flags (EF): empty when the period is good for settlement.</summary>
        public required string ErrorFlags { get; init; }

        public required string AmsidImport { get; init; }

        public string? AmsidExport { get; init; }

        /// <summary>The whole record as received, signature included.</summary>
        public required string Record { get; init; }

        public DateTime ReceivedUtc { get; init; }

        public long ImportMilliwattHours => ImportEnd - ImportStart;

        public long ExportMilliwattHours => ExportEnd - ExportStart;
    }

    /// <summary>What a new period is checked against: a stored period's registers (its record only when asked for).</summary>
    internal sealed record StoredNeighbour(long ImportStart, long ImportEnd, long ExportStart, long ExportEnd, string? Record, DateTime ReceivedUtc);

    /// <summary>A message that failed verification: kept with the reason, never dropped and never counted.</summary>
    public sealed class QuarantinedRecord
    {
        /// <summary>SHA-256 of the message bytes, hex: the same message quarantined twice for one reason is kept once.</summary>
        public required string MessageHash { get; init; }

        /// <summary>Short reason code (see <see cref="Verification.QuarantineReason"/>).</summary>
        public required string Reason { get; init; }

        public required string Detail { get; init; }

        /// <summary>Serial from the topic or the record ("" when neither says).</summary>
        public required string Serial { get; init; }

        /// <summary>The record's pagination when it could be read ("" otherwise).</summary>
        public required string Pagination { get; init; }

        /// <summary>True when the meter's signature was good (the fault is in the content, not the transport).</summary>
        public bool SignatureValid { get; init; }

        public required string Topic { get; init; }

        /// <summary>The message as text, or <c>hex:</c> and its bytes when it is not printable ASCII.</summary>
        public required string Message { get; init; }

        public DateTime ReceivedUtc { get; init; }
    }

    /// <summary>A signed register snapshot.</summary>
    public sealed class StoredSnapshot
    {
        public required string Serial { get; init; }

        /// <summary>T-context pagination number (UTC seconds, forced increasing by the meter).</summary>
        public long Pagination { get; init; }

        public DateTime MeterUtc { get; init; }

        public required string TimeStatus { get; init; }

        public long Import { get; init; }

        public long Export { get; init; }

        public long Flags { get; init; }

        public required string Record { get; init; }

        public DateTime ReceivedUtc { get; init; }
    }

    /// <summary>An event from the meter's event log.</summary>
    public sealed class StoredEvent
    {
        public required string Serial { get; init; }

        public long Sequence { get; init; }

        /// <summary>Meter UTC of the event; null when the meter did not know the time yet.</summary>
        public DateTime? Utc { get; init; }

        public long Code { get; init; }

        public required string Name { get; init; }

        public long Value1 { get; init; }

        public long Value2 { get; init; }

        public DateTime ReceivedUtc { get; init; }
    }

    /// <summary>The meter's latest (retained) status message.</summary>
    public sealed class StoredStatus
    {
        public required string Serial { get; init; }

        public bool Online { get; init; }

        public required string Clock { get; init; }

        public DateTime? MeterUtc { get; init; }

        public long FirstPeriod { get; init; }

        public long LastPeriod { get; init; }

        public long Acknowledged { get; init; }

        public required string Json { get; init; }

        public DateTime ReceivedUtc { get; init; }
    }

    /// <summary>A command the collector sent, and the meter's answer once it came.</summary>
    public sealed class CommandEntry
    {
        public required string Serial { get; init; }

        public long Counter { get; init; }

        /// <summary><c>read</c>, <c>resend</c>, <c>clock</c>, <c>calibrate</c> or <c>ack</c>.</summary>
        public required string Operation { get; init; }

        /// <summary>The operation's arguments as sent (for example <c>from=1;to=5</c>).</summary>
        public required string Arguments { get; init; }

        public DateTime SentUtc { get; init; }

        /// <summary>Collector instance that sent it.</summary>
        public required string Instance { get; init; }

        /// <summary><c>ok</c>, <c>refused</c>, or null while unanswered.</summary>
        public string? Result { get; init; }

        public string? Reason { get; init; }

        public DateTime? ReplyUtc { get; init; }

        /// <summary>The meter's UTC when it handled the command (from its reply).</summary>
        public DateTime? MeterUtc { get; init; }
    }

    /// <summary>One measurement of a meter's clock against the collector's.</summary>
    public sealed class ClockCheck
    {
        public required string Serial { get; init; }

        public long Counter { get; init; }

        public DateTime SentUtc { get; init; }

        public DateTime ReplyUtc { get; init; }

        public DateTime MeterUtc { get; init; }

        /// <summary>Meter minus collector, at the middle of the round trip, milliseconds.</summary>
        public long OffsetMilliseconds { get; init; }

        /// <summary>Half the round trip, milliseconds: the true offset is within this of <see cref="OffsetMilliseconds"/>.</summary>
        public long UncertaintyMilliseconds { get; init; }

        /// <summary><c>within</c>, <c>beyond</c> or <c>inconclusive</c>.</summary>
        public required string Verdict { get; init; }
    }
}
