namespace AssetMeter.Firmware.Commands
{
    /// <summary>What a collector can ask a meter to do.</summary>
    public enum CommandKind
    {
        /// <summary>Not a command (parse failed).</summary>
        None = 0,

        /// <summary>"read": publish a signed register snapshot now.</summary>
        Read = 1,

        /// <summary>"resend": publish the period records from period index "from" to "to" again (backfill).</summary>
        Resend = 2,

        /// <summary>"clock": set the meter clock to "utc" (BSCP601 clock reset).</summary>
        SetClock = 3,

        /// <summary>"calibrate": write the calibration record "cal" (hex) to the IC.</summary>
        Calibrate = 4,

        /// <summary>"ack": the collector holds every period up to index "to".</summary>
        Acknowledge = 5,
    }

    /// <summary>Why a command was refused. Stable numbers: they appear in events and replies.</summary>
    public enum CommandRefusal
    {
        /// <summary>Not refused.</summary>
        None = 0,

        /// <summary>Not a command message of this format (framing, JSON, field types, size).</summary>
        Malformed = 1,

        /// <summary>Addressed to another meter.</summary>
        WrongMeter = 2,

        /// <summary>Past its expiry by the meter's clock (beyond the allowed skew).</summary>
        Expired = 3,

        /// <summary>Its counter is not above the last accepted one: a replay or a stale command.</summary>
        Replayed = 4,

        /// <summary>The signature does not verify with any collector key the meter holds.</summary>
        BadSignature = 5,

        /// <summary>The operation is not one the meter knows.</summary>
        UnknownOperation = 6,

        /// <summary>An argument is missing or out of range.</summary>
        BadArgument = 7,

        /// <summary>Authentic, but carrying it out failed (e.g. the IC refused the calibration).</summary>
        Failed = 8,
    }

    /// <summary>An authenticated command, as parsed.</summary>
    public sealed class Command
    {
        /// <summary>The operation.</summary>
        public CommandKind Kind;

        /// <summary>The collector's counter (strictly increasing; replay protection).</summary>
        public long Counter;

        /// <summary>Expiry, UTC ticks.</summary>
        public long ExpiryUtcTicks;

        /// <summary>First period index (Resend).</summary>
        public long FromPeriod;

        /// <summary>Last period index (Resend, Acknowledge).</summary>
        public long ToPeriod;

        /// <summary>The time to set (SetClock), UTC ticks.</summary>
        public long ClockUtcTicks;

        /// <summary>The calibration record bytes (Calibrate).</summary>
        public byte[] Calibration;

        /// <summary>Clears every field.</summary>
        public void Clear()
        {
            Kind = CommandKind.None;
            Counter = 0;
            ExpiryUtcTicks = 0;
            FromPeriod = 0;
            ToPeriod = 0;
            ClockUtcTicks = 0;
            Calibration = null;
        }
    }
}
