namespace AssetMeter.Hardware.Metering
{
    /// <summary>What the last failed driver operation found, for the event log.</summary>
    public struct IcFault
    {
        /// <summary>The failure.</summary>
        public IcStatus Status;

        /// <summary>The register involved (chip address), or -1.</summary>
        public int Register;

        /// <summary>The value the driver expected (written value, checksum), when there is one.</summary>
        public long Expected;

        /// <summary>The value the chip returned.</summary>
        public long Actual;

        /// <summary>Records a failure and returns its status, so drivers can write <c>return fault.Set(...)</c>.</summary>
        public IcStatus Set(IcStatus status, int register, long expected, long actual)
        {
            Status = status;
            Register = register;
            Expected = expected;
            Actual = actual;
            return status;
        }
    }
}
