namespace AssetMeter.Metrology.Periods
{
    /// <summary>The whole state of a <see cref="HalfHourLedger"/>: the open period and how far time has got.</summary>
    public struct LedgerCheckpoint
    {
        /// <summary>UTC ticks up to which energy had been attributed.</summary>
        public long LastTicks;

        /// <summary>The open period with its energy so far (its end registers are the cumulative registers).</summary>
        public HalfHourPeriod Open;
    }
}
