namespace AssetMeter.Metrology.Periods
{
    /// <summary>Receives each half-hour period the moment the ledger closes it, in order, exactly once.</summary>
    public interface IPeriodSink
    {
        /// <summary>Called when <paramref name="period"/> has closed; it will not change again.</summary>
        void OnPeriodClosed(HalfHourPeriod period);
    }
}
