namespace AssetMeter.Collector.Verification
{
    /// <summary>Why a message was quarantined (short codes, as stored and reported).</summary>
    public static class QuarantineReason
    {
        /// <summary>Not an OCMF record, or its signature section cannot be read.</summary>
        public const string Malformed = "malformed";

        /// <summary>The topic names a meter that is not in the key registry.</summary>
        public const string UnknownMeter = "unknown-meter";

        /// <summary>The signature does not verify with the registered key (forged, altered or wrong key).</summary>
        public const string BadSignature = "bad-signature";

        /// <summary>Signed correctly but the payload is not a record this collector understands.</summary>
        public const string MalformedPayload = "malformed-payload";

        /// <summary>The record's meter serial (MS), kind or AMSIDs differ from its topic or the standing data.</summary>
        public const string IdentityMismatch = "identity-mismatch";

        /// <summary>The period's times are not its UTC half-hour boundaries, or it lies in the future.</summary>
        public const string WrongTime = "wrong-time";

        /// <summary>A register went backwards within the period.</summary>
        public const string NegativeConsumption = "negative-consumption";

        /// <summary>More energy than the meter's maximum demand could deliver in half an hour.</summary>
        public const string Implausible = "implausible";

        /// <summary>The start registers differ from the previous period's end registers (or the end from the next's start).</summary>
        public const string ChainBreak = "chain-break";

        /// <summary>A second, different record for a period already stored: the first one stays.</summary>
        public const string ConflictingDuplicate = "conflicting-duplicate";
    }
}
