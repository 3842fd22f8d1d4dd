namespace AssetMeter.Hardware.Ade7953
{
    /// <summary>
    /// Waits at least <paramref name="milliseconds"/>. Portable code owns no clock, so the shell supplies the wait
    /// (Thread.Sleep on the device, the emulator's simulated time in tests). The driver waits only in
    /// <see cref="Ade7953.Start"/>: after a software reset (100 ms, datasheet p. 18) and between identity attempts.
    /// </summary>
    public delegate void Ade7953Delay(int milliseconds);
}
