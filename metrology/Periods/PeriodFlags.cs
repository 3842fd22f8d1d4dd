using System;

namespace AssetMeter.Metrology.Periods
{
    /// <summary>
    /// Why a half-hour period's data cannot be fully trusted. A period with no flag was measured for its whole
    /// length, on a synchronised clock, by a healthy, unchanged IC.
    /// </summary>
    [Flags]
    public enum PeriodFlags
    {
        /// <summary>Nothing to report.</summary>
        None = 0,

        /// <summary>For some of the period the clock was not synchronised to UTC (holdover beyond bound, or never set).</summary>
        ClockUnsynchronised = 1,

        /// <summary>The clock was stepped (by NTP or by an authorised collector) during the period.</summary>
        ClockAdjusted = 2,

        /// <summary>The meter lost power during the period; energy between the last checkpoint and the cut is missing.</summary>
        PowerLost = 4,

        /// <summary>The measurement IC misbehaved: refused delta, bus error, checksum mismatch or unexpected reset.</summary>
        IcFault = 8,

        /// <summary>The calibration of the IC changed during the period.</summary>
        CalibrationChanged = 16,

        /// <summary>The period was not metered for its whole length (start-up or power cut inside it).</summary>
        Partial = 32,

        /// <summary>The journal could not keep unacknowledged data and had to drop some (see the event log).</summary>
        StorageAlarm = 64,
    }
}
