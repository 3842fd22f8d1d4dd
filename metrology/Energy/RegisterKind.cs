namespace AssetMeter.Metrology.Energy
{
    /// <summary>How an IC energy register counts, which decides how a delta is read from it.</summary>
    public enum RegisterKind
    {
        /// <summary>
        /// 16-bit unsigned, cleared by every read, one register per direction (ATM90E32AS APenergy/ANenergy):
        /// the value read is the delta.
        /// </summary>
        Unsigned16ClearOnRead = 0,

        /// <summary>
        /// 24-bit two's complement net energy that keeps accumulating and wraps (ADE7953 AENERGYx without
        /// read-with-reset): the delta is the signed difference modulo 2^24; positive is import.
        /// </summary>
        Signed24Accumulating = 1,

        /// <summary>
        /// 24-bit two's complement net energy cleared by every read (ADE7953 with RSTREAD set): the value read,
        /// sign-extended, is the delta; positive is import.
        /// </summary>
        Signed24ClearOnRead = 2,
    }
}
