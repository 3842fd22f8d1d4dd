namespace AssetMeter.Firmware.Events
{
    /// <summary>One entry of the meter's event log: numbered, timed, coded, with two values whose meaning depends on the code.</summary>
    public struct MeterEvent
    {
        /// <summary>Sequence number: +1 per event, never reused (survives restarts through the checkpoint).</summary>
        public uint Sequence;

        /// <summary>UTC time (DateTime ticks) by the meter's clock when the event happened; 0 when the time was not known.</summary>
        public long UtcTicks;

        /// <summary>What happened.</summary>
        public EventCode Code;

        /// <summary>First value (see <see cref="EventCode"/>).</summary>
        public long Value1;

        /// <summary>Second value (see <see cref="EventCode"/>).</summary>
        public long Value2;
    }
}
