namespace AssetMeter.Hardware.Ade7953
{
    /// <summary>How the driver sets up the AENERGYA register (LCYCMODE.RSTREAD).</summary>
    public enum Ade7953EnergyMode
    {
        /// <summary>
        /// RSTREAD cleared: AENERGYA keeps accumulating and wraps at 24 bits; the metrology core takes differences.
        /// A lost or refused read loses nothing. The mode for settlement; the default.
        /// </summary>
        Accumulating = 0,

        /// <summary>
        /// RSTREAD set (the chip's reset default): every read clears AENERGYA. A read whose value is lost after the
        /// chip sent it loses that energy. Provided for comparison and tests only.
        /// </summary>
        ReadWithReset = 1,
    }
}
