namespace AssetMeter.Hardware.Metering
{
    /// <summary>
    /// A bench that can put a known load on the meter and measure it with a reference meter: a test source
    /// and reference standard on a real bench, the emulator's true energy in tests.
    /// </summary>
    public interface ICalibrationRig
    {
        /// <summary>Applies nominal voltage and <paramref name="currentAmps"/> at <paramref name="loadAngleDegrees"/> (current lagging voltage) to one phase, and waits for it to settle.</summary>
        void Apply(int phase, double currentAmps, double loadAngleDegrees);

        /// <summary>Measures for <paramref name="seconds"/>: the energy the reference saw and the energy the meter under test counted.</summary>
        void Measure(int seconds, out double referenceWattHours, out double meterWattHours);
    }
}
