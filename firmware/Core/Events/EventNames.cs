namespace AssetMeter.Firmware.Events
{
    /// <summary>Event codes as words for the event topic and logs (on the device an enum prints as its number).</summary>
    public static class EventNames
    {
        /// <summary>The name of <paramref name="code"/>, or "event" for a code this firmware does not know.</summary>
        public static string Of(EventCode code)
        {
            switch (code)
            {
                case EventCode.Started: return "started";
                case EventCode.PowerRestored: return "power-restored";
                case EventCode.JournalCorruption: return "journal-corruption";
                case EventCode.JournalWriteFailed: return "journal-write-failed";
                case EventCode.PeriodsDropped: return "periods-dropped";
                case EventCode.IcFault: return "ic-fault";
                case EventCode.IcReset: return "ic-reset";
                case EventCode.DeltaRefused: return "delta-refused";
                case EventCode.IcRebaselined: return "ic-rebaselined";
                case EventCode.CalibrationChanged: return "calibration-changed";
                case EventCode.ClockStepped: return "clock-stepped";
                case EventCode.ClockSetByCollector: return "clock-set-by-collector";
                case EventCode.ClockSynchronised: return "clock-synchronised";
                case EventCode.ClockSyncLost: return "clock-sync-lost";
                case EventCode.RtcTimeUsed: return "rtc-time-used";
                case EventCode.RtcRefused: return "rtc-refused";
                case EventCode.RtcDriftMeasured: return "rtc-drift-measured";
                case EventCode.RtcSet: return "rtc-set";
                case EventCode.RtcAgingAdjusted: return "rtc-aging-adjusted";
                case EventCode.CommandRefused: return "command-refused";
                case EventCode.CommandAccepted: return "command-accepted";
                default: return "event";
            }
        }
    }
}
