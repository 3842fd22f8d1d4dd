namespace AssetMeter.Hardware.Metering
{
    /// <summary>Outcome of a driver operation on a metering IC.</summary>
    public enum IcStatus
    {
        /// <summary>Done and verified.</summary>
        Ok = 0,

        /// <summary>The bus transaction failed (NACK, timeout, platform error); nothing was changed on the chip.</summary>
        BusError = 1,

        /// <summary>A read or write could not be confirmed by the chip's own communication check (ADE7953 LAST_RWDATA, ATM90E32AS LastSPIData), even after retries.</summary>
        VerifyFailed = 2,

        /// <summary>The chip's configuration checksum does not match what the driver wrote.</summary>
        ChecksumMismatch = 3,

        /// <summary>The chip restarted on its own: its configuration is back to defaults and its energy registers restarted from zero.</summary>
        ChipReset = 4,

        /// <summary>The chip does not identify as the expected part (absent, wrong address, wrong chip).</summary>
        NotResponding = 5,

        /// <summary>An energy register contradicts the chip's own power measurement (stuck or corrupted register).</summary>
        EnergyInconsistent = 6,

        /// <summary>A calibration record does not belong to this chip or fails its integrity check.</summary>
        InvalidCalibration = 7,
    }
}
