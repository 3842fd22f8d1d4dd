namespace AssetMeter.Firmware.Events
{
    /// <summary>
    /// What happened. Codes are stable numbers (they are stored in the journal and sent to the collector);
    /// new codes are only ever added. The meaning of <see cref="MeterEvent.Value1"/> and
    /// <see cref="MeterEvent.Value2"/> is given per code.
    /// </summary>
    public enum EventCode
    {
        /// <summary>The meter started. Value1: journal periods recovered; Value2: 1 if the start followed a power cut.</summary>
        Started = 1,

        /// <summary>Power came back. Value1: UTC ticks of the last checkpoint before the cut; Value2: UTC ticks now.</summary>
        PowerRestored = 2,

        /// <summary>A journal file failed its check and was set aside. Value1: which (see the journal); Value2: entries lost.</summary>
        JournalCorruption = 3,

        /// <summary>A journal write failed; it will be retried. Value1: what was being written.</summary>
        JournalWriteFailed = 4,

        /// <summary>Unacknowledged periods had to be dropped to make room. Value1, Value2: first and last period index dropped.</summary>
        PeriodsDropped = 5,

        /// <summary>The IC failed an operation. Value1: IcStatus; Value2: register involved.</summary>
        IcFault = 10,

        /// <summary>The IC restarted by itself and was brought up again. Value1: IcStatus of the restart.</summary>
        IcReset = 11,

        /// <summary>An energy delta was refused as implausible. Value1: counts refused; Value2: elapsed ticks.</summary>
        DeltaRefused = 12,

        /// <summary>An accumulating register's baseline moved (chip rewritten or reset). Value1: counts counted from the new baseline.</summary>
        IcRebaselined = 13,

        /// <summary>The calibration changed. Value1: new calibration version; Value2: previous version.</summary>
        CalibrationChanged = 14,

        /// <summary>The clock was stepped by time synchronisation. Value1: UTC ticks before; Value2: UTC ticks after.</summary>
        ClockStepped = 20,

        /// <summary>The clock was set by an authorised collector. Value1: UTC ticks before; Value2: UTC ticks after.</summary>
        ClockSetByCollector = 21,

        /// <summary>The clock became synchronised. Value1: the previous ClockQuality; Value2: error bound (ticks).</summary>
        ClockSynchronised = 22,

        /// <summary>The clock left its synchronisation bound (holdover or degraded). Value1: new ClockQuality; Value2: error bound (ticks).</summary>
        ClockSyncLost = 23,

        /// <summary>The clock was started from the battery-backed RTC (no network yet). Value1: UTC ticks taken; Value2: their error bound (ticks).</summary>
        RtcTimeUsed = 24,

        /// <summary>
        /// The RTC's time was not used, or the RTC stopped answering. Value1: reason (1 no answer, 2 oscillator stopped:
        /// backup cell flat or missing, 3 never set by this meter, 4 before the last checkpoint, 5 more than a year after
        /// it); Value2: what the RTC read (UTC ticks), 0 if nothing.
        /// </summary>
        RtcRefused = 25,

        /// <summary>
        /// First synchronisation after a start: the RTC compared with the synchronised clock. Value1: RTC minus true time
        /// (ticks, to half a second); Value2: its drift since it was last set, parts per billion (0 over less than a day).
        /// </summary>
        RtcDriftMeasured = 26,

        /// <summary>The RTC was set from the synchronised clock. Value1: UTC ticks written (a whole second); Value2: what it read before (ticks).</summary>
        RtcSet = 27,

        /// <summary>The RTC's aging offset was trimmed from its measured drift. Value1: new offset (0.1 ppm steps, positive slows); Value2: previous.</summary>
        RtcAgingAdjusted = 28,

        /// <summary>A command from a collector was refused. Value1: reason code; Value2: the counter the command named (unauthenticated), or 0.</summary>
        CommandRefused = 30,

        /// <summary>A command from a collector was carried out. Value1: command kind; Value2: command counter.</summary>
        CommandAccepted = 31,
    }
}
