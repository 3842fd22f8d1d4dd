namespace AssetMeter.Hardware.Metering
{
    /// <summary>
    /// Raw energy-register values from one read, filled by <see cref="IEnergyIc.ReadEnergy"/>. Allocate one and
    /// reuse it: the metrology loop reads every second and must not allocate.
    /// </summary>
    public sealed class EnergyReading
    {
        /// <summary>Signed net active energy register (ADE7953: 24-bit); used when the IC's kind is signed.</summary>
        public int NetRaw;

        /// <summary>Forward (import) active energy register (ATM90E32AS: 16-bit clear-on-read); used for the pair kind.</summary>
        public int ForwardRaw;

        /// <summary>Reverse (export) active energy register; used for the pair kind.</summary>
        public int ReverseRaw;

        /// <summary>Set when the driver found, during this read, that the chip had restarted (its registers start from zero).</summary>
        public bool ChipRestarted;

        /// <summary>Active power the chip measured at the time of the read, milliwatts (positive: import); for consistency checks.</summary>
        public long ActivePowerMilliwatts;
    }
}
