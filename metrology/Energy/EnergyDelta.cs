namespace AssetMeter.Metrology.Energy
{
    /// <summary>The outcome of decoding one read of the IC energy registers.</summary>
    public enum DeltaStatus
    {
        /// <summary>The delta is plausible and is to be counted.</summary>
        Accepted = 0,

        /// <summary>The first read after start-up or a chip reset: it sets the baseline and counts nothing.</summary>
        Baseline = 1,

        /// <summary>
        /// The delta is more than the maximum demand could have produced in the elapsed time. It is not counted;
        /// the period is to be flagged as an IC fault and the raw values logged.
        /// </summary>
        Implausible = 2,

        /// <summary>
        /// An accumulating register jumped and then stayed consistent at its new value (a chip reset or a
        /// register rewritten behind our back): the baseline moved; the period is to be flagged as an IC fault.
        /// </summary>
        Rebaselined = 3,
    }

    /// <summary>Import and export register counts decoded from one read, with how they were judged.</summary>
    public struct EnergyDelta
    {
        /// <summary>Counts of active energy imported (taken from the grid by the asset) to add to the import register.</summary>
        public long ImportCounts;

        /// <summary>Counts of active energy exported (sent to the grid by the asset) to add to the export register.</summary>
        public long ExportCounts;

        /// <summary>How the read was judged; anything but Accepted is to be logged and flags the period.</summary>
        public DeltaStatus Status;

        /// <summary>The magnitude in counts that was refused (Implausible), for the event log; otherwise zero.</summary>
        public long RejectedCounts;
    }
}
