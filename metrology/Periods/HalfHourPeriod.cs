namespace AssetMeter.Metrology.Periods
{
    /// <summary>
    /// One UTC half-hour settlement period: its energy, the cumulative registers at its start and end, and
    /// its flags. Energy is in microwatt-hours; the period's energy is end minus start, so consecutive
    /// periods chain (the end of one is the start of the next).
    /// </summary>
    public struct HalfHourPeriod
    {
        /// <summary>UTC start of the period in 100 ns ticks since 0001-01-01 (DateTime ticks); a multiple of 30 minutes.</summary>
        public long StartTicks;

        /// <summary>Import register (µWh) at the start of the period.</summary>
        public long ImportStartMicrowattHours;

        /// <summary>Import register (µWh) at the end of the period.</summary>
        public long ImportEndMicrowattHours;

        /// <summary>Export register (µWh) at the start of the period.</summary>
        public long ExportStartMicrowattHours;

        /// <summary>Export register (µWh) at the end of the period.</summary>
        public long ExportEndMicrowattHours;

        /// <summary>Why the period is not fully trustworthy, if at all.</summary>
        public PeriodFlags Flags;

        /// <summary>UTC end of the period (exclusive) in ticks.</summary>
        public long EndTicks
        {
            get { return StartTicks + UtcPeriods.TicksPerPeriod; }
        }

        /// <summary>Active energy imported during the period, µWh.</summary>
        public long ImportMicrowattHours
        {
            get { return ImportEndMicrowattHours - ImportStartMicrowattHours; }
        }

        /// <summary>Active energy exported during the period, µWh.</summary>
        public long ExportMicrowattHours
        {
            get { return ExportEndMicrowattHours - ExportStartMicrowattHours; }
        }
    }
}
